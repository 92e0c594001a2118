// The binomial upper tail: the SPEC's published figures and scipy.stats.binom.sf.
#include <gtest/gtest.h>

#include "stats/binomial.hpp"
#include "stats/json_compare.hpp"

namespace cartography::stats {
namespace {

TEST(Binomial, PublishedFigures) {
  // reference_results/synthesis.json: ONSET+COMBO 22 of 32 rows; ONSET/WHISTLE/CLAP 23 of 32.
  EXPECT_NEAR(binomial_upper_tail(22, 32, 0.5), 0.025051229866221547, 1e-16);
  EXPECT_NEAR(binomial_upper_tail(23, 32, 0.25) / 3.410731025675672e-08, 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(binomial_upper_tail(24, 24, 0.5), 5.960464477539063e-08);  // 2^-24
}

TEST(Binomial, Bounds) {
  EXPECT_EQ(binomial_upper_tail(0, 32, 0.5), 1.0);
  EXPECT_EQ(binomial_upper_tail(-3, 32, 0.5), 1.0);
  EXPECT_EQ(binomial_upper_tail(33, 32, 0.5), 0.0);
  EXPECT_EQ(binomial_upper_tail(0, 0, 0.5), 1.0);
  EXPECT_DOUBLE_EQ(binomial_upper_tail(1, 1, 0.25), 0.25);
  EXPECT_THROW(binomial_upper_tail(1, 2, 1.0), std::invalid_argument);
}

TEST(Binomial, MatchesScipy) {
  const auto cases =
      testing::load_json(std::string(CARTO_TEST_DATA) + "/stats/binomial.json").at("cases");
  ASSERT_GT(cases.size(), 100u);
  for (const auto& c : cases) {
    const double expected = c.at("tail").get<double>();
    const double actual = binomial_upper_tail(c.at("k").get<int64_t>(), c.at("n").get<int64_t>(),
                                              c.at("p").get<double>());
    EXPECT_NEAR(actual, expected, 1e-13 * expected + 1e-300) << c.dump();
  }
}

}  // namespace
}  // namespace cartography::stats
