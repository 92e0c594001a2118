// Onset F-measure against a maximum bipartite matching by scipy (make_goldens.py).
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "controls/goldens.hpp"
#include "controls/onset.hpp"

namespace cartography::controls {
namespace {

using testing::doubles;
using testing::goldens;
using testing::near;

TEST(Onset, MatchesScipyMaximumMatching) {
  int n_cases = 0;
  for (const auto& c : goldens().at("onset")) {
    const std::string n = c.at("name");
    const auto ref = doubles(c.at("ref")), est = doubles(c.at("est"));
    const auto s = onset_f_measure(ref, est, c.at("window").get<double>());
    EXPECT_EQ(s.matches, c.at("matches").get<int64_t>()) << n;
    EXPECT_TRUE(near(s.f, c.at("f").get<double>())) << n;
    EXPECT_TRUE(near(s.precision, c.at("precision").get<double>())) << n;
    EXPECT_TRUE(near(s.recall, c.at("recall").get<double>())) << n;
    EXPECT_EQ(s.ref_empty, ref.empty()) << n;
    EXPECT_EQ(s.est_empty, est.empty()) << n;
    ++n_cases;
  }
  EXPECT_GE(n_cases, 10);
}

// A nearest-neighbour matcher pairs 95 with 100 and then has nothing within 50 ms of 140
// but 95 again; the maximum matching pairs 60-100 and 95-140.
TEST(Onset, CrossingEventsGetTwoMatches) {
  const std::vector<double> ref = {100.0, 140.0}, est = {95.0, 60.0};
  EXPECT_EQ(onset_f_measure(ref, est).matches, 2);
}

TEST(Onset, RejectsBadWindowAndTimes) {
  const std::vector<double> t = {1.0}, bad = {NAN};
  EXPECT_THROW(onset_f_measure(t, t, -1.0), std::invalid_argument);
  EXPECT_THROW(onset_f_measure(t, t, INFINITY), std::invalid_argument);
  EXPECT_THROW(onset_f_measure(t, bad), std::invalid_argument);
}

}  // namespace
}  // namespace cartography::controls
