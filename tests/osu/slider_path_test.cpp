// Slider shapes as the reference chooses and stretches them, and the repairs for degenerate
// geometry. Expected positions are worked out by hand from the geometry.
#include <gtest/gtest.h>

#include <cmath>

#include "osu/slider_path.hpp"

namespace cartography::osu {
namespace {

void expect_near(Vec2 actual, Vec2 expected, double tolerance = 1e-9) {
  EXPECT_NEAR(actual.x, expected.x, tolerance);
  EXPECT_NEAR(actual.y, expected.y, tolerance);
}

template <class Shape>
bool is(const SliderPath& p) {
  return std::holds_alternative<Shape>(p.shape());
}

TEST(SliderPath, TwoPointsMakeALineStretchedToLength) {
  const auto built = build_slider_path({{0, 0}, {3, 4}}, 10);
  EXPECT_TRUE(built.repair.empty());
  EXPECT_EQ(built.path.position(1), (Vec2{6, 8}));
  EXPECT_EQ(built.path.position(0.5), (Vec2{3, 4}));
  // A non-positive length keeps the drawn end.
  EXPECT_EQ(build_slider_path({{0, 0}, {3, 4}}, 0).path.position(1), (Vec2{3, 4}));
}

TEST(SliderPath, ThreePointsMakeAnArc) {
  // A, B, C on the circle of centre (100, 0), radius 100; clockwise in screen coordinates.
  const auto built = build_slider_path({{0, 0}, {100, 100}, {200, 0}}, 0);
  ASSERT_TRUE(is<ArcPath>(built.path));
  const auto& arc = std::get<ArcPath>(built.path.shape());
  expect_near(arc.center, {100, 0});
  EXPECT_NEAR(arc.radius, 100, 1e-9);
  expect_near(built.path.position(0.5), {100, 100});
  expect_near(built.path.position(1), {200, 0});
  // Stretched to a quarter circle's length: ends at the top of the circle.
  expect_near(build_slider_path({{0, 0}, {100, 100}, {200, 0}}, 50 * M_PI).path.position(1), {100, 100});
}

TEST(SliderPath, DegenerateThreePointShapes) {
  EXPECT_TRUE(is<LinePath>(build_slider_path({{0, 0}, {5, 5}, {5, 5}}, 0).path));      // B == C
  const auto straight = build_slider_path({{0, 0}, {5, 0}, {10, 0}}, 0);               // A -- B -- C
  ASSERT_TRUE(is<LinePath>(straight.path));
  EXPECT_EQ(straight.path.position(1), (Vec2{10, 0}));
  const auto back = build_slider_path({{0, 0}, {10, 0}, {5, 0}}, 0);                   // A -- C -- B
  ASSERT_TRUE(is<BezierPath>(back.path));
  EXPECT_EQ(std::get<BezierPath>(back.path.shape()).segments.size(), 2u);               // [A,B] [B,C]
  EXPECT_EQ(back.path.position(1), (Vec2{5, 0}));
  // Nearly straight with B past the midpoint's turn: radius > 320 and dot < 0 -> Bézier.
  EXPECT_TRUE(is<BezierPath>(build_slider_path({{0, 0}, {100, 1}, {50, 0}}, 0).path));
}

TEST(SliderPath, BezierSegmentsSplitAtRepeatedPoints) {
  const auto built = build_slider_path({{0, 0}, {100, 0}, {100, 0}, {100, 100}, {100, 200}}, 0);
  const auto& bezier = std::get<BezierPath>(built.path.shape());
  ASSERT_EQ(bezier.segments.size(), 2u);
  EXPECT_NEAR(bezier.segments[0].length(), 100, 1e-9);
  EXPECT_NEAR(bezier.segments[1].length(), 200, 1e-9);
  EXPECT_NEAR(bezier.cumulative[0], 1.0 / 3, 1e-12);
  expect_near(built.path.position(1.0 / 3), {100, 0});
  expect_near(built.path.position(2.0 / 3), {100, 100});
}

TEST(SliderPath, BezierLengthAdjustments) {
  const std::vector<Vec2> points{{0, 0}, {50, 0}, {100, 0}, {100, 0}, {100, 100}};  // 100 + 100
  // Within 10 of the drawn 200: unchanged.
  EXPECT_EQ(std::get<BezierPath>(build_slider_path(points, 205).path.shape()).segments.size(), 2u);
  // Longer: a straight extension along the last direction.
  const auto longer = build_slider_path(points, 300);
  EXPECT_EQ(std::get<BezierPath>(longer.path.shape()).segments.size(), 3u);
  expect_near(longer.path.position(1), {100, 200});
  // Shorter: the last segment dropped, the first cut at 50.
  const auto shorter = build_slider_path(points, 50);
  EXPECT_EQ(std::get<BezierPath>(shorter.path.shape()).segments.size(), 1u);
  expect_near(shorter.path.position(1), {50, 0});
}

// The reference's closed form for segments of more than 12 points evaluates to (0, 0) at
// exactly t = 0 and t = 1; the published encodings contain that, so we keep it.
TEST(SliderPath, LongSegmentsKeepTheReferenceEndpointQuirk) {
  std::vector<Vec2> points;
  for (int i = 0; i < 13; ++i) points.push_back({100.0 + 10 * i, 100.0 + (i % 2) * 20});
  const auto built = build_slider_path(points, 0);
  EXPECT_EQ(built.path.position(0), (Vec2{0, 0}));
  EXPECT_EQ(built.path.position(1), (Vec2{0, 0}));
  const Vec2 mid = built.path.position(0.5);
  EXPECT_GT(mid.x, 100);
  EXPECT_LT(mid.x, 220);
  // With 12 points de Casteljau is used and the ends are the end points.
  points.pop_back();
  EXPECT_EQ(build_slider_path(points, 0).path.position(0), (Vec2{100, 100}));
}

TEST(SliderPath, ZeroLengthLineIsRepaired) {
  const auto built = build_slider_path({{64, 32}, {64, 32}}, 100);
  ASSERT_TRUE(is<FixedPath>(built.path));
  EXPECT_NE(built.repair.find("zero-length line"), std::string::npos);
  EXPECT_EQ(built.path.position(0.7), (Vec2{64, 32}));
  // Three points collapsing to one are the same line.
  EXPECT_TRUE(is<FixedPath>(build_slider_path({{1, 1}, {1, 1}, {1, 1}}, 5).path));
  // Length 0: the reference keeps the drawn (empty) line, which is finite.
  EXPECT_TRUE(build_slider_path({{64, 32}, {64, 32}}, 0).repair.empty());
}

TEST(SliderPath, NonFiniteGeometryIsRepairedWhereTheReferenceKeepsNaN) {
  for (const auto& points : std::vector<std::vector<Vec2>>{{{0, 0}, {NAN, 5}}, {{0, 0}, {INFINITY, 5}},
                                                           {{0, 0}, {NAN, 5}, {10, 10}}}) {
    const auto built = build_slider_path(points, 100);
    EXPECT_TRUE(is<FixedPath>(built.path));
    EXPECT_FALSE(built.repair.empty());
    EXPECT_EQ(built.path.position(1), (Vec2{0, 0}));
  }
  // A Bézier with a NaN point and length 0 is kept by the reference with NaN positions.
  EXPECT_FALSE(build_slider_path({{0, 0}, {NAN, 5}, {10, 10}, {20, 0}}, 0).repair.empty());
}

TEST(SliderPath, RejectsWhereTheReferenceRaises) {
  EXPECT_THROW(build_slider_path({{0, 0}}, 100), SliderPathError);
  // NaN length of a Bézier with a positive length field: its cut-fraction assertion fails.
  EXPECT_THROW(build_slider_path({{0, 0}, {NAN, 5}, {10, 10}, {20, 0}}, 100), SliderPathError);
  // Every point repeated: no segment of two points.
  EXPECT_THROW(build_slider_path({{1, 1}, {1, 1}, {1, 1}, {1, 1}}, 0), SliderPathError);
}

}  // namespace
}  // namespace cartography::osu
