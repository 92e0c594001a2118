// Featurisation of real archives against the reference's generate-data + encode_beatmap
// (tests/data/train/features, made by make_features_golden.py), skips of hostile input, the
// cache reused and rebuilt, and corpora that do not depend on how archives were shared out.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "io/npy.hpp"
#include "osz/archive.hpp"
#include "support/zip_builder.hpp"
#include "train/feature_cache.hpp"
#include "train/training_data.hpp"
#include "train_data_support.hpp"

namespace cartography::train {
namespace {

using namespace testing;

const std::vector<std::string> kGoldenArchives = {"100020.osz", "100036.osz", "100203.osz"};

// A dataset folder holding copies of some corpus_small archives.
void copy_archives(const std::vector<std::string>& names, const fs::path& dir) {
  for (const auto& n : names) fs::copy_file(test_data("corpus_small/" + n), dir / n);
}

auto all = [](size_t) { return true; };

bool has_skip(const TrainingCorpus& c, const std::string& stage, const std::string& subject_part) {
  for (const auto& s : c.skips)
    if (s.stage == stage && s.subject.find(subject_part) != std::string::npos) return true;
  return false;
}

TEST(SongFeatures, MatchesTheReferenceGenerateData) {
  ScratchDir data("data"), cache("cache");
  copy_archives(kGoldenArchives, data.path);
  FakeCqt cqt;
  const TrainingCorpus c = prepare_training_corpus(data.str(), cache.str(), cqt.callback(), all);
  nlohmann::json golden;
  std::ifstream(test_data("train/features/features.json")) >> golden;

  size_t golden_maps = 0;
  for (const auto& archive : kGoldenArchives) {
    const auto& units = golden[archive]["units"];
    std::vector<const SongUnit*> ours;
    for (const auto& u : c.units)
      if (u.archive == archive) ours.push_back(&u);
    ASSERT_EQ(ours.size(), units.size()) << archive;
    for (size_t i = 0; i < units.size(); ++i) {
      const SongUnit& u = *ours[i];
      EXPECT_EQ(u.audio_entry, units[i]["audio"].get<std::string>());
      EXPECT_EQ(u.frames, units[i]["L"].get<int64_t>()) << archive;
      FeatureFile f(u.cache_path, FeatureFile::Check::payload);
      ASSERT_EQ(f.frames(), u.frames);
      // The fake CQT's values came through the file untouched.
      std::vector<float> audio(static_cast<size_t>(kAudioRows * u.frames));
      f.read_audio(0, u.frames, audio.data());
      EXPECT_EQ(audio[static_cast<size_t>(5 * u.frames + 17)], 17.05f);
      const auto unit_index = static_cast<int32_t>(&u - c.units.data());
      std::vector<const TrainingMap*> maps;
      for (const auto& m : c.maps)
        if (m.unit == unit_index) maps.push_back(&m);
      const auto& charts = units[i]["charts"];
      ASSERT_EQ(maps.size(), charts.size()) << archive;
      for (size_t k = 0; k < charts.size(); ++k) {
        ++golden_maps;
        EXPECT_EQ(maps[k]->entry, charts[k]["entry"].get<std::string>());
        const auto want = io::read_npy<float>(test_data("train/features/" + charts[k]["npy"].get<std::string>()));
        ASSERT_EQ(want.shape, (std::vector<int64_t>{kChartRows, u.frames}));
        std::vector<float> got(static_cast<size_t>(kChartRows * u.frames));
        f.read_chart(maps[k]->chart, 0, u.frames, got.data());
        size_t bad = 0;
        for (size_t j = 0; j < got.size(); ++j) bad += std::abs(got[j] - want.data[j]) > 1e-6f;
        EXPECT_EQ(bad, 0u) << charts[k]["entry"];
        // A window in the middle is the same slice of the rows.
        std::vector<float> window(kChartRows * 100);
        f.read_chart(maps[k]->chart, 1000, 100, window.data());
        EXPECT_EQ(window[3 * 100 + 7], want.data[static_cast<size_t>(3 * u.frames + 1007)]);
        // ... and so is what the training loop reads.
        std::vector<float> loop_audio(kAudioRows * 100), loop_chart(kChartRows * 100);
        const WindowRef w{static_cast<int32_t>(maps[k] - c.maps.data()), 1000};
        read_window(c, w, 100, loop_audio.data(), loop_chart.data());
        EXPECT_EQ(loop_chart, window);
        EXPECT_EQ(loop_audio[2 * 100 + 5], 1005.02f);
      }
    }
    for (const auto& entry : golden[archive]["not_standard"])
      EXPECT_TRUE(has_skip(c, "registry", archive + ": " + entry.get<std::string>())) << entry;
  }
  EXPECT_EQ(c.maps.size(), golden_maps);
  TrainingCorpus stale = c;  // a corpus that no longer matches its files is refused, not trusted
  stale.units[0].frames += 1;
  std::vector<float> a(kAudioRows * 10), x(kChartRows * 10);
  EXPECT_THROW(read_window(stale, {0, 0}, 10, a.data(), x.data()), FeatureFileError);
  // Three archives, two songs: 100020 and 100036 chart "Synthetic Song 000" of "Artist 0".
  EXPECT_EQ(c.songs.size(), 2u);
  EXPECT_EQ(c.units[0].song, c.units[1].song);
  EXPECT_NE(c.units[0].song, c.units[2].song);
  EXPECT_EQ(cqt.calls.load(), 3);
}

// The chart entry of an archive with its AudioFilename line replaced.
std::string with_audio(std::string osu, const std::string& audio) {
  const size_t at = osu.find("AudioFilename:");
  const size_t end = osu.find('\n', at);
  return osu.replace(at, end - at, "AudioFilename: " + audio);
}

TEST(SongFeatures, OneUnitPerAudioFileAndSkipsNamed) {
  ScratchDir data("data"), cache("cache");
  osz::Archive src = osz::Archive::open(test_data("corpus_small/100036.osz"));
  const auto osu = src.osu_entries();
  ASSERT_EQ(osu.size(), 3u);
  const auto ogg = src.read(*src.find("audio.ogg"));
  const std::string audio(ogg.begin(), ogg.end());
  const std::string chart = src.read_text(osu[0]);
  using cartography::testing::build_zip;
  // Two audio files: the difficulties using each form one unit; one difficulty is broken.
  build_zip((data.path / "a_two_songs.osz").string(),
            {{"easy.osu", with_audio(chart, "audio.ogg")},
             {"hard.osu", with_audio(chart, "second.ogg")},
             {"broken.osu", "osu file format v14\n[General]\nAudioFilename: audio.ogg\nMode: 0\n[HitObjects]\nnot,an,object\n"},
             {"audio.ogg", audio},
             {"second.ogg", audio}});
  build_zip((data.path / "b_bad_audio.osz").string(), {{"x.osu", with_audio(chart, "noise.mp3")}, {"noise.mp3", "not audio"}});
  build_zip((data.path / "c_no_audio.osz").string(), {{"x.osu", with_audio(chart, "missing.mp3")}});
  build_zip((data.path / "d_taiko.osz").string(), {{"t.osu", "osu file format v14\n[General]\nMode: 1\n"}});
  { std::ofstream((data.path / "e_not_a_zip.osz").string()) << "hello"; }
  ASSERT_EQ(::mkfifo((data.path / "g_fifo.osz").c_str(), 0644), 0);  // never opened: it would block
  build_zip((data.path / "f_long.osz").string(), {{"x.osu", with_audio(chart, "audio.ogg")}, {"audio.ogg", audio}});

  FakeCqt cqt;
  PrepareOptions opt;
  opt.decode_pcm = [](std::span<const uint8_t> bytes, const std::string& name, double max_seconds) {
    // A fake decoder: 16384 samples per byte-kilo, and the limit checked as the real one does.
    const auto n = static_cast<int64_t>(bytes.size()) * 16;
    if (name.find("f_long") != std::string::npos || n > max_seconds * 16384)
      throw std::runtime_error(name + ": longer than the limit of " + std::to_string(max_seconds) + " s");
    if (bytes.size() < 100) throw std::runtime_error(name + ": invalid data");
    return std::vector<int16_t>(static_cast<size_t>(n));
  };
  const TrainingCorpus c = prepare_training_corpus(data.str(), cache.str(), cqt.callback(), all, opt);
  ASSERT_EQ(c.units.size(), 2u);
  EXPECT_EQ(c.units[0].audio_entry, "audio.ogg");
  EXPECT_EQ(c.units[1].audio_entry, "second.ogg");
  EXPECT_EQ(c.units[0].song, c.units[1].song);  // one song: same title and artist
  ASSERT_EQ(c.maps.size(), 2u);
  EXPECT_EQ(c.maps[0].entry, "easy.osu");
  EXPECT_EQ(c.maps[1].entry, "hard.osu");
  EXPECT_EQ(c.units[0].frames, static_cast<int64_t>(audio.size()) * 16 / 98 + 1);
  EXPECT_TRUE(has_skip(c, "chart", "a_two_songs.osz: broken.osu"));
  EXPECT_TRUE(has_skip(c, "audio", "b_bad_audio.osz: noise.mp3"));
  EXPECT_TRUE(has_skip(c, "audio", "c_no_audio.osz: x.osu"));
  EXPECT_TRUE(has_skip(c, "archive", "d_taiko.osz"));
  EXPECT_TRUE(has_skip(c, "registry", "d_taiko.osz: t.osu"));
  EXPECT_TRUE(has_skip(c, "archive", "e_not_a_zip.osz"));
  EXPECT_TRUE(has_skip(c, "audio", "f_long.osz: audio.ogg"));
  EXPECT_TRUE(has_skip(c, "archive", "g_fifo.osz"));
  for (const auto& s : c.skips) EXPECT_FALSE(s.reason.empty()) << s.subject;
}

TEST(SongFeatures, UnusableFoldersAreErrorsNamingThem) {
  ScratchDir data("data");
  FakeCqt cqt;
  const std::string file_in_the_way = (data.path / "a_file").string();
  { std::ofstream(file_in_the_way) << "x"; }
  try {
    prepare_training_corpus(data.str(), file_in_the_way + "/cache", cqt.callback(), all);
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(file_in_the_way), std::string::npos) << e.what();
  }
  EXPECT_THROW(prepare_training_corpus(data.str() + "/missing", data.str() + "/c", cqt.callback(), all),
               std::runtime_error);
}

TEST(SongFeatures, HostileCorpusNeverThrowsAndAccountsForEveryArchive) {
  ScratchDir cache("cache");
  FakeCqt cqt;
  PrepareOptions opt;
  opt.threads = 2;
  const std::string dir = test_data("bad_corpus");
  const TrainingCorpus c = prepare_training_corpus(dir, cache.str(), cqt.callback(), all, opt);
  const auto files = list_training_archives(dir);
  EXPECT_EQ(c.archives, static_cast<int64_t>(files.size()));
  std::set<std::string> seen;
  for (const auto& u : c.units) seen.insert(u.archive);
  for (const auto& s : c.skips) seen.insert(s.subject.substr(0, s.subject.find(": ")));
  for (const auto& f : files) EXPECT_TRUE(seen.count(f.name)) << f.name << " neither used nor skipped";
  EXPECT_TRUE(has_skip(c, "archive", "900001.osz"));  // a zero-byte file
  EXPECT_FALSE(c.units.empty());
  // Everything that made it in reads back finite (read_chart/read_audio check every value).
  for (size_t m = 0; m < c.maps.size(); ++m) {
    const SongUnit& u = c.units[static_cast<size_t>(c.maps[m].unit)];
    FeatureFile f(u.cache_path, FeatureFile::Check::payload);
    std::vector<float> x(static_cast<size_t>(kChartRows * u.frames));
    EXPECT_NO_THROW(f.read_chart(c.maps[m].chart, 0, u.frames, x.data())) << u.archive;
  }
}

TEST(SongFeatures, CacheIsReusedAndACorruptFileRebuilt) {
  ScratchDir data("data"), cache("cache");
  copy_archives({"100036.osz"}, data.path);
  FakeCqt cqt;
  const TrainingCorpus first = prepare_training_corpus(data.str(), cache.str(), cqt.callback(), all);
  ASSERT_EQ(cqt.calls.load(), 1);
  const TrainingCorpus again = prepare_training_corpus(data.str(), cache.str(), cqt.callback(), all);
  EXPECT_EQ(cqt.calls.load(), 1);  // found in the cache
  EXPECT_EQ(serialize_corpus(again), serialize_corpus(first));
  EXPECT_TRUE(again.warnings.empty());

  const std::string path = first.units.at(0).cache_path;
  {  // one payload byte flipped: the header still checks, the payload does not
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(200);
    f.put('\x7f');
  }
  PrepareOptions trusting;
  trusting.verify_cached_payload = false;  // header and size only: the flipped byte goes unseen
  prepare_training_corpus(data.str(), cache.str(), cqt.callback(), all, trusting);
  EXPECT_EQ(cqt.calls.load(), 1);
  const TrainingCorpus rebuilt = prepare_training_corpus(data.str(), cache.str(), cqt.callback(), all);
  EXPECT_EQ(cqt.calls.load(), 2);
  ASSERT_EQ(rebuilt.warnings.size(), 1u);
  EXPECT_NE(rebuilt.warnings[0].find(path), std::string::npos) << rebuilt.warnings[0];
  EXPECT_NE(rebuilt.warnings[0].find("checksum"), std::string::npos) << rebuilt.warnings[0];
  EXPECT_NO_THROW(FeatureFile(path, FeatureFile::Check::payload));

  fs::resize_file(path, fs::file_size(path) - 4);  // truncated
  prepare_training_corpus(data.str(), cache.str(), cqt.callback(), all);
  EXPECT_EQ(cqt.calls.load(), 3);
}

TEST(SongFeatures, MergedSharesEqualOneProcess) {
  ScratchDir data("data"), cache("cache");
  copy_archives({"100020.osz", "100036.osz", "100203.osz", "100177.osz", "100274.osz"}, data.path);
  FakeCqt cqt;
  const TrainingCorpus whole = prepare_training_corpus(data.str(), cache.str(), cqt.callback(), all);
  for (int ranks : {2, 3}) {
    std::vector<TrainingCorpus> parts;
    // Rank r takes archives r, r + ranks, ...; parts arrive in an order other than the ranks'.
    for (int r = ranks - 1; r >= 0; --r)
      parts.push_back(deserialize_corpus(serialize_corpus(prepare_training_corpus(
          data.str(), cache.str(), cqt.callback(), [&](size_t i) { return static_cast<int>(i % ranks) == r; }))));
    EXPECT_EQ(serialize_corpus(merge_corpora(std::move(parts))), serialize_corpus(whole)) << ranks << " ranks";
  }
}

TEST(SongFeatures, GarbledCorpusMessageIsAnError) {
  TrainingCorpus c;
  c.songs = {"s"};
  c.units.push_back({"a.osz", "audio.mp3", 0, 10, "/x", std::string(32, '0')});
  c.maps.push_back({0, 0, "m.osu"});
  const std::string bytes = serialize_corpus(c);
  EXPECT_EQ(serialize_corpus(deserialize_corpus(bytes)), bytes);
  for (size_t cut : {size_t{0}, size_t{5}, bytes.size() / 2, bytes.size() - 1})
    EXPECT_THROW(deserialize_corpus(std::string_view(bytes).substr(0, cut)), std::runtime_error) << cut;
  c.maps[0].unit = 7;
  EXPECT_THROW(deserialize_corpus(serialize_corpus(c)), std::runtime_error);
}

}  // namespace
}  // namespace cartography::train
