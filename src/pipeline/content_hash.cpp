#include "pipeline/content_hash.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include "pipeline/file_kind.hpp"

namespace cartography::pipeline {
namespace {

std::string hex(XXH128_hash_t h) {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return buf;
}

struct StateDeleter {
  void operator()(XXH3_state_t* s) const { XXH3_freeState(s); }
};

struct Fd {
  int fd;
  ~Fd() { ::close(fd); }
};

}  // namespace

std::string content_hash(const std::string& path) {
  if (auto why = not_a_regular_file(path)) throw std::runtime_error(path + " " + *why);
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  std::unique_ptr<XXH3_state_t, StateDeleter> state(XXH3_createState());
  if (!state || XXH3_128bits_reset(state.get()) != XXH_OK) throw std::bad_alloc();
  std::vector<char> block(1 << 20);
  for (;;) {
    ssize_t n = ::read(f.fd, block.data(), block.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
    if (n == 0) break;
    XXH3_128bits_update(state.get(), block.data(), static_cast<size_t>(n));
  }
  return hex(XXH3_128bits_digest(state.get()));
}

std::string bytes_hash(const std::string& bytes) { return hex(XXH3_128bits(bytes.data(), bytes.size())); }

}  // namespace cartography::pipeline
