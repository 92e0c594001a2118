// Pearson, cosine, mean |diff| and the frame-wise cosine against numpy (make_expected.py), and
// the zero conventions by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "stats/json_compare.hpp"
#include "stats/signal_spec.hpp"
#include "stats/similarity.hpp"

namespace cartography::stats {
namespace {

const std::string kData = CARTO_TEST_DATA;

const nlohmann::ordered_json& cases() {
  static const auto fixture = testing::load_json(kData + "/stats/similarity.json");
  return fixture;
}

// numpy's float64 value: ours agrees to rounding. null = numpy NaN, ours 0 by convention.
void expect_pearson(double actual, const nlohmann::ordered_json& expected, const std::string& w) {
  if (expected.is_null())
    EXPECT_EQ(actual, 0.0) << w;
  else
    EXPECT_NEAR(actual, expected.get<double>(), 1e-12) << w;
}

TEST(Similarity, Float64PairsMatchNumpy) {
  int n = 0;
  for (const auto& c : cases().at("pairs")) {
    const auto sa = testing::parse_spec(c.at("a")), sb = testing::parse_spec(c.at("b"));
    if (sa.is_float32) continue;
    const auto a = testing::expand_double(sa), b = testing::expand_double(sb);
    const std::string w = c.at("a").dump();
    expect_pearson(pearson<double, double>(a, b), c.at("pearson"), w);
    EXPECT_NEAR(cosine<double>(a, b), c.at("cosine").get<double>(), 1e-12) << w;
    EXPECT_NEAR(mean_abs_diff(a, b), c.at("mad").get<double>(), 1e-12) << w;
    ++n;
  }
  EXPECT_GE(n, 10);
}

TEST(Similarity, Float32PairsMatchNumpy) {
  int n = 0;
  for (const auto& c : cases().at("pairs")) {
    const auto sa = testing::parse_spec(c.at("a")), sb = testing::parse_spec(c.at("b"));
    if (!sa.is_float32) continue;
    const auto a = testing::expand_float(sa), b = testing::expand_float(sb);
    const std::string w = c.at("a").dump();
    // Pearson: numpy widens to float64, so does ours. Cosine: float32, in the BLAS order.
    expect_pearson(pearson<float, float>(a, b), c.at("pearson"), w);
    EXPECT_NEAR(cosine<float>(a, b), c.at("cosine").get<double>(), 1e-6) << w;
    ++n;
  }
  EXPECT_GE(n, 8);
}

TEST(Similarity, MixedPrecisionPearsonMatchesNumpy) {
  for (const auto& c : cases().at("mixed_pearson")) {
    const auto a = testing::expand_float(testing::parse_spec(c.at("a")));
    const auto b = testing::expand_double(testing::parse_spec(c.at("b")));
    EXPECT_NEAR((pearson<float, double>(a, b)), c.at("pearson").get<double>(), 1e-12);
  }
}

TEST(Similarity, FrameCosineMatchesNumpy) {
  for (const auto& c : cases().at("frame_cosine")) {
    const auto sa = testing::parse_spec(c.at("a")), sb = testing::parse_spec(c.at("b"));
    const int64_t stride = c.at("stride").get<int64_t>();
    const double expected = c.at("mean_frame_cosine").get<double>();
    if (sa.is_float32) {
      const auto a = testing::make_latent(sa), b = testing::make_latent(sb);
      EXPECT_NEAR(mean_frame_cosine(a.view, b.view, sa.length, stride), expected, 1e-6);
    } else {
      const auto a = testing::make_encoding(sa), b = testing::make_encoding(sb);
      EXPECT_NEAR(mean_frame_cosine(a.view, b.view, sa.length, stride), expected, 1e-12);
    }
  }
}

TEST(Similarity, ZeroConventions) {
  const std::vector<double> constant(20, 0.5), ramp = [] {
    std::vector<double> v;
    for (int i = 0; i < 20; ++i) v.push_back(i);
    return v;
  }();
  EXPECT_EQ((pearson<double, double>(constant, ramp)), 0.0);  // no spread on one side
  EXPECT_EQ((pearson<double, double>(std::vector<double>{1.0}, std::vector<double>{2.0})), 0.0);
  EXPECT_EQ((pearson<double, double>(std::vector<double>{}, std::vector<double>{})), 0.0);
  EXPECT_DOUBLE_EQ((pearson<double, double>(ramp, ramp)), 1.0);
  const std::vector<double> zeros(20, 0.0);
  EXPECT_EQ(cosine<double>(zeros, ramp), 0.0);  // zero norm
  EXPECT_EQ(cosine<double>(std::vector<double>{}, std::vector<double>{}), 0.0);
  EXPECT_EQ(mean_abs_diff(std::vector<double>{}, std::vector<double>{}), 0.0);
  EXPECT_DOUBLE_EQ(mean_abs_diff(ramp, zeros), 9.5);
}

TEST(Similarity, PearsonIsClippedAndAntisymmetricUnderNegation) {
  std::vector<double> a, b;
  for (int i = 0; i < 1000; ++i) {
    a.push_back(std::sin(i * 0.37) * 1e-3 + 7.0);
    b.push_back(-a.back());
  }
  const double r = pearson<double, double>(a, b);
  EXPECT_GE(r, -1.0);
  EXPECT_NEAR(r, -1.0, 1e-12);
}

TEST(Similarity, LengthMismatchIsAnError) {
  EXPECT_THROW((pearson<double, double>(std::vector<double>(3), std::vector<double>(4))),
               std::invalid_argument);
  EXPECT_THROW(cosine<double>(std::vector<double>(3), std::vector<double>(4)),
               std::invalid_argument);
}

}  // namespace
}  // namespace cartography::stats
