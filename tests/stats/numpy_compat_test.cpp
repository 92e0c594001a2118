// Our reductions round exactly like numpy 1.24's (expected values: make_expected.py).
#include <gtest/gtest.h>

#include "stats/json_compare.hpp"
#include "stats/numpy_compat.hpp"
#include "stats/signal_spec.hpp"

namespace cartography::stats {
namespace {

const std::string kData = CARTO_TEST_DATA;

template <class T>
void expect_bit_exact(const std::vector<T>& x, const nlohmann::ordered_json& c) {
  const std::span<const T> s(x);
  const std::string where = c.at("spec").dump();
  EXPECT_EQ(static_cast<double>(np::sum<T>(s)), c.at("sum").get<double>()) << where;
  EXPECT_EQ(static_cast<double>(np::mean(s)), c.at("mean").get<double>()) << where;
  EXPECT_EQ(static_cast<double>(np::var(s)), c.at("var").get<double>()) << where;
  EXPECT_EQ(static_cast<double>(np::std_dev(s)), c.at("std").get<double>()) << where;
  EXPECT_EQ(np::has_spread(s), c.at("has_spread").get<bool>()) << where;
}

TEST(NumpyCompat, SumMeanVarStdMatchNumpyBitForBit) {
  const auto cases = testing::load_json(kData + "/stats/reductions.json").at("cases");
  ASSERT_GT(cases.size(), 50u);
  for (const auto& c : cases) {
    const auto spec = testing::parse_spec(c.at("spec"));
    if (spec.is_float32)
      expect_bit_exact(testing::expand_float(spec), c);
    else
      expect_bit_exact(testing::expand_double(spec), c);
  }
}

TEST(NumpyCompat, ConstantWithInexactMeanHasSpreadAsInNumpy) {
  // numpy 1.24: np.std(np.full(n, v)) != 0 for (0.1, 3), (0.1, 100), (0.3, 10); == 0 for
  // (0.1, 10), (0.3, 3): the mean of a constant array is not always the constant.
  EXPECT_TRUE(np::has_spread<double>(std::vector<double>(3, 0.1)));
  EXPECT_TRUE(np::has_spread<double>(std::vector<double>(100, 0.1)));
  EXPECT_TRUE(np::has_spread<double>(std::vector<double>(10, 0.3)));
  EXPECT_FALSE(np::has_spread<double>(std::vector<double>(10, 0.1)));
  EXPECT_FALSE(np::has_spread<double>(std::vector<double>(3, 0.3)));
  const std::vector<double> ones(1000, 1.0);
  EXPECT_FALSE(np::has_spread<double>(ones));
  EXPECT_FALSE(np::has_spread<double>(std::vector<double>{}));
}

TEST(NumpyCompat, MedianAndEmptyMoments) {
  EXPECT_EQ(np::median({3.0, 1.0, 2.0}), 2.0);
  EXPECT_EQ(np::median({4.0, 1.0, 3.0, 2.0}), 2.5);
  const auto empty = np::mean_std(std::vector<double>{});
  EXPECT_EQ(empty.mean, 0.0);
  EXPECT_EQ(empty.std, 0.0);
  const auto m = np::mean_std(std::vector<double>{1.0, 3.0});
  EXPECT_EQ(m.mean, 2.0);
  EXPECT_EQ(m.std, 1.0);
}

}  // namespace
}  // namespace cartography::stats
