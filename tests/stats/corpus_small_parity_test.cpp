// Parity on real reference data: the reference's own per-map encodings of corpus_small (9-dim
// float64 and VAE latents float32, copied from its output folder into
// tests/data/stats/corpus_small_encodings) run through our Track A, Track B and synthesis v1 in
// manifest order reproduce the reference's result files (tests/data/corpus_small_reference)
// value by value, keys and nesting included. This checks the statistics independently of our
// encoder and VAE. Synthesis v2 (no published code) is compared with make_expected.py's numpy.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "io/json.hpp"
#include "stats/json_compare.hpp"
#include "stats/npz.hpp"
#include "stats/synthesis.hpp"
#include "stats/synthesis_v2.hpp"
#include "stats/track_a.hpp"
#include "stats/track_b.hpp"

namespace cartography::stats {
namespace {

const std::string kData = CARTO_TEST_DATA;

struct Entry {
  std::string key;  // file name without .npy
  std::string creator;
  int64_t song_group_idx = 0;
};

class CorpusSmallParity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto manifest =
        testing::load_json(kData + "/corpus_small_reference/encoding_manifest.json");
    for (const auto& e : manifest) {
      const auto name = e.at("filename").get<std::string>();
      entries_.push_back({name.substr(0, name.size() - 4), e.at("creator").get<std::string>(),
                          e.at("song_group_idx").get<int64_t>()});
    }
    const std::string dir = kData + "/stats/corpus_small_encodings/";
    encodings_ = testing::read_npz<double>(dir + "encodings_9dim.npz");
    latents_ = testing::read_npz<float>(dir + "encodings_latent.npz");
  }

  static EncodingView encoding(const std::string& key) {
    const auto& a = encodings_.at(key);
    return EncodingView(a.data, a.shape.at(0), a.shape.at(1));
  }
  static LatentView latent(const std::string& key) {
    const auto& a = latents_.at(key);
    return LatentView(a.data, a.shape.at(0), a.shape.at(1));
  }

  // Manifest positions per song, songs ascending, members in manifest order.
  static std::map<int64_t, std::vector<size_t>> groups() {
    std::map<int64_t, std::vector<size_t>> out;
    for (size_t i = 0; i < entries_.size(); ++i) out[entries_[i].song_group_idx].push_back(i);
    return out;
  }

  static std::vector<std::string> creators_of(const std::vector<size_t>& members) {
    std::vector<std::string> out;
    for (size_t m : members) out.push_back(entries_[m].creator);
    return out;
  }

  static TrackASummary track_a() {
    std::vector<TrackAPair> pairs;
    for (const auto& [song, members] : groups()) {
      const auto creators = creators_of(members);
      if (distinct_creators(creators) < 2) continue;
      std::vector<int64_t> lengths;
      for (size_t m : members) lengths.push_back(encoding(entries_[m].key).length);
      const int64_t n = common_length(lengths);
      for (const auto& key : enumerate_pairs(song, creators))
        pairs.push_back(track_a_pair(key, encoding(entries_[members[size_t(key.member_a)]].key),
                                     encoding(entries_[members[size_t(key.member_b)]].key), n));
    }
    return summarize_track_a(pairs);
  }

  static TrackBSummary track_b() {
    std::vector<TrackBPair> pairs;
    std::vector<TrackBMember> records;
    for (const auto& [song, members] : groups()) {
      const auto creators = creators_of(members);
      std::vector<int64_t> lengths;
      for (size_t m : members) lengths.push_back(latent(entries_[m].key).length);
      const int64_t n = common_length(lengths);
      if (distinct_creators(creators) < 2 || n < kTrackBMinFrames) continue;
      for (const auto& key : enumerate_pairs(song, creators))
        pairs.push_back(track_b_pair(key, latent(entries_[members[size_t(key.member_a)]].key),
                                     latent(entries_[members[size_t(key.member_b)]].key), n));
      for (size_t m = 0; m < members.size(); ++m)
        records.push_back(track_b_member(song, int64_t(m), creators[m],
                                         latent(entries_[members[m]].key), n));
    }
    return summarize_track_b(pairs, records);
  }

