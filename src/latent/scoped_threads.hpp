// libtorch's intra-op thread count for one piece of work, restored afterwards (the setting is
// process-wide). Each parallel region ends in a rendezvous of its threads; on a shared node a
// partner thread may wait a whole time slice for its core, so a region pays off only when it
// holds enough work.
#pragma once

#include <ATen/Parallel.h>

namespace cartography::latent {

class ScopedThreads {
 public:
  // threads <= 0 keeps the current setting.
  explicit ScopedThreads(int threads) : saved_(at::get_num_threads()) {
    if (threads > 0 && threads != saved_) at::set_num_threads(threads);
  }
  ~ScopedThreads() {
    if (at::get_num_threads() != saved_) at::set_num_threads(saved_);
  }
  ScopedThreads(const ScopedThreads&) = delete;
  ScopedThreads& operator=(const ScopedThreads&) = delete;

 private:
  int saved_;
};

}  // namespace cartography::latent
