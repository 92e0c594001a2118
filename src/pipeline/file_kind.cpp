#include "pipeline/file_kind.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "io/output_file.hpp"

namespace cartography::pipeline {

std::optional<std::string> not_a_regular_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::string("cannot be read: ") + std::strerror(errno);
  if (S_ISREG(st.st_mode)) return std::nullopt;
  return std::string("is ") + io::file_kind_name(st.st_mode) + ", not a regular file";
}

}  // namespace cartography::pipeline
