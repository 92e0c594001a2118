// Bootstrap over songs against the golden script's draw-for-draw reimplementation, and the
// degenerate cases by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "controls/bootstrap.hpp"
#include "controls/goldens.hpp"

namespace cartography::controls {
namespace {

using testing::doubles;
using testing::goldens;
using testing::near;

TEST(LinearQuantile, MatchesNumpyQuantile) {
  for (const auto& c : goldens().at("quantile")) {
    const auto x = doubles(c.at("sorted"));
    const auto q = doubles(c.at("q")), v = doubles(c.at("value"));
    for (size_t i = 0; i < q.size(); ++i)
      EXPECT_TRUE(near(linear_quantile(x, q[i]), v[i])) << "n = " << x.size() << " q = " << q[i];
  }
  EXPECT_EQ(linear_quantile({}, 0.5), 0.0);
}

TEST(Bootstrap, MatchesGoldenResamples) {
  int n_cases = 0;
  for (const auto& c : goldens().at("bootstrap")) {
    SongTable t{c.at("songs").get<int64_t>(), c.at("stats").get<int64_t>(), doubles(c.at("sums")),
                doubles(c.at("counts"))};
    BootstrapOptions o{c.at("resamples").get<int64_t>(), c.at("level").get<double>(),
                       c.at("seed").get<uint64_t>()};
    const auto got = bootstrap_means(t, o);
    const auto& want = c.at("intervals");
    ASSERT_EQ(got.size(), want.size());
    for (size_t k = 0; k < got.size(); ++k) {
      const std::string where = c.at("name").get<std::string>() + " stat " + std::to_string(k);
      EXPECT_EQ(got[k].valid, want[k].at("valid").get<bool>()) << where;
      EXPECT_EQ(got[k].resamples_used, want[k].at("resamples_used").get<int64_t>()) << where;
      EXPECT_TRUE(near(got[k].estimate, want[k].at("estimate").get<double>())) << where;
      EXPECT_TRUE(near(got[k].lo, want[k].at("lo").get<double>())) << where;
      EXPECT_TRUE(near(got[k].hi, want[k].at("hi").get<double>())) << where;
    }
    ++n_cases;
  }
  EXPECT_GE(n_cases, 4);
}

TEST(Bootstrap, SharedCountsOverloadBroadcastsTheCount) {
  const std::vector<double> sums = {1.0, 2.0, 3.0, 0.5, 4.0, -1.0};  // 3 songs x 2 stats
  const std::vector<double> counts = {2.0, 1.0, 3.0};
  SongTable t{3, 2, sums, {2.0, 2.0, 1.0, 1.0, 3.0, 3.0}};
  const BootstrapOptions o{200, 0.9, 11};
  const auto a = bootstrap_means(sums, counts, 2, o), b = bootstrap_means(t, o);
  ASSERT_EQ(a.size(), 2u);
  for (size_t k = 0; k < 2; ++k) {
    EXPECT_EQ(a[k].lo, b[k].lo);
    EXPECT_EQ(a[k].hi, b[k].hi);
    EXPECT_EQ(a[k].estimate, b[k].estimate);
  }
}

TEST(Bootstrap, DegenerateTablesAreFlaggedNotNaN) {
  const BootstrapOptions o;
  EXPECT_TRUE(bootstrap_means(SongTable{0, 3, {}, {}}, o).size() == 3);
  for (const auto& i : bootstrap_means(SongTable{0, 3, {}, {}}, o)) EXPECT_FALSE(i.valid);
  const auto zero = bootstrap_means(SongTable{2, 1, {0.0, 0.0}, {0.0, 0.0}}, o);
  ASSERT_EQ(zero.size(), 1u);
  EXPECT_FALSE(zero[0].valid);
  EXPECT_EQ(zero[0].resamples_used, 0);
  EXPECT_EQ(zero[0].lo, 0.0);
  EXPECT_EQ(zero[0].hi, 0.0);
}

TEST(Bootstrap, RejectsMalformedInput) {
  const BootstrapOptions o;
  EXPECT_THROW(bootstrap_means(SongTable{2, 1, {1.0}, {1.0, 1.0}}, o), std::invalid_argument);
  EXPECT_THROW(bootstrap_means(SongTable{1, 1, {1.0}, {-1.0}}, o), std::invalid_argument);
  EXPECT_THROW(bootstrap_means(SongTable{1, 1, {NAN}, {1.0}}, o), std::invalid_argument);
  EXPECT_THROW(bootstrap_means(SongTable{1, 1, {1.0}, {1.0}}, {0, 0.95, 0}),
               std::invalid_argument);
  EXPECT_THROW(bootstrap_means(SongTable{1, 1, {1.0}, {1.0}}, {10, 1.0, 0}),
               std::invalid_argument);
}

TEST(Bootstrap, SeedChangesDrawsButNotTheEstimate) {
  SongTable t{5, 1, {0.1, 0.9, 0.4, 0.2, 0.7}, {1, 1, 1, 1, 1}};
  const auto a = bootstrap_means(t, {300, 0.95, 1}), b = bootstrap_means(t, {300, 0.95, 2});
  EXPECT_EQ(a[0].estimate, b[0].estimate);
  EXPECT_TRUE(a[0].lo != b[0].lo || a[0].hi != b[0].hi);
  EXPECT_LE(a[0].lo, a[0].estimate);
  EXPECT_GE(a[0].hi, a[0].estimate);
}

}  // namespace
}  // namespace cartography::controls
