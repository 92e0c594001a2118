// ChartLimits: each bound accepts a chart at the limit and rejects one beyond it, with a
// ChartError naming the file, the line and the limit; values whose products overflow are
// rejected where they arise; huge Bézier sliders are rejected as the reference rejects them,
// before the quadrature that would only reach NaN.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include "osu/beatmap.hpp"
#include "osu/chart_text.hpp"

namespace cartography::osu {
namespace {

using testing::ChartText;

struct Outcome {
  std::string reason;  // "" when accepted
  int64_t line = -1;
};

Outcome parse(const std::string& text, const ChartLimits& limits = {}) {
  try {
    parse_beatmap(text, "map.osu", limits);
    return {};
  } catch (const ChartError& e) {
    EXPECT_EQ(e.file, "map.osu");
    return {e.reason, e.line};
  }
}

::testing::AssertionResult rejected_for(const Outcome& o, const std::string& reason) {
  if (o.reason.empty()) return ::testing::AssertionFailure() << "accepted";
  if (o.reason.find(reason) == std::string::npos) return ::testing::AssertionFailure() << "rejected for: " << o.reason;
  return ::testing::AssertionSuccess();
}

std::string objects(std::vector<std::string> lines) {
  ChartText c;
  c.objects = std::move(lines);
  return c.str();
}

// The [HitObjects] line of object `index` in ChartText (header lines before it).
int64_t object_line(const std::string& text, size_t index) {
  const auto header = text.find("[HitObjects]");
  return std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(header), '\n') + 2 +
         static_cast<int64_t>(index);
}

std::string curve_of(int points, bool monotone) {
  std::string curve = "B";
  for (int i = 1; i < points; ++i)
    curve += monotone ? "|" + std::to_string(i) + ":" + std::to_string(i)
                      : "|" + std::to_string((i * 37) % 500) + ":" + std::to_string((i * 91) % 380);
  return curve;
}

TEST(ChartLimits, CoordinatesOfObjects) {
  EXPECT_EQ(parse(objects({"131072,-131072,100,1,0"})).reason, "");
  const std::string text = objects({"0,0,50,1,0", "1e160,2,100,1,0"});
  const Outcome far = parse(text);
  EXPECT_TRUE(rejected_for(far, "hit object 1: x 1e+160 is outside ±131072 (ChartLimits::max_coordinate)"));
  EXPECT_EQ(far.line, object_line(text, 1));
  EXPECT_TRUE(rejected_for(parse(objects({"1,-131073,100,1,0"})), "y -131073 is outside"));
  EXPECT_TRUE(rejected_for(parse(objects({"1e24,2,100,5,0"})), "x 1e+24 is outside"));
  // The reference's own errors first: every field is converted before any bound applies.
  EXPECT_TRUE(rejected_for(parse(objects({"1e24,nan,100,5,0"})), "y is not finite"));
  EXPECT_TRUE(rejected_for(parse(objects({"1,2,100,2,0,B|1e24:0|5:5,x,50"})), "repeat count is not an integer"));
  EXPECT_TRUE(rejected_for(parse(objects({"1,2,100,2,0,B|5:5|1e24:3|9:9,1,50"})),
                           "slider control point coordinate 1e+24 is outside"));
  // Non-finite control points stay the reference's NaN positions, which are repaired (SPEC §5).
  EXPECT_EQ(parse(objects({"1,2,100,2,0,L|inf:5,1,50"})).reason, "");
  ChartLimits small;
  small.max_coordinate = 100;
  EXPECT_EQ(parse(objects({"100,-100,100,1,0"}), small).reason, "");
  EXPECT_TRUE(rejected_for(parse(objects({"101,0,100,1,0"}), small), "x 101 is outside ±100"));
}

TEST(ChartLimits, Times) {
  EXPECT_EQ(parse(objects({"1,2,2147483647,1,0"})).reason, "");
  EXPECT_TRUE(rejected_for(parse(objects({"1,2,2147483648,1,0"})), "time 2147483648 is outside ±2147483647"));
  EXPECT_TRUE(rejected_for(parse(objects({"1,2,-1e300,1,0"})), "time -1e+300 is outside"));
  EXPECT_TRUE(rejected_for(parse(objects({"1,2,100,8,0,1e12"})), "spinner end time 1e+12 is outside"));
  ChartText c;
  c.events = "2,100,1e20";
  EXPECT_TRUE(rejected_for(parse(c.str()), "break time 1e+20 is outside"));
  c = ChartText();
  c.timing = {"0,500,4", "-3e9,-100,4"};
  EXPECT_TRUE(rejected_for(parse(c.str()), "timing point time -3e+09 is outside"));
}

TEST(ChartLimits, SliderDurationsWhoseProductsOverflow) {
  // length / (SliderMultiplier x multiplier x 100) x beat length: each factor finite, the
  // product not, or the end time beyond the time bound.
  ChartText c;
  c.objects = {"1,2,100,2,0,L|50:2,1,100"};
  c.difficulty = "HPDrainRate:5\nCircleSize:4\nOverallDifficulty:6\nSliderMultiplier:0\nSliderTickRate:1\n";
  EXPECT_TRUE(rejected_for(parse(c.str()), "slider end time is not finite: slide duration is not finite (length 100 / (SliderMultiplier 0"));
  c.difficulty = "HPDrainRate:5\nCircleSize:4\nOverallDifficulty:6\nSliderMultiplier:1e-320\nSliderTickRate:1\n";
  EXPECT_TRUE(rejected_for(parse(c.str()), "slide duration is not finite"));
  c.difficulty = "HPDrainRate:5\nCircleSize:4\nOverallDifficulty:6\nSliderMultiplier:1e-300\nSliderTickRate:1\n";
  EXPECT_TRUE(rejected_for(parse(c.str()), "slider end time "));
  EXPECT_TRUE(rejected_for(parse(c.str()), "e+302 is outside ±2147483647 (ChartLimits::max_time_ms)"));
  c = ChartText();
  c.timing = {"0,1e308,4"};
  c.objects = {"1,2,100,2,0,L|50:2,1,1000"};
  EXPECT_TRUE(rejected_for(parse(c.str()), "slide duration is not finite"));
  // A huge repeat count times a finite duration.
  c.timing = {"0,1e6,4"};
  c.objects = {"1,2,100,2,0,L|50:2,9000,100"};
  EXPECT_TRUE(rejected_for(parse(c.str()), "slider end time"));
  // Slider lengths.
  EXPECT_EQ(parse(objects({"1,2,100,2,0,L|50:2,1,131072"})).reason, "");
  EXPECT_TRUE(rejected_for(parse(objects({"1,2,100,2,0,L|50:2,1,131073"})),
                           "slider length 131073 is outside ±131072 (ChartLimits::max_slider_length)"));
  EXPECT_TRUE(rejected_for(parse(objects({"1,2,100,2,0,L|50:2,1,-1e200"})), "slider length -1e+200 is outside"));
}

TEST(ChartLimits, RepeatCounts) {
  EXPECT_EQ(parse(objects({"1,2,100,2,0,L|50:2,9000,10"})).reason, "");
  EXPECT_TRUE(rejected_for(parse(objects({"1,2,100,2,0,L|50:2,9001,10"})),
                           "repeat count '9001' is outside ±9000 (ChartLimits::max_slides)"));
  EXPECT_TRUE(rejected_for(parse(objects({"1,2,100,2,0,L|50:2,-9001,10"})), "is outside ±9000"));
  EXPECT_TRUE(rejected_for(parse(objects({"1,2,100,2,0,L|50:2,-99999999999999999999,10"})), "is outside ±9000"));
  // Zero and negative counts are the reference's: no slide, the end before the start, the
  // end position at lerp(slides mod 2).
  const Beatmap b = parse_beatmap(objects({"1,2,100,2,0,L|50:2,-3,98", "1,2,200,1,0"}), "m.osu");
  EXPECT_LT(b.hit_objects()[0].end_time, b.hit_objects()[0].t);
  EXPECT_EQ(b.hit_objects()[0].end_time, 100 + std::trunc(98 / 140.0 * 500 * -3));
  EXPECT_EQ(b.hit_objects()[0].end_pos, (Vec2{99, 2}));  // -3 mod 2 = 1: the far end
}

TEST(ChartLimits, HitObjectCount) {
  ChartLimits small;
  small.max_hit_objects = 3;
  std::vector<std::string> lines = {"1,2,100,1,0", "1,2,200,1,0", "1,2,300,1,0"};
  EXPECT_EQ(parse(objects(lines), small).reason, "");
  lines.push_back("1,2,400,1,0");
  const std::string text = objects(lines);
  const Outcome o = parse(text, small);
  EXPECT_TRUE(rejected_for(o, "more than 3 hit objects (ChartLimits::max_hit_objects)"));
  EXPECT_EQ(o.line, object_line(text, 3));
}

TEST(ChartLimits, ControlPointCounts) {
  ChartLimits small;
  small.max_slider_control_points = 5;  // the head and four curve points
  small.max_chart_control_points = 8;
  EXPECT_EQ(parse(objects({"0,0,100,2,0,B|1:1|2:3|5:1|9:9,1,0"}), small).reason, "");
  EXPECT_TRUE(rejected_for(parse(objects({"0,0,100,2,0,B|1:1|2:3|5:1|9:9|12:0,1,0"}), small),
                           "slider has 6 control points, more than 5 (ChartLimits::max_slider_control_points)"));
  EXPECT_TRUE(rejected_for(parse(objects({"0,0,100,2,0,B|1:1|2:3|5:1|9:9,1,0", "0,0,200,2,0,B|1:1|2:3|5:1,1,0"}),
                                 small),
                           "more than 8 control points (ChartLimits::max_chart_control_points)"));
  // The default: a 100,000-point curve is refused by its count, before any number is read.
  EXPECT_TRUE(rejected_for(parse(objects({"0,0,100,2,0," + curve_of(100'000, false) + ",1,500"})),
                           "slider has 100000 control points, more than 16384"));
}

TEST(ChartLimits, HugeBezierSegmentsAreRejectedAsTheReferenceRejectsThem) {
  // One segment of 16,000 points: the reference's closed form gives a NaN length, so a
  // positive length field fails its cut (an AssertionError there) and a non-positive one keeps
  // NaN positions (our repair). Both for scattered and for monotone points (inf, not NaN,
  // at most nodes: "shortened to nothing", the reference's IndexError on an empty list).
  EXPECT_TRUE(rejected_for(parse(objects({"0,0,100,2,0," + curve_of(16'000, false) + ",1,500"})),
                           "Bézier slider cannot be cut to its length (fraction NaN"));
  EXPECT_TRUE(rejected_for(parse(objects({"0,0,100,2,0," + curve_of(16'000, true) + ",1,500"})),
                           "Bézier slider shortened to nothing"));
  const Beatmap kept = parse_beatmap(objects({"0,0,100,2,0," + curve_of(16'000, false) + ",1,-1"}), "m.osu");
  ASSERT_EQ(kept.repairs().size(), 1u);
  EXPECT_NE(kept.repairs()[0].what.find("Bézier slider length is not finite"), std::string::npos);
}

TEST(ChartLimits, FileSizeAndLineLength) {
  ChartLimits small;
  const std::string text = objects({"1,2,100,1,0"});
  small.max_file_bytes = static_cast<int64_t>(text.size());
  EXPECT_EQ(parse(text, small).reason, "");
  small.max_file_bytes -= 1;
  EXPECT_TRUE(rejected_for(parse(text, small), "bytes, more than " + std::to_string(text.size() - 1) +
                                                   " (ChartLimits::max_file_bytes)"));
  ChartLimits short_lines;
  short_lines.max_line_bytes = 24;  // "AudioFilename: audio.mp3"
  EXPECT_EQ(parse(objects({"1,2,100,1,0,0:0:0:0:1234"}), short_lines).reason, "");
  const std::string long_line = objects({"1,2,100,1,0,0:0:0:0:12345"});
  const Outcome o = parse(long_line, short_lines);
  EXPECT_TRUE(rejected_for(o, "line is 25 bytes, more than 24 (ChartLimits::max_line_bytes)"));
  EXPECT_EQ(o.line, object_line(long_line, 0));
}

class ChartFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("chart_limits_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(ChartFile, OversizedFileIsRefusedBeforeReading) {
  const auto path = (dir_ / "big.osu").string();
  { std::ofstream(path) << objects({"1,2,100,1,0"}); }
  std::filesystem::resize_file(path, (int64_t{32} << 20) + 1);  // sparse: nothing is written
  try {
    read_beatmap(path);
    FAIL();
  } catch (const ChartError& e) {
    EXPECT_EQ(e.file, path);
    EXPECT_NE(e.reason.find("file is 33554433 bytes, more than 33554432"), std::string::npos) << e.reason;
  }
}

TEST_F(ChartFile, FifoIsRefusedWithoutReading) {
  const auto path = (dir_ / "pipe.osu").string();
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  try {
    read_beatmap(path);  // opening a FIFO with no writer would block for ever
    FAIL();
  } catch (const ChartError& e) {
    EXPECT_EQ(e.reason, "not a regular file");
  }
}

}  // namespace
}  // namespace cartography::osu
