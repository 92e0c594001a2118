// Shared by the fuzz harnesses: contract violations and in-memory files for readers that take
// a path.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace fuzz_support {

// A broken contract: printed where scripts/fuzz.sh looks for it, then abort (a finding).
[[noreturn]] inline void violation(const char* what, const std::string& detail = "") {
  std::fprintf(stderr, "CONTRACT VIOLATION: %s %s\n", what, detail.c_str());
  std::abort();
}

// The bytes as a regular file without touching the disk: a memfd opened as /proc/self/fd/N.
struct MemFile {
  int fd = -1;
  std::string path;
  explicit MemFile(const std::string& bytes, const char* name = "fuzz") {
    fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0) violation("memfd_create failed");
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
      if (n <= 0) violation("write to memfd failed");
      done += size_t(n);
    }
    path = "/proc/self/fd/" + std::to_string(fd);
  }
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;
  ~MemFile() { close(fd); }
};

}  // namespace fuzz_support
