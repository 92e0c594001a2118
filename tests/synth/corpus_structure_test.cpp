// The generated corpus as a whole: archives named by numeric ids, several mappers per song
// sharing title/artist (up to case), difficulties with distinct versions, other game modes
// present, the manifest agreeing with the archives.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "audio/audio_fixtures.hpp"
#include "synth/corpus_plan.hpp"
#include "synth/synth_corpus.hpp"
#include "synth/text_case.hpp"

namespace cartography::synth {
namespace {

using testing::corpus;
using testing::small_options;

std::string header_value(const std::string& text, const std::string& key) {
  const std::regex re("(^|\\n)" + key + ":[ ]?([^\\r\\n]*)");
  std::smatch m;
  return std::regex_search(text, m, re) ? m[2].str() : std::string("<absent>");
}

std::string strip(const std::string& s) {
  const auto b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

TEST(SynthCorpus, ArchivesAreNumericOszFilesMatchingTheManifest) {
  const auto& g = corpus(small_options());
  std::set<std::string> files;
  for (const auto& name : testing::files_in(g.dir))
    if (name != "synth_manifest.json") files.insert(name);
  ASSERT_EQ(files.size(), g.manifest.at("archives").size());
  for (const auto& a : g.manifest.at("archives")) {
    const std::string file = a.at("file");
    EXPECT_TRUE(files.count(file)) << file;
    EXPECT_TRUE(std::regex_match(file, std::regex("[0-9]+\\.osz"))) << file;
    EXPECT_EQ(file, std::to_string(a.at("beatmapset_id").get<int64_t>()) + ".osz");
  }
  EXPECT_EQ(g.manifest.at("songs").size(), 8u);
}

TEST(SynthCorpus, EachArchiveHoldsItsAudioAndOneOsuPerDifficulty) {
  const auto& g = corpus(small_options());
  for (const auto& a : g.manifest.at("archives")) {
    const std::string path = g.dir + "/" + a.at("file").get<std::string>();
    const auto names = audio::testing::zip_entry_names(path);
    const auto osu = testing::osu_entries(path);
    ASSERT_EQ(osu.size(), a.at("difficulties").size()) << path;
    const std::string audio_entry = a.at("audio_entry");
    EXPECT_TRUE(std::find(names.begin(), names.end(), audio_entry) != names.end()) << path;
    // The .osu names the audio file, possibly in another case: matched case-insensitively.
    EXPECT_TRUE(audio::testing::find_zip_entry(path, a.at("audio_filename")).has_value()) << path;
    std::set<std::string> versions;
    for (const auto& e : osu) {
      EXPECT_TRUE(e.text.starts_with("osu file format v14") || e.text.starts_with("\xEF\xBB\xBFosu file format v14"));
      EXPECT_EQ(header_value(e.text, "AudioFilename"), a.at("audio_filename").get<std::string>());
      EXPECT_TRUE(versions.insert(header_value(e.text, "Version")).second) << "duplicate version in " << path;
    }
  }
}

TEST(SynthCorpus, SongsHaveSeveralMappersSharingTitleAndArtistUpToCase) {
  const auto& g = corpus(small_options());
  std::map<int, std::set<std::string>> creators, titles, artists;
  for (const auto& a : g.manifest.at("archives")) {
    const int song = a.at("song");
    creators[song].insert(a.at("creator").get<std::string>());
    titles[song].insert(lower_latin(strip(a.at("title"))));
    artists[song].insert(lower_latin(strip(a.at("artist"))));
  }
  int multi = 0;
  for (const auto& [song, names] : creators) {
    EXPECT_EQ(titles[song].size(), 1u) << "song " << song;
    EXPECT_EQ(artists[song].size(), 1u) << "song " << song;
    multi += names.size() >= 2;
  }
  EXPECT_GE(multi, 4);
  // No two songs share a key: each song is its own group.
  std::set<std::string> keys;
  for (const auto& [song, t] : titles) keys.insert(*t.begin() + "|||" + *artists[song].begin());
  EXPECT_EQ(keys.size(), creators.size());
}

TEST(SynthCorpus, LargerCorpusCoversStylesModesAndIdOrders) {
  SynthOptions o = small_options();
  o.songs = 30;
  o.duration_s = 6;
  o.seed = 17;
  const auto& g = corpus(o);
  std::set<int> modes;
  std::set<std::string> codecs, ids;
  int guest = 0, crlf = 0, lf = 0, five_digit = 0, six_digit = 0;
  for (const auto& a : g.manifest.at("archives")) {
    const std::string file = a.at("file");
    (file.size() == 9 ? five_digit : six_digit) += 1;  // "99999.osz" vs "100000.osz"
    for (const auto& d : a.at("difficulties")) {
      modes.insert(d.at("mode").get<int>());
      guest += d.at("creator") != a.at("creator");
    }
    for (const auto& e : testing::osu_entries(g.dir + "/" + file))
      (e.text.find("\r\n") != std::string::npos ? crlf : lf) += 1;
  }
  for (const auto& s : g.manifest.at("songs"))
    for (const auto& v : s.at("audio")) codecs.insert(v.at("codec").get<std::string>());
  EXPECT_EQ(modes, (std::set<int>{0, 1, 2, 3}));
  EXPECT_EQ(codecs, (std::set<std::string>{"mp3", "vorbis"}));
  EXPECT_GT(guest, 0);
  EXPECT_GT(crlf, 0);
  EXPECT_GT(lf, 0);
  EXPECT_GT(five_digit, 0);  // file-name order differs from numeric order
  EXPECT_GT(six_digit, 0);
}

TEST(SynthOptionsValidation, RefusesOutOfRangeOptions) {
  SynthOptions o = small_options();
  o.songs = 0;
  EXPECT_THROW(plan_corpus(o), std::invalid_argument);
  o = small_options();
  o.min_mappers = 3;
  o.max_mappers = 2;
  EXPECT_THROW(plan_corpus(o), std::invalid_argument);
  o = small_options();
  o.duration_s = 1;
  EXPECT_THROW(plan_corpus(o), std::invalid_argument);
  o = small_options();
  o.defect_rate = 1.5;
  EXPECT_THROW(plan_corpus(o), std::invalid_argument);
}

}  // namespace
}  // namespace cartography::synth
