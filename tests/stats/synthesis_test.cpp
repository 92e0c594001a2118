// Synthesis v1 and v2 on synthetic beatmaps against numpy (make_expected.py): per-beatmap maps,
// including the reference's skip cases (latent too short / too long, constant rows, no latent),
// and both result files.
#include <gtest/gtest.h>

#include "stats/json_compare.hpp"
#include "stats/signal_spec.hpp"
#include "stats/synthesis.hpp"
#include "stats/synthesis_v2.hpp"

namespace cartography::stats {
namespace {

const std::string kData = CARTO_TEST_DATA;

void expect_matrix_near(const Matrix& m, const nlohmann::ordered_json& rows, double tol,
                        const std::string& what) {
  ASSERT_EQ(m.rows, static_cast<int64_t>(rows.size())) << what;
  for (int64_t r = 0; r < m.rows; ++r)
    for (int64_t c = 0; c < m.cols; ++c)
      EXPECT_NEAR(m.at(r, c), rows[size_t(r)][size_t(c)].get<double>(), tol)
          << what << " (" << r << ", " << c << ")";
}

class SynthesisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fixture_ = testing::load_json(kData + "/stats/synthesis.json");
    for (const auto& b : fixture_.at("beatmaps")) {
      const auto x = testing::make_encoding(testing::parse_spec(b.at("x")));
      std::optional<LatentView> view;
      testing::Latent z;
      if (!b.at("z").is_null()) {
        z = testing::make_latent(testing::parse_spec(b.at("z")));
        view = z.view;
      }
      records_.push_back(synthesis_beatmap(x.view, view));
    }
  }

  // Track summaries carrying only what the synthesis reads (values from the fixture).
  TrackASummary track_a() const {
    TrackASummary a;
    a.songs_analyzed = fixture_.at("track_a").at("songs_analyzed").get<int64_t>();
    a.pairs_compared = fixture_.at("track_a").at("pairs_compared").get<int64_t>();
    a.full_cosine = MeanStd{fixture_.at("track_a").at("cross_mapper_cosine_mean").get<double>(), 0};
    return a;
  }
  TrackBSummary track_b() const {
    TrackBSummary b;
    b.songs_analyzed = fixture_.at("track_b").at("songs_analyzed").get<int64_t>();
    b.pairs_compared = fixture_.at("track_b").at("pairs_compared").get<int64_t>();
    const auto& ranking = fixture_.at("track_b_ranking");
    b.dims.resize(ranking.size());
    for (size_t i = 0; i < ranking.size(); ++i) {
      const auto d = ranking[i][0].get<int64_t>();
      b.dims[size_t(d)].dim = d;
      b.dims[size_t(d)].pearson.mean = ranking[i][1].get<double>();
      b.ranking.push_back(size_t(d));
    }
    return b;
  }

  nlohmann::ordered_json fixture_;
  std::vector<BeatmapSynthesis> records_;
};

TEST_F(SynthesisTest, PerBeatmapMapsMatchNumpy) {
  const auto& expected = fixture_.at("per_beatmap");
  ASSERT_EQ(records_.size(), expected.size());
  for (size_t i = 0; i < records_.size(); ++i) {
    const auto& e = expected[i];
    const auto& rec = records_[i];
    const std::string w = "beatmap " + std::to_string(i);
    for (int64_t r = 0; r < 9; ++r) {
      for (int64_t c = 0; c < 9; ++c) {
        const auto& cell = e.at("raw")[size_t(r)][size_t(c)];
        EXPECT_EQ(bool(rec.raw.valid[size_t(r * 9 + c)]), !cell.is_null()) << w << " raw valid";
        if (!cell.is_null()) {
          EXPECT_NEAR(rec.raw.r.at(r, c), cell.get<double>(), 1e-12) << w;
        }
      }
    }
    EXPECT_EQ(rec.downsampled.has_value(), e.contains("downsampled")) << w;
    if (rec.downsampled) expect_matrix_near(*rec.downsampled, e.at("downsampled"), 1e-12, w);
    const bool up_expected = e.contains("upsampled") && !e.at("upsampled").is_null();
    EXPECT_EQ(rec.upsampled.has_value(), up_expected) << w << " upsampled presence";
    if (rec.upsampled && up_expected)
      expect_matrix_near(*rec.upsampled, e.at("upsampled"), 1e-12, w);
  }
}

TEST_F(SynthesisTest, V1ResultsMatchNumpy) {
  const auto b = track_b();
  const auto json = to_json(summarize_synthesis_v1(records_, b), track_a(), b);
  EXPECT_GT(testing::expect_json_near(json, fixture_.at("expected_v1"), 1e-12), 300);
}

TEST_F(SynthesisTest, V2ResultsMatchNumpyAndScipy) {
  const auto json = to_json(average_synthesis_v2(records_));
  EXPECT_GT(testing::expect_json_near(json, fixture_.at("expected_v2"), 1e-12), 700);
}

TEST(Synthesis, TopCorrelationsBreakTiesLikeNumpyArgsortReversed) {
  const std::vector<double> zeros(9, 0.0);
  const auto top = top_correlations(zeros, 3);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].first, 8);  // Y, X, CLAP: the reversed stable order
  EXPECT_EQ(top[1].first, 7);
  EXPECT_EQ(top[2].first, 6);
  const std::vector<double> row = {0.1, -0.5, 0.5, 0.0, 0.2, 0, 0, 0, 0};
  const auto t = top_correlations(row, 3);
  EXPECT_EQ(t[0].first, 2);
  EXPECT_EQ(t[1].first, 1);
  EXPECT_EQ(t[1].second, -0.5);
  EXPECT_EQ(t[2].first, 4);
}

TEST(Synthesis, LatentRepeatedCoversTheEncoding) {
  // A latent whose 18x repetition equals the encoding row correlates perfectly with it.
  std::vector<float> z = {0.f, 1.f, 3.f};  // [1, 3]
  std::vector<double> x(9 * 54, 0.0);
  for (int64_t d = 0; d < 9; ++d)
    for (int64_t t = 0; t < 54; ++t) x[size_t(d * 54 + t)] = (d == 2) ? z[size_t(t / 18)] : t % 5;
  const auto m = upsampled_correlation(EncodingView(x, 9, 54), LatentView(z, 1, 3));
  ASSERT_TRUE(m.has_value());
  EXPECT_NEAR(m->at(0, 2), 1.0, 1e-15);
  const auto down = downsampled_correlation(EncodingView(x, 9, 54), LatentView(z, 1, 3));
  EXPECT_NEAR(down.at(0, 2), 1.0, 1e-15);
}

TEST(Synthesis, EmptyRunHasNoNaN) {
  const auto v2 = to_json(average_synthesis_v2({}));
  EXPECT_EQ(v2.at("n_beatmaps_used"), 0);
  EXPECT_EQ(v2.at("fix1_correlation_comparison").at("inflation_pct"), 0.0);
  testing::expect_all_finite(v2);
}

}  // namespace
}  // namespace cartography::stats