  static std::vector<BeatmapSynthesis> beatmaps() {
    std::vector<BeatmapSynthesis> out;
    for (const auto& e : entries_) {
      std::optional<LatentView> z;
      if (latents_.count(e.key)) z = latent(e.key);
      out.push_back(synthesis_beatmap(encoding(e.key), z));
    }
    return out;
  }

  static inline std::vector<Entry> entries_;
  static inline std::map<std::string, io::NpyArray<double>> encodings_;
  static inline std::map<std::string, io::NpyArray<float>> latents_;
};

TEST_F(CorpusSmallParity, FixtureIsComplete) {
  EXPECT_EQ(entries_.size(), 36u);
  EXPECT_EQ(encodings_.size(), 36u);
  EXPECT_EQ(latents_.size(), 36u);
}

TEST_F(CorpusSmallParity, TrackAMatchesReference) {
  const auto expected = testing::load_json(kData + "/corpus_small_reference/track_a_results.json");
  EXPECT_GT(testing::expect_json_near(to_json(track_a()), expected, 1e-9), 60);
}

TEST_F(CorpusSmallParity, TrackBMatchesReference) {
  const auto expected = testing::load_json(kData + "/corpus_small_reference/track_b_results.json");
  const auto ours = to_json(track_b());
  EXPECT_GT(testing::expect_json_near(ours, expected, 1e-6), 400);
  // The float32 between-creator variance is emulated bit for bit.
  for (const auto& [dim, v] : expected.at("dim_summary").items())
    EXPECT_EQ(ours.at("dim_summary").at(dim).at("between_var_mean"), v.at("between_var_mean"));
}

TEST_F(CorpusSmallParity, SynthesisV1MatchesReference) {
  const auto expected =
      testing::load_json(kData + "/corpus_small_reference/synthesis_results.json");
  const auto b = track_b();
  const auto ours = to_json(summarize_synthesis_v1(beatmaps(), b), track_a(), b);
  EXPECT_GT(testing::expect_json_near(ours, expected, 1e-6), 400);
}

// Beyond the tolerances: with numpy's reduction order and the reference BLAS's dot order
// reproduced, every number of the three files comes out identical. A failure here with the
// tests above passing means an operation order changed (or FMA contraction crept in).
TEST_F(CorpusSmallParity, TracksAndSynthesisV1AreBitIdentical) {
  const auto a = track_a();
  const auto b = track_b();
  const std::string ref = kData + "/corpus_small_reference/";
  EXPECT_GT(testing::expect_json_near(to_json(a), testing::load_json(ref + "track_a_results.json"),
                                      0.0),
            60);
  EXPECT_GT(testing::expect_json_near(to_json(b), testing::load_json(ref + "track_b_results.json"),
                                      0.0),
            400);
  EXPECT_GT(testing::expect_json_near(to_json(summarize_synthesis_v1(beatmaps(), b), a, b),
                                      testing::load_json(ref + "synthesis_results.json"), 0.0),
            400);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// What the pipeline will write: the same bytes as the reference's json.dump(indent=2).
TEST_F(CorpusSmallParity, ResultFilesAreByteIdenticalWhenWrittenPythonStyle) {
  const auto a = track_a();
  const auto b = track_b();
  const std::string ref = kData + "/corpus_small_reference/";
  EXPECT_EQ(io::dump_python_style(to_json(a)), slurp(ref + "track_a_results.json"));
  EXPECT_EQ(io::dump_python_style(to_json(b)), slurp(ref + "track_b_results.json"));
  EXPECT_EQ(io::dump_python_style(to_json(summarize_synthesis_v1(beatmaps(), b), a, b)),
            slurp(ref + "synthesis_results.json"));
}

TEST_F(CorpusSmallParity, SynthesisV2MatchesNumpy) {
  const auto expected = testing::load_json(kData + "/stats/corpus_small_synthesis_v2.json");
  const auto ours = to_json(average_synthesis_v2(beatmaps()));
  EXPECT_GT(testing::expect_json_near(ours, expected, 1e-9), 700);
  testing::expect_all_finite(ours);
}

}  // namespace
}  // namespace cartography::stats
