#include "support/zip_builder.hpp"

#include <zip.h>

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace cartography::testing {

std::vector<unsigned char> build_zip(const std::string& path, const std::vector<ZipEntrySpec>& entries) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (!z) throw std::runtime_error("zip_open failed for " + path);
  for (const auto& e : entries) {
    zip_source_t* src = zip_source_buffer(z, e.bytes.data(), e.bytes.size(), 0);
    zip_int64_t idx = zip_file_add(z, e.name.c_str(), src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
    if (idx < 0) {
      zip_source_free(src);
      throw std::runtime_error("zip_file_add failed for " + e.name);
    }
    zip_set_file_compression(z, idx, e.store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0);
    zip_file_set_mtime(z, idx, 0, 0);
  }
  if (zip_close(z) != 0) throw std::runtime_error("zip_close failed for " + path);
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace cartography::testing
