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
#include "pipeline/group_statistics.hpp"
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

  // Every group through the pipeline's own per-group function, songs ascending, members in
  // manifest order (the manifest lists songs ascending, so the synthesis records keep its order).
  static pipeline::GroupRecords records() {
    std::map<int64_t, std::vector<size_t>> groups;
    for (size_t i = 0; i < entries_.size(); ++i) groups[entries_[i].song_group_idx].push_back(i);
    pipeline::GroupRecords all;
    for (const auto& [song, members] : groups) {
      std::vector<pipeline::StatsMember> group;
      for (size_t m : members) {
        const Entry& e = entries_[m];
        group.push_back({e.creator, encoding(e.key), std::nullopt});
        if (latents_.count(e.key)) group.back().latent = latent(e.key);
      }
      all.append(pipeline::group_statistics(song, group));
    }
    return all;
  }

  static TrackASummary track_a() { return summarize_track_a(records().track_a); }
  static TrackBSummary track_b() {
    const auto r = records();
    return summarize_track_b(r.track_b, r.members);
  }
  static std::vector<BeatmapSynthesis> beatmaps() { return records().beatmaps; }

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
