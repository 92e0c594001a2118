// Writes an .osz (a zip) with libzip: entries in the given order, every timestamp fixed, so the
// archive's bytes depend only on its contents.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace cartography::synth {

struct ZipEntry {
  std::string name;  // UTF-8
  std::vector<uint8_t> bytes;
  bool compress = true;  // audio is stored: it does not deflate
};

struct ZipWriteError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Writes `path` through a temporary file renamed into place, so a half-written archive never
// carries the final name.
void write_zip(const std::string& path, const std::vector<ZipEntry>& entries);

}  // namespace cartography::synth
