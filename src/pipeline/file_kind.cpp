#include "pipeline/file_kind.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace cartography::pipeline {
namespace {

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a plain file";
}

}  // namespace

std::optional<std::string> not_a_regular_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::string("cannot be read: ") + std::strerror(errno);
  if (S_ISREG(st.st_mode)) return std::nullopt;
  return std::string("is ") + kind_of(st.st_mode) + ", not a regular file";
}

}  // namespace cartography::pipeline
