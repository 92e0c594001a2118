// Test fixtures for the audio stage: the ffmpeg CLI's sample counts recorded by
// make_expected.sh, and the bytes of each audio file, read straight out of the archives with
// libzip (entries addressed by their central-directory index, so odd names need no decoding).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cartography::audio::testing {

struct ExpectedAudio {
  std::string archive;  // relative to tests/data; empty for a plain file
  int64_t index = -1;   // entry index inside the archive
  std::string entry;    // entry name, or the plain file's path relative to tests/data
  bool ok = false;      // whether the CLI decoded it
  int64_t samples = 0;  // the CLI's N (when ok)

  std::string label() const { return archive.empty() ? entry : archive + ":" + entry; }
  std::string extension() const;  // lower case, with the dot
};

std::string data_dir();
std::vector<ExpectedAudio> load_expected();
std::vector<uint8_t> read_bytes(const ExpectedAudio& e);

std::vector<uint8_t> read_file(const std::string& path);
// Entry names of an archive in central-directory order (raw names, as libzip gives them).
std::vector<std::string> zip_entry_names(const std::string& archive_path);
std::vector<uint8_t> read_zip_entry(const std::string& archive_path, int64_t index);
// Case-insensitive (ASCII) lookup of an entry name; nullopt when absent.
std::optional<int64_t> find_zip_entry(const std::string& archive_path, const std::string& name);

}  // namespace cartography::audio::testing
