// ICC(2,1) against ANOVA mean squares and Krippendorff's alpha against the coincidence-matrix
// route (make_goldens.py), on hand-made matrices, Shrout & Fleiss's published example, and one
// real song of corpus_small (5 creators).
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "controls/goldens.hpp"
#include "controls/real_encodings.hpp"
#include "controls/reliability.hpp"

namespace cartography::controls {
namespace {

using testing::doubles;
using testing::goldens;
using testing::near;

void expect_reliability(const Reliability& r, const nlohmann::ordered_json& w,
                        const std::string& where) {
  EXPECT_EQ(r.defined, w.at("defined").get<bool>()) << where;
  EXPECT_TRUE(near(r.value, w.at("value").get<double>())) << where;
}

TEST(Reliability, MatricesMatchGoldens) {
  for (const auto& c : goldens().at("reliability")) {
    const std::string n = c.at("name");
    const RatingMatrix m{c.at("subjects").get<int64_t>(), c.at("raters").get<int64_t>(),
                         doubles(c.at("values"))};
    expect_reliability(icc_2_1(m), c.at("icc"), n + " icc");
    expect_reliability(krippendorff_alpha_interval(m), c.at("alpha"), n + " alpha");
  }
}

// Shrout & Fleiss (1979), Table 4 reports ICC(2,1) = .29 for their Table 2 ratings.
TEST(Reliability, ShroutFleissPublishedValue) {
  const RatingMatrix m{6, 4, {9, 2, 5, 8, 6, 1, 3, 2, 8, 4, 6, 8, 7, 1, 2, 6, 10, 5, 6, 9,
                              6, 2, 4, 7}};
  EXPECT_NEAR(icc_2_1(m).value, 0.29, 0.005);
}

TEST(Reliability, RealSongPerDimensionMatchesGoldens) {
  const auto& c = goldens().at("reliability_corpus_small");
  const auto enc = testing::load_real_encodings(c.at("npz").get<std::string>());
  const auto views = enc.views(c.at("keys"), c.at("frames").get<int64_t>());
  const auto got = per_dimension_reliability(views, c.at("frames").get<int64_t>());
  const auto& want = c.at("per_dimension");
  ASSERT_EQ(got.size(), want.size());
  for (size_t d = 0; d < got.size(); ++d) {
    expect_reliability(got[d].icc, want[d].at("icc"), "icc dim " + std::to_string(d));
    expect_reliability(got[d].alpha, want[d].at("alpha"), "alpha dim " + std::to_string(d));
  }
}

TEST(Reliability, RejectsBadShapes) {
  EXPECT_THROW(icc_2_1(RatingMatrix{2, 2, {1.0, 2.0}}), std::invalid_argument);
  EXPECT_THROW(krippendorff_alpha_interval(RatingMatrix{1, 2, {1.0, NAN}}),
               std::invalid_argument);
  const std::vector<double> data(2 * 10, 1.0);
  const std::vector<stats::EncodingView> short_signal = {stats::EncodingView(data, 2, 10)};
  EXPECT_THROW(rating_matrix(short_signal, 0, 11), std::invalid_argument);
  EXPECT_THROW(rating_matrix(short_signal, 2, 5), std::invalid_argument);
}

}  // namespace
}  // namespace cartography::controls
