// The frame grid of corpus_small: per song group, target_L = min over its representatives of
// L = N // 98 + 1 must reproduce the reference pipeline's encoding_manifest.json. Audio is
// found through each .osu's AudioFilename, matched case-insensitively inside the archive.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "audio/audio_fixtures.hpp"
#include "audio/audio_length.hpp"

namespace cartography::audio {
namespace {

std::string audio_filename(const std::vector<uint8_t>& osu) {
  const std::string text(osu.begin(), osu.end());
  static const std::regex line(R"(^AudioFilename:[ \t]*([^\r\n]*?)[ \t]*\r?$)",
                               std::regex::multiline);
  std::smatch m;
  if (!std::regex_search(text, m, line)) return {};
  return m[1].str();
}

struct Representative {
  std::string osu_path;
  int64_t target_L = 0;
  int64_t L = 0;
};

Representative measure(const nlohmann::json& row, bool fast) {
  Representative r;
  r.osu_path = row.at("osu_path").get<std::string>();
  r.target_L = row.at("target_L").get<int64_t>();
  const auto slash = r.osu_path.find('/');
  const std::string archive = testing::data_dir() + "/corpus_small/" +
                              r.osu_path.substr(0, slash) + ".osz";
  const auto osu_index = testing::find_zip_entry(archive, r.osu_path.substr(slash + 1));
  if (!osu_index) throw std::runtime_error("no .osu for " + r.osu_path);
  const std::string audio = audio_filename(testing::read_zip_entry(archive, *osu_index));
  const auto audio_index = testing::find_zip_entry(archive, audio);
  if (!audio_index) throw std::runtime_error("no audio '" + audio + "' for " + r.osu_path);
  const auto bytes = testing::read_zip_entry(archive, *audio_index);
  r.L = frame_count(fast ? fast_sample_count(bytes, audio) : decoded_sample_count(bytes, audio));
  return r;
}

void check_manifest(bool fast) {
  const auto bytes =
      testing::read_file(testing::data_dir() + "/corpus_small_reference/encoding_manifest.json");
  const auto manifest = nlohmann::json::parse(bytes.begin(), bytes.end());
  std::map<int64_t, int64_t> min_L;
  std::vector<std::pair<int64_t, Representative>> reps;
  for (const auto& row : manifest) {
    const int64_t group = row.at("song_group_idx").get<int64_t>();
    Representative r = measure(row, fast);
    auto [it, fresh] = min_L.emplace(group, r.L);
    if (!fresh) it->second = std::min(it->second, r.L);
    reps.emplace_back(group, r);
  }
  ASSERT_GE(reps.size(), 30u);
  for (const auto& [group, r] : reps) EXPECT_EQ(min_L[group], r.target_L) << r.osu_path;
}

TEST(TargetLength, FullDecodeReproducesTheReferenceManifest) { check_manifest(false); }
TEST(TargetLength, FastPathReproducesTheReferenceManifest) { check_manifest(true); }

}  // namespace
}  // namespace cartography::audio
