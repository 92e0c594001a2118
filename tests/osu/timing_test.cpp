// Timing points: inherited/uninherited handling, the rounded and clamped multiplier,
// collapsing of equal points, and the bisect lookup.
#include <gtest/gtest.h>

#include <cmath>

#include "osu/chart_error.hpp"
#include "osu/timing.hpp"

namespace cartography::osu {
namespace {

std::vector<TimingPoint> parse(std::vector<std::string> lines) {
  static std::vector<std::string> storage;  // the parser keeps views into the lines
  storage = std::move(lines);
  std::vector<SectionLine> entries;
  for (size_t i = 0; i < storage.size(); ++i) entries.push_back({static_cast<int64_t>(i + 1), storage[i]});
  return parse_timing_points(entries, "t.osu");
}

TEST(Timing, InheritedPointsSetTheMultiplier) {
  const auto points = parse({"-50,-50,4", "100.7,500,4", "100,-50,4", "200,-320,4", "300,-0.5,3", "400,-1e6,4"});
  ASSERT_EQ(points.size(), 4u);
  // The inherited point at 100 has the kept point's time (int(100.7) == 100) and replaces it.
  EXPECT_EQ(points[0].t, 100);
  EXPECT_EQ(points[0].slider_multiplier, 2.0);
  EXPECT_EQ(points[1].slider_multiplier, 0.312);  // round(0.3125, 3): ties to even
  EXPECT_EQ(points[2].slider_multiplier, 10.0);   // 200 clamped
  EXPECT_EQ(points[2].meter, 4);                  // an inherited point keeps the uninherited meter
  EXPECT_EQ(points[3].slider_multiplier, 0.1);    // 0.0001 clamped
}

TEST(Timing, EqualConsecutivePointsCollapseWhateverTheirTime) {
  const auto points = parse({"0,500,4", "1000,500,4", "2000,500,3", "3000.9,400,4.9"});
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[1].t, 2000);
  EXPECT_EQ(points[2].t, 3000);
  EXPECT_EQ(points[2].meter, 4);
}

TEST(Timing, NanBeatLengthIsKeptButNanTimeRejects) {
  const auto points = parse({"0,NaN,4", "10,NaN,4"});
  EXPECT_EQ(points.size(), 2u);  // NaN != NaN: never collapsed
  EXPECT_TRUE(std::isnan(points[0].beat_length));
  EXPECT_THROW(parse({"nan,500,4"}), ChartError);
  EXPECT_THROW(parse({"0,500,inf"}), ChartError);
  EXPECT_NO_THROW(parse({"nan,-100,4", "0,500,4"}));  // skipped before any uninherited point
}

TEST(Timing, RejectionsNameTheLine) {
  EXPECT_THROW(parse({}), ChartError);
  EXPECT_THROW(parse({"-1,-100,4"}), ChartError);  // only inherited: no points
  try {
    parse({"0,500,4", "5,x,4"});
    FAIL();
  } catch (const ChartError& e) {
    EXPECT_EQ(e.line, 2);
    EXPECT_NE(e.reason.find("not a number"), std::string::npos);
  }
  EXPECT_THROW(parse({"0,500"}), ChartError);
  EXPECT_THROW(parse({"0,500,4,"}), ChartError);  // float('') raises
}

TEST(Timing, LookupIsBisectRight) {
  const std::vector<TimingPoint> points = {{100, 500, 1, 4}, {200, 400, 2, 4}, {300, 300, 0.5, 4}};
  EXPECT_EQ(timing_at(points, 50).beat_length, 500);
  EXPECT_EQ(timing_at(points, 50).slider_multiplier, 1);
  EXPECT_EQ(timing_at(points, 200).beat_length, 400);
  EXPECT_EQ(timing_at(points, 299).slider_multiplier, 2);
  EXPECT_EQ(timing_at(points, 1e9).beat_length, 300);
  // Unsorted: bisect's probes decide, as in the reference (mid = 1 first).
  const std::vector<TimingPoint> unsorted = {{500, 500, 1, 4}, {100, 400, 1, 4}, {50, 300, 1, 4}};
  EXPECT_EQ(timing_at(unsorted, 120).beat_length, 300);
}

}  // namespace
}  // namespace cartography::osu
