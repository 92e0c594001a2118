// Index and registry on corpus_small equal the reference pipeline's JSON byte for byte
// (fixtures: corpus_small_reference/multi_mapper_index.json, beatmap_registry.json).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "catalog/index.hpp"
#include "catalog/registry.hpp"
#include "osz/archive.hpp"

namespace cartography::catalog {
namespace {

namespace fs = std::filesystem;
const std::string kData = CARTO_TEST_DATA;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<ArchiveMeta> scan_corpus(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".osz") names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  std::vector<ArchiveMeta> metas;
  for (const auto& n : names) {
    ArchiveScan s = scan_archive(dir + "/" + n, n);
    EXPECT_TRUE(s.meta) << n << ": " << s.error;
    if (s.meta) metas.push_back(*s.meta);
  }
  return metas;
}

TEST(CorpusSmall, IndexEqualsReferenceByteForByte) {
  auto groups = build_index(scan_corpus(kData + "/corpus_small"));
  EXPECT_EQ(io::dump_python_style(index_json(groups)),
            slurp(kData + "/corpus_small_reference/multi_mapper_index.json"));
}

TEST(CorpusSmall, RegistryEqualsReferenceByteForByte) {
  const std::string dir = kData + "/corpus_small";
  auto groups = build_index(scan_corpus(dir));
  std::vector<RegistryEntry> registry;
  for (size_t g = 0; g < groups.size(); ++g) {
    for (const SetRef& s : groups[g].beatmapsets) {
      osz::Archive archive = osz::Archive::open(dir + "/" + s.filename);
      auto part = registry_for_archive(archive, s.filename, s.beatmapset_id, int(g), groups[g].num_mappers());
      EXPECT_TRUE(part.warnings.empty());
      registry.insert(registry.end(), part.entries.begin(), part.entries.end());
    }
  }
  sort_registry(registry);
  mark_representatives(registry);
  EXPECT_EQ(io::dump_python_style(registry_json(registry)),
            slurp(kData + "/corpus_small_reference/beatmap_registry.json"));
}

TEST(Index, NonNumericStemsGetStableHashedIds) {
  auto [id, hashed] = beatmapset_id_from_filename("241526 Soleily - Renatus.osz");
  EXPECT_TRUE(hashed);
  EXPECT_GT(id, int64_t(1) << 61);
  EXPECT_EQ(id, beatmapset_id_from_filename("241526 Soleily - Renatus.osz").first);
  EXPECT_NE(id, beatmapset_id_from_filename("241526 Soleily - Renatus2.osz").first);
  EXPECT_EQ(beatmapset_id_from_filename("123.osz"), std::make_pair(int64_t(123), false));
}

TEST(Index, GroupsByLoweredStrippedTitleAndArtistWithTwoCreators) {
  std::vector<ArchiveMeta> metas = {
      {"1.osz", 1, false, "Song", "Art", "a", 0},
      {"2.osz", 2, false, "SONG ", "art", "b", 0},
      {"3.osz", 3, false, "Other", "Art", "a", 0},
      {"4.osz", 4, false, "Other", "Art", "a", 0},
      {"5.osz", 5, false, "Third", "X", "c", 0},
      {"6.osz", 6, false, "Third", "X", "b", 0},
      {"7.osz", 7, false, "third", "x", "a", 0}};
  auto groups = build_index(metas);
  ASSERT_EQ(groups.size(), 2u);  // "other" has one creator only
  EXPECT_EQ(groups[0].match_key, "third ||| x");  // 3 mappers sort first
  EXPECT_EQ(groups[0].mappers, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(groups[1].title, "Song");
  EXPECT_EQ(groups[1].match_key, "song ||| art");
  EXPECT_EQ(groups[1].beatmapsets.size(), 2u);
}

TEST(Index, ArchivesWithoutUsableMetadataAreErrorsWithReasons) {
  auto s = scan_osu_header("9.osz", "osu file format v14\nTitle:x\nArtist:y\n");
  EXPECT_FALSE(s.meta);
  EXPECT_NE(s.error.find("Creator"), std::string::npos);
  auto missing = scan_archive(kData + "/nope.osz", "nope.osz");
  EXPECT_FALSE(missing.meta);
  EXPECT_NE(missing.error.find("nope.osz"), std::string::npos);
}

}  // namespace
}  // namespace cartography::catalog

namespace cartography::catalog {
namespace {

TEST(Index, GuestDifficultiesCountWithOsuCreatorGrouping) {
  // One archive whose set creator is "host" with a guest difficulty by "guest", and a second
  // archive of another song by one creator only.
  ArchiveMeta a{"1.osz", 1, false, "Song", "Art", "host", 0, {"host", "guest"}};
  ArchiveMeta b{"2.osz", 2, false, "Solo", "Art", "x", 0, {"x"}};
  EXPECT_TRUE(build_index({a, b}, GroupBy::SetCreator).empty());
  auto groups = build_index({a, b}, GroupBy::OsuCreator);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].mappers, (std::vector<std::string>{"guest", "host"}));
  EXPECT_EQ(groups[0].beatmapsets.size(), 1u);
}

}  // namespace
}  // namespace cartography::catalog

#include "support/zip_builder.hpp"

namespace cartography::catalog {
namespace {

TEST(Registry, AudioFoundCaseInsensitivelyOrExactlyAsTheReference) {
  const std::string osu =
      "osu file format v14\n[General]\nAudioFilename: TRACK.MP3\nMode: 0\n[Metadata]\nTitle:t\nArtist:a\n"
      "Creator:c\nVersion:v\n[Difficulty]\nOverallDifficulty:5\n";
  const std::string path = ::testing::TempDir() + "/audio_case.osz";
  cartography::testing::build_zip(path, {{"x.osu", osu}, {"track.mp3", "ID3"}});
  osz::Archive archive = osz::Archive::open(path);
  auto ours = registry_for_archive(archive, "1.osz", 1, 0, 2);
  ASSERT_EQ(ours.entries.size(), 1u);
  EXPECT_EQ(ours.entries[0].audio_path, "1/track.mp3");
  auto reference = registry_for_archive(archive, "1.osz", 1, 0, 2, AudioMatch::Reference);
  EXPECT_FALSE(reference.entries[0].audio_path);

  // The reference extracts only .mp3/.ogg entries: an exact-name .wav is not found there.
  std::string wav_osu = osu;
  wav_osu.replace(wav_osu.find("TRACK.MP3"), 9, "s.wav");
  cartography::testing::build_zip(path, {{"x.osu", wav_osu}, {"s.wav", "RIFF"}});
  osz::Archive wav = osz::Archive::open(path);
  EXPECT_EQ(registry_for_archive(wav, "1.osz", 1, 0, 2).entries[0].audio_path, "1/s.wav");
  EXPECT_FALSE(registry_for_archive(wav, "1.osz", 1, 0, 2, AudioMatch::Reference).entries[0].audio_path);
}

}  // namespace
}  // namespace cartography::catalog
