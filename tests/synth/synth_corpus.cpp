#include "synth/synth_corpus.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <stdexcept>

#include "audio/audio_fixtures.hpp"
#include "synth/synth.hpp"

namespace cartography::synth::testing {
namespace fs = std::filesystem;

SynthOptions small_options() {
  SynthOptions o;
  o.songs = 8;
  o.seed = 5;
  o.duration_s = 12;
  o.jobs = 2;
  o.quiet = true;
  return o;
}

std::string temp_dir(const std::string& tag) {
  static int counter = 0;
  fs::path dir = fs::temp_directory_path() /
                 ("cartography_synth_" + tag + "_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

namespace {

std::string key(const SynthOptions& o) {
  return std::to_string(o.songs) + "/" + std::to_string(o.seed) + "/" + std::to_string(o.duration_s) + "/" +
         std::to_string(o.min_mappers) + "/" + std::to_string(o.max_mappers) + "/" + std::to_string(o.defect_rate);
}

// Removes the generated folders when the test binary exits.
struct Cache {
  std::mutex mutex;
  std::map<std::string, Generated> corpora;
  ~Cache() {
    for (auto& [k, g] : corpora) {
      std::error_code ignored;
      fs::remove_all(g.dir, ignored);
    }
  }
};

}  // namespace

const Generated& corpus(const SynthOptions& options) {
  static Cache cache;
  std::lock_guard<std::mutex> lock(cache.mutex);
  const std::string k = key(options);
  if (auto it = cache.corpora.find(k); it != cache.corpora.end()) return it->second;
  SynthOptions o = options;
  o.out_dir = temp_dir("corpus");
  generate_corpus(o);
  const auto bytes = read_file(o.out_dir + "/synth_manifest.json");
  return cache.corpora[k] = Generated{o.out_dir, nlohmann::json::parse(bytes.begin(), bytes.end())};
}

std::vector<OsuEntry> osu_entries(const std::string& archive_path) {
  std::vector<OsuEntry> out;
  const auto names = audio::testing::zip_entry_names(archive_path);
  for (size_t i = 0; i < names.size(); ++i) {
    if (!names[i].ends_with(".osu")) continue;
    const auto bytes = audio::testing::read_zip_entry(archive_path, static_cast<int64_t>(i));
    out.push_back({names[i], std::string(bytes.begin(), bytes.end())});
  }
  return out;
}

}  // namespace cartography::synth::testing
