// A rank's finished arrays, kept on disk until the final write instead of in memory. Each group's
// 9-dim signals and latents are appended, as raw bytes, to one per-rank file as soon as the group
// is done, and freed; cartography.h5 is then written from this file in bounded rounds (see
// store_layout.cpp). So a rank's memory follows the group in flight, not the number of archives
// it processed (a ranked archive's encodings alone are tens of GB).
//
// The file is opened and at once unlinked: it is never visible under its name, cannot be taken
// for a result, and its space returns to the disk when the process ends, however it ends (a
// killed or failed run leaves nothing to clean up). Plain C++, no MPI.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "pipeline/group_job.hpp"

namespace cartography::pipeline {

struct SpillError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Where one map's arrays are in the spill: byte offsets of its [9, frames] doubles and its
// [latent_dims, latent_frames] floats.
struct SpilledMap {
  int64_t frames = 0;
  int64_t latent_dims = 0, latent_frames = 0;
  uint64_t signal_at = 0, latent_at = 0;
};

struct SpilledGroup {
  int song_group_idx = 0;
  std::vector<SpilledMap> maps;  // manifest order, like GroupOutcome::maps
};

class ArraySpill {
 public:
  // Nothing is created until the first append(), so a rank without groups makes no file.
  explicit ArraySpill(std::string path);
  ~ArraySpill();
  ArraySpill(const ArraySpill&) = delete;
  ArraySpill& operator=(const ArraySpill&) = delete;

  // Writes every map's signal and latent to the spill, then frees them in `outcome` (sizes and
  // metadata stay). Throws SpillError naming the file and the OS's reason when the file cannot
  // be created or written (a full disk); the outcome keeps its arrays then.
  void append(GroupOutcome& outcome);

  // The groups appended so far, in append order.
  const std::vector<SpilledGroup>& groups() const { return groups_; }
  uint64_t bytes() const { return end_; }

  // `count` values of T from byte `at` into `out`; throws SpillError on a short or failed read.
  template <typename T>
  void read(uint64_t at, T* out, size_t count) const {
    read_bytes(at, out, count * sizeof(T));
  }

 private:
  void open();
  uint64_t write_bytes(const void* data, size_t bytes);
  void read_bytes(uint64_t at, void* out, size_t bytes) const;

  std::string path_;
  int fd_ = -1;
  uint64_t end_ = 0;
  std::vector<SpilledGroup> groups_;
};

// The spill of rank `rank`, under the run's progress folder.
std::string spill_path(const std::string& out_dir, int rank);

}  // namespace cartography::pipeline
