// The single-sweep encoder: the frame grid, hand-computed values, odd object orders against a
// direct transcription of the reference's loops, and degenerate charts (never NaN).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

#include "encode/event_log2.hpp"
#include "encode/frame_grid.hpp"
#include "encode/naive_encoder.hpp"
#include "encode/signal_encoder.hpp"
#include "osu/chart_text.hpp"

namespace cartography::encode {
namespace {

using testing::ChartText;

osu::Beatmap chart(std::vector<std::string> objects, std::string ar = "9") {
  ChartText c;
  c.difficulty = "HPDrainRate:5\nCircleSize:4\nOverallDifficulty:6\nApproachRate:" + ar +
                 "\nSliderMultiplier:1.4\nSliderTickRate:1\n";
  c.objects = std::move(objects);
  return osu::parse_beatmap(c.str(), "synthetic.osu");
}

double at(const std::vector<double>& x, int64_t L, Row r, int64_t f) {
  return x[static_cast<size_t>(static_cast<int64_t>(r) * L + f)];
}

TEST(FrameGrid, TimesAndBoundaries) {
  EXPECT_EQ(frame_time_ms(0), 0.0);
  EXPECT_EQ(frame_time_ms(1), 98.0 / 16384 * 1000);
  EXPECT_EQ(frame_time_ms(1024), 6125.0);  // 1024 frames = 6125 ms exactly
  const FrameRange r = frames_between(6125, 6126);
  EXPECT_EQ(r.begin, 1024);
  EXPECT_EQ(r.end, 1025);
  EXPECT_TRUE(frames_between(6125, 6125).empty());
  EXPECT_TRUE(frames_between(NAN, 1e9).empty());
  EXPECT_TRUE(frames_between(0, NAN).empty());
  EXPECT_EQ(frames_from(-1e300).begin, 0);
  EXPECT_EQ(frames_from(1e300).begin, kFrameLimit);
}

TEST(EventValue, LogScaleEndpoints) {
  EXPECT_EQ(event_value(0), -1.0);      // log2(16) = 4
  EXPECT_EQ(event_value(2032), 1.0);    // log2(2048) = 11
  EXPECT_EQ(event_value(2048), 1.0);
  EXPECT_DOUBLE_EQ(event_value(48), 2.0 / 7 * 2 - 1);  // log2(64) = 6
}

// Every value the event rows can meet on the frame grid: dt + 16 = m / 1024 for integers m
// (frame times are multiples of 1/1024 ms and object times are integers), plus arbitrary x.
TEST(EventLog2, WithinOneUlpOfLibm) {
  const EventLog2 fast;
  auto ulps = [](double a, double b) { return std::abs(a - b) / (std::nextafter(b, INFINITY) - b); };
  double worst = 0;
  for (int64_t m = 16 * 1024; m < 2048 * 1024; ++m) {
    const double x = static_cast<double>(m) / 1024;
    worst = std::max(worst, ulps(fast(x), std::log2(x)));
  }
  std::mt19937_64 random(42);
  std::uniform_real_distribution<double> any(16, 2048);
  for (int k = 0; k < 1'000'000; ++k) {
    const double x = any(random);
    worst = std::max(worst, ulps(fast(x), std::log2(x)));
  }
  EXPECT_LE(worst, 1.0);
  EXPECT_EQ(fast(16), 4.0);
  EXPECT_EQ(fast(1024), 10.0);
}

TEST(Encoder, HandComputedCircle) {
  // A new-combo circle with whistle exactly on frame 1024; AR 9: preempt 600 ms.
  const osu::Beatmap bm = chart({"0,0,6125,5,2"});
  const int64_t L = 2000;
  const auto x = encode_beatmap(bm, L);
  EXPECT_EQ(at(x, L, Row::onset, 1023), 1.0);   // no event yet: 2048 ms
  EXPECT_EQ(at(x, L, Row::onset, 1024), -1.0);  // dt = 0
  EXPECT_DOUBLE_EQ(at(x, L, Row::onset, 1025), (std::log2(frame_time_ms(1025) - 6125 + 16) - 4) / 7 * 2 - 1);
  EXPECT_EQ(at(x, L, Row::combo, 1024), -1.0);
  EXPECT_EQ(at(x, L, Row::whistle, 1024), -1.0);
  EXPECT_EQ(at(x, L, Row::finish, 1024), 1.0);
  EXPECT_EQ(at(x, L, Row::slide, 1024), -1.0);
  EXPECT_EQ(at(x, L, Row::sustain, 1024), -1.0);
  // Cursor: waits at the centre until 6125 - 600 ms, then moves to (0, 0), then stays.
  EXPECT_EQ(at(x, L, Row::x, 0), 0.0);
  EXPECT_EQ(at(x, L, Row::y, 900), 0.0);
  const int64_t moving = frames_from(6125 - 600).begin;
  EXPECT_EQ(at(x, L, Row::x, moving - 1), 0.0);
  const double a = (frame_time_ms(moving + 10) - 5525) / 600;
  EXPECT_DOUBLE_EQ(at(x, L, Row::x, moving + 10), ((1 - a) * 256 + a * 0) / 256 - 1);
  EXPECT_EQ(at(x, L, Row::x, 1024), -1.0);
  EXPECT_EQ(at(x, L, Row::y, 1999), -1.0);
}

TEST(Encoder, SliderRows) {
  // 140 px at 140 px per beat of 500 ms: one slide is 500 ms; three slides end at 2500.
  const osu::Beatmap bm = chart({"100,100,1000,2,0,L|240:100,3,140"});
  const int64_t L = 600;
  const auto x = encode_beatmap(bm, L);
  for (int64_t f = 0; f < L; ++f) {
    const double t = frame_time_ms(f);
    const bool inside = t >= 1000 && t < 2500;
    EXPECT_EQ(at(x, L, Row::sustain, f), inside ? 1.0 : -1.0) << f;
    if (inside) {
      const double u = (t - 1000) / 500;
      const double fold = std::fmod(u, 2.0) < 1 ? std::fmod(u, 2.0) : 2 - std::fmod(u, 2.0);
      EXPECT_NEAR(at(x, L, Row::slide, f), std::abs(std::fmod(u + 1, 2.0) - 1) * 2 - 1, 1e-15) << f;
      EXPECT_NEAR(at(x, L, Row::x, f), (100 + 140 * fold) / 256 - 1, 1e-12) << f;
    }
  }
  // After the last slide (odd count) the cursor rests at the tail.
  EXPECT_EQ(at(x, L, Row::x, L - 1), 240.0 / 256 - 1);
}

// Bit for bit, except that the event rows' log2 (EventLog2 here, std::log2 in the oracle)
// may differ in the last place; a wrong region would differ by far more.
void expect_same_as_naive(const osu::Beatmap& bm, int64_t L) {
  const auto ours = encode_beatmap(bm, L);
  const auto oracle = testing::naive_encode(bm, L);
  for (int r = 0; r < kRows; ++r) {
    const bool event_row = r == 0 || r == 1 || r == 4 || r == 5 || r == 6;
    for (int64_t f = 0; f < L; ++f) {
      const size_t i = static_cast<size_t>(r * L + f);
      if (event_row) {
        ASSERT_NEAR(ours[i], oracle[i], 1e-15) << "row " << r << " frame " << f;
      } else {
        ASSERT_EQ(ours[i], oracle[i]) << "row " << r << " frame " << f;
      }
    }
  }
}

TEST(Encoder, OddOrdersMatchTheReferenceLoops) {
  // A spinner ending before it starts lets the next object start earlier: list order, not
  // time order, decides which event is "last"; a negative length gives a negative duration.
  expect_same_as_naive(chart({"256,192,3000,12,0,2500", "100,100,2600,5,2", "50,50,2700,1,8",
                              "200,100,2800,2,4,L|300:100,-2,-100", "300,300,4000,2,2,P|350:250|400:300,1,150",
                              "10,10,4600,12,0,4550", "20,20,4560,1,0",
                              "60,60,6000,6,14,B|100:100|100:100|200:100|150:0,3,260"}),
                       2000);
}

TEST(Encoder, ApproachRateExtremes) {
  const std::vector<std::string> objects = {"100,100,1000,1,0", "400,300,1300,2,0,L|400:100,2,100",
                                            "10,10,3000,12,0,3500", "500,20,3600,1,0"};
  for (const char* ar : {"9", "5", "-3", "10.5", "nan", "inf", "-inf", "1e308"}) {
    SCOPED_TRACE(ar);
    expect_same_as_naive(chart(objects, ar), 1000);
  }
}

TEST(Encoder, DegenerateChartsNeverWriteNaN) {
  const std::vector<std::vector<std::string>> charts = {
      {"15,199,4836,2,0,L|15:199,1,46.875"},           // zero-length line (repaired)
      {"78,193,2365,2,0,L|330:193,1,0"},               // zero-duration slider
      {"1,2,100,2,0,L|nan:5,2,50", "5,5,900,1,0"},     // NaN control point (repaired)
      {"1,2,100,2,0,P|inf:5|7:9,1,50"},                // infinite arc
      {"0,0,100,2,0,B|nan:1|2:2|3:1,1,0"},             // NaN Bézier, length 0 (repaired)
      {"131072,-131072,2147483647,1,0"},               // at the coordinate and time bounds
      {"0,0,100,2,0,L|5:5,9000,1e-300"},               // the largest repeat count
  };
  for (const auto& objects : charts) {
    SCOPED_TRACE(objects.front());
    const osu::Beatmap bm = chart(objects);
    SignalEncoder encoder(bm);
    const int64_t L = 2000;
    std::vector<double> x(static_cast<size_t>(kRows * L));
    encoder.encode_block(0, L, x.data(), L);
    for (double v : x) ASSERT_TRUE(std::isfinite(v));
  }
}

// A chart built by hand around one slider whose path the parser would never produce: the
// encoder's own bound is the last line of defence, and must refuse rather than write.
osu::Beatmap one_slider(osu::SliderPath::Shape path) {
  osu::HitObject o;
  o.kind = osu::HitObjectKind::slider;
  o.t = 100;
  o.end_time = 1100;
  o.slider = 0;
  o.line = 42;
  std::vector<osu::Slider> sliders{osu::Slider{1000, 1, osu::SliderPath(std::move(path))}};
  return osu::Beatmap("hand.osu", {}, {osu::TimingPoint{0, 500, 1, 4}}, {o}, std::move(sliders), {}, {});
}

std::string refusal(const osu::Beatmap& bm, int64_t frames) {
  try {
    encode_beatmap(bm, frames);
    return "";
  } catch (const osu::ChartError& e) {
    EXPECT_EQ(e.file, "hand.osu");
    EXPECT_EQ(e.line, 42);
    return e.reason;
  }
}

TEST(Encoder, CursorBeyondTheBoundIsAChartErrorNotAValue) {
  const double bound = osu::ChartLimits{}.max_cursor_coordinate();
  EXPECT_EQ(bound, 262144);
  // Exactly at the bound: written, X = bound / 256 - 1 at the slider's end.
  const auto at_bound = encode_beatmap(one_slider(osu::LinePath{{0, 0}, {bound, 0}}), 200);
  const double max_x = *std::max_element(at_bound.begin() + 7 * 200, at_bound.begin() + 8 * 200);
  EXPECT_GT(max_x, 0.9 * (bound / 256 - 1));
  EXPECT_LE(max_x, bound / 256 - 1);
  // Beyond it, or NaN: refused with the object's line, during the body's frames.
  EXPECT_NE(refusal(one_slider(osu::LinePath{{0, 0}, {1e24, 0}}), 200).find("is outside ±262144"), std::string::npos);
  EXPECT_NE(refusal(one_slider(osu::FixedPath{{NAN, 1}}), 200).find("cursor position (nan, 1)"), std::string::npos);
  EXPECT_EQ(refusal(one_slider(osu::FixedPath{{NAN, 1}}), 10), "");  // frames before the body
}

}  // namespace
}  // namespace cartography::encode
