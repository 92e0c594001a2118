// The v2 summary rebuilt from the three matrices of the published reference_results/
// synthesis.json reproduces every other number in that file: the inflation figures, the
// polarity counts and p-values, the thresholded tests, the triplet rankings. These numbers were
// made by the seed's (unpublished) code, so this checks our reading of its formulas.
#include <gtest/gtest.h>

#include "stats/json_compare.hpp"
#include "stats/synthesis_v2.hpp"

namespace cartography::stats {
namespace {

Matrix from_rows(const nlohmann::ordered_json& rows) {
  Matrix m = Matrix::zeros(int64_t(rows.size()), int64_t(rows.at(0).size()));
  for (int64_t r = 0; r < m.rows; ++r)
    for (int64_t c = 0; c < m.cols; ++c) m.at(r, c) = rows[size_t(r)][size_t(c)].get<double>();
  return m;
}

class PublishedSynthesis : public ::testing::Test {
 protected:
  void SetUp() override {
    published_ = testing::load_json(std::string(CARTO_TEST_DATA) +
                                    "/../../reference_results/synthesis.json");
    const auto& fix1 = published_.at("fix1_correlation_comparison");
    maps_.downsampled = from_rows(fix1.at("correlation_matrix_v2_downsampled"));
    maps_.upsampled = from_rows(fix1.at("correlation_matrix_old_upsampled"));
    maps_.raw = from_rows(published_.at("fix2_raw_9x9_coupling").at("correlation_matrix_9x9"));
    maps_.n_beatmaps_used = published_.at("n_beatmaps_used").get<int64_t>();
    maps_.n_beatmaps_9x9 = published_.at("n_beatmaps_9x9").get<int64_t>();
    ours_ = to_json(maps_);
  }
  nlohmann::ordered_json published_, ours_;
  SynthesisV2Maps maps_;
};

TEST_F(PublishedSynthesis, EveryValueKeyAndOrderMatches) {
  EXPECT_GT(testing::expect_json_near(ours_, published_, 1e-15), 1200);
}

// p-values down to 1e-8: compare relatively as well.
TEST_F(PublishedSynthesis, PValuesMatchRelatively) {
  int n = 0;
  std::function<void(const nlohmann::ordered_json&, const nlohmann::ordered_json&)> walk =
      [&](const nlohmann::ordered_json& a, const nlohmann::ordered_json& e) {
        if (e.is_object()) {
          for (const auto& [k, v] : e.items()) {
            if (k == "p_value") {
              EXPECT_NEAR(a.at(k).get<double>() / v.get<double>(), 1.0, 1e-12) << v;
              ++n;
            } else if (a.contains(k)) {
              walk(a.at(k), v);
            }
          }
        } else if (e.is_array()) {
          for (size_t i = 0; i < e.size() && i < a.size(); ++i) walk(a[i], e[i]);
        }
      };
  walk(ours_, published_);
  EXPECT_EQ(n, 36 * 3 + 20 + 2);
}

TEST_F(PublishedSynthesis, SpecFigures) {
  const auto& onset_combo =
      ours_.at("fix2_raw_9x9_coupling").at("pairwise_polarity_vs_raw").at("ONSET+COMBO");
  EXPECT_EQ(onset_combo.at("same_count"), 22);
  EXPECT_EQ(onset_combo.at("valid_rows"), 32);
  EXPECT_NEAR(onset_combo.at("p_value").get<double>(), 0.02505, 5e-6);
  const auto& best = ours_.at("fix3_sign_threshold").at("triplet_no_threshold_top10")[0];
  EXPECT_EQ(best.at("subset"), nlohmann::ordered_json({"ONSET", "WHISTLE", "CLAP"}));
  EXPECT_EQ(best.at("same_count"), 23);
  EXPECT_NEAR(best.at("p_value").get<double>(), 3.41e-8, 5e-11);
}

}  // namespace
}  // namespace cartography::stats
