// Builds small zip archives for tests with libzip: arbitrary (also hostile) entry names.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace cartography::testing {

struct ZipEntrySpec {
  std::string name;
  std::string bytes;
  bool store = false;  // stored instead of deflated
};

// Writes the archive to `path` (overwriting) and returns its bytes.
std::vector<unsigned char> build_zip(const std::string& path, const std::vector<ZipEntrySpec>& entries);

}  // namespace cartography::testing
