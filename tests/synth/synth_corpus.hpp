// Shared by the synth tests: corpora generated once per test binary into temporary folders,
// their manifests, and the .osu entries of an archive.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "synth/synth_options.hpp"

namespace cartography::synth::testing {

struct Generated {
  std::string dir;
  nlohmann::json manifest;
};

// Generates (once per options, cached for the process) and returns the corpus.
const Generated& corpus(const SynthOptions& options);
SynthOptions small_options();  // 8 songs of ~12 s, seed 5

std::string temp_dir(const std::string& tag);
std::vector<uint8_t> read_file(const std::string& path);
std::vector<std::string> files_in(const std::string& dir);  // sorted names

struct OsuEntry {
  std::string name;
  std::string text;
};
std::vector<OsuEntry> osu_entries(const std::string& archive_path);

}  // namespace cartography::synth::testing
