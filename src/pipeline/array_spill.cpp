#include "pipeline/array_spill.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace cartography::pipeline {
namespace {

std::string os_reason() { return std::strerror(errno); }

// Releases a vector's buffer: clear() alone keeps the capacity, and the capacity is the memory.
template <typename T>
void free_values(std::vector<T>& v) {
  std::vector<T>().swap(v);
}

}  // namespace

ArraySpill::ArraySpill(std::string path) : path_(std::move(path)) {}

ArraySpill::~ArraySpill() {
  if (fd_ >= 0) ::close(fd_);
}

std::string spill_path(const std::string& out_dir, int rank) {
  return out_dir + "/progress/spill.rank" + std::to_string(rank) + ".bin";
}

void ArraySpill::open() {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
  if (ec) throw SpillError("cannot create the folder of " + path_ + ": " + ec.message());
  // O_TRUNC: a file left under this name (by another tool: ours are unlinked) is not read.
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd_ < 0) throw SpillError("cannot create " + path_ + ": " + os_reason());
  if (::unlink(path_.c_str()) != 0) throw SpillError("cannot unlink " + path_ + ": " + os_reason());
}

uint64_t ArraySpill::write_bytes(const void* data, size_t bytes) {
  const uint64_t at = end_;
  const char* p = static_cast<const char*>(data);
  for (size_t done = 0; done < bytes;) {
    ssize_t n = ::pwrite(fd_, p + done, bytes - done, static_cast<off_t>(at + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = ENOSPC;  // no progress and no error: the disk took nothing more
      throw SpillError("cannot write " + std::to_string(bytes) + " bytes to " + path_ + ": " + os_reason());
    }
    done += static_cast<size_t>(n);
  }
  end_ += bytes;
  return at;
}

void ArraySpill::read_bytes(uint64_t at, void* out, size_t bytes) const {
  char* p = static_cast<char*>(out);
  for (size_t done = 0; done < bytes;) {
    ssize_t n = ::pread(fd_, p + done, bytes - done, static_cast<off_t>(at + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      throw SpillError("cannot read " + std::to_string(bytes) + " bytes at " + std::to_string(at) + " of " + path_ +
                       ": " + (n == 0 ? std::string("the file is shorter") : os_reason()));
    done += static_cast<size_t>(n);
  }
}

void ArraySpill::append(GroupOutcome& outcome) {
  if (fd_ < 0) open();
  const uint64_t start = end_;
  SpilledGroup group{outcome.song_group_idx, {}};
  try {
    for (const EncodedMap& m : outcome.maps) {
      // The final write reads back exactly these sizes: a map whose arrays disagree with them
      // would shift every later map.
      if (m.signal.size() != size_t(9 * m.frames) || m.latent.size() != size_t(m.latent_dims * m.latent_frames))
        throw SpillError("group " + std::to_string(outcome.song_group_idx) + ", map " + m.filename +
                         ": arrays do not match their sizes");
      SpilledMap s{m.frames, m.latent_dims, m.latent_frames, 0, 0};
      s.signal_at = write_bytes(m.signal.data(), m.signal.size() * sizeof(double));
      s.latent_at = write_bytes(m.latent.data(), m.latent.size() * sizeof(float));
      group.maps.push_back(s);
    }
  } catch (...) {
    end_ = start;  // the group is not in the spill: its bytes will be overwritten
    throw;
  }
  // Only once every byte is written: a failed append leaves the outcome whole.
  for (EncodedMap& m : outcome.maps) {
    free_values(m.signal);
    free_values(m.latent);
  }
  groups_.push_back(std::move(group));
}

}  // namespace cartography::pipeline
