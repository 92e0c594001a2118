// Whole charts: metadata, required fields, hit objects, and hostile input (truncated files,
// binary garbage, NaN/inf, huge numbers, megabyte lines). Each bad input gives a ChartError
// with its reason, or a repair, never a crash.
#include <gtest/gtest.h>

#include <random>

#include "osu/beatmap.hpp"
#include "osu/chart_text.hpp"

namespace cartography::osu {
namespace {

using testing::ChartText;

// The reason a chart is rejected with ("" if it is accepted).
std::string rejection(const std::string& text) {
  try {
    parse_beatmap(text, "map.osu");
    return "";
  } catch (const ChartError& e) {
    EXPECT_EQ(e.file, "map.osu");
    EXPECT_EQ(std::string(e.what()).find("map.osu"), 0u);
    return e.reason;
  }
}

::testing::AssertionResult rejected_for(const std::string& text, const std::string& reason) {
  const std::string why = rejection(text);
  if (why.empty()) return ::testing::AssertionFailure() << "accepted";
  if (why.find(reason) == std::string::npos) return ::testing::AssertionFailure() << "rejected for: " << why;
  return ::testing::AssertionSuccess();
}

ChartText with_objects(std::vector<std::string> objects) {
  ChartText c;
  c.objects = std::move(objects);
  return c;
}

TEST(Beatmap, ReadsMetadata) {
  ChartText c;
  c.general = "AudioFilename: Song Audio.MP3\nMode: 0\n";
  c.difficulty = "HPDrainRate:5.5\nCircleSize:4\nOverallDifficulty:8\nSliderMultiplier:1.4\nSliderTickRate:2\n";
  const Beatmap b = parse_beatmap(c.str(), "m.osu");
  EXPECT_EQ(b.audio_filename(), "Song Audio.MP3");
  EXPECT_EQ(b.title(), "Song");
  EXPECT_EQ(b.artist(), "Band");
  EXPECT_EQ(b.creator(), "Mapper");
  EXPECT_EQ(b.version(), "Hard");
  EXPECT_EQ(b.mode(), 0);
  EXPECT_EQ(b.hp(), 5.5);
  EXPECT_EQ(b.cs(), 4);
  EXPECT_EQ(b.od(), 8);
  EXPECT_EQ(b.ar(), 7);  // absent: 7
  EXPECT_EQ(b.metadata().beat_divisor, 4);
  EXPECT_EQ(b.source_name(), "m.osu");
}

TEST(Beatmap, EveryRequiredFieldIsRequired) {
  const std::pair<std::string, std::string> required[] = {
      {"AudioFilename", "[General] AudioFilename"}, {"Mode", "[General] Mode"},
      {"Title", "[Metadata] Title"},                {"Artist", "[Metadata] Artist"},
      {"Creator", "[Metadata] Creator"},            {"Version", "[Metadata] Version"},
      {"HPDrainRate", "[Difficulty] HPDrainRate"},  {"CircleSize", "[Difficulty] CircleSize"},
      {"OverallDifficulty", "[Difficulty] OverallDifficulty"},
      {"SliderMultiplier", "[Difficulty] SliderMultiplier"},
      {"SliderTickRate", "[Difficulty] SliderTickRate"}};
  for (const auto& [key, reason] : required) {
    std::string text = ChartText().str();
    const size_t at = text.find(key + ":");
    ASSERT_NE(at, std::string::npos) << key;
    text.replace(at, key.size(), "Removed" + key);
    EXPECT_TRUE(rejected_for(text, "missing " + reason)) << key;
  }
}

TEST(Beatmap, MissingSections) {
  std::string text = ChartText().str();
  EXPECT_TRUE(rejected_for(text.substr(0, text.find("[TimingPoints]")), "missing [HitObjects] section"));
  std::string no_timing = text;
  no_timing.replace(no_timing.find("[TimingPoints]"), 14, "[Timing]");
  EXPECT_TRUE(rejected_for(no_timing, "missing [TimingPoints] section"));
  EXPECT_TRUE(rejected_for("", "missing [General]"));
  EXPECT_TRUE(rejected_for(ChartText().str() + "\n[Difficulty]\n", "missing [Difficulty] HPDrainRate"));
}

TEST(Beatmap, OptionalFieldsMustParseWhenPresent) {
  ChartText c;
  c.difficulty += "ApproachRate:fast\n";
  EXPECT_TRUE(rejected_for(c.str(), "ApproachRate is not a number"));
  ChartText e;
  e.events = "0,0,\"bg.jpg\"";
  std::string text = e.str() + "\n[Editor]\nBeatDivisor: 4.0\n";
  EXPECT_TRUE(rejected_for(text, "BeatDivisor is not an integer"));
  ChartText m;
  m.general = "AudioFilename: a.mp3\nMode: 0.0\n";
  EXPECT_TRUE(rejected_for(m.str(), "Mode is not an integer"));
  m.general = "AudioFilename: a.mp3\nMode: 99999999999999999999\n";  // Python's int takes it
  EXPECT_EQ(parse_beatmap(m.str(), "m.osu").mode(), INT64_MAX);
}

TEST(Beatmap, HitObjectKindsAndFlags) {
  const Beatmap b = parse_beatmap(
      with_objects({"100,100,1000,5,2", "200,100,2000,2,12,L|300:100,2,100", "0,0,3000,12,4,4000",
                    "50,60,5000,-15,-1"})
          .str(),
      "m.osu");
  const auto& o = b.hit_objects();
  ASSERT_EQ(o.size(), 4u);
  EXPECT_EQ(o[0].kind, HitObjectKind::circle);
  EXPECT_TRUE(o[0].new_combo);
  EXPECT_TRUE(o[0].whistle);
  EXPECT_EQ(o[1].kind, HitObjectKind::slider);
  EXPECT_TRUE(o[1].finish && o[1].clap && !o[1].whistle);
  // 100 px at 1.4 x 100 px per beat of 500 ms: 357.14 ms a slide, two slides.
  EXPECT_DOUBLE_EQ(b.slider_of(o[1]).slide_duration, 100 / 140.0 * 500);
  EXPECT_EQ(o[1].end_time, 2714);
  EXPECT_EQ(o[1].end_pos, (Vec2{200, 100}));  // even slide count: back at the head
  EXPECT_EQ(o[2].kind, HitObjectKind::spinner);
  EXPECT_EQ(o[2].start_pos, (Vec2{256, 192}));
  EXPECT_EQ(o[2].end_time, 4000);
  EXPECT_EQ(o[3].kind, HitObjectKind::circle);  // -15 & 1 == 1 in Python
  EXPECT_TRUE(o[3].whistle && o[3].finish && o[3].clap);
}

TEST(Beatmap, HitObjectRejections) {
  EXPECT_TRUE(rejected_for(with_objects({}).str(), "no hit objects"));
  EXPECT_TRUE(rejected_for(with_objects({"1,2,100,0,0"}).str(), "invalid hit object type"));
  EXPECT_TRUE(rejected_for(with_objects({"1,2,100,128,0,200:0:0:0:"}).str(), "invalid hit object type"));
  EXPECT_TRUE(rejected_for(with_objects({"1,2,100,1"}).str(), "needs x, y, time, type and hitsound"));
  EXPECT_TRUE(rejected_for(with_objects({"1,2,100,8,0"}).str(), "spinner needs an end time"));
  EXPECT_TRUE(rejected_for(with_objects({"1,2,100,2,0,L|5:5,1"}).str(), "needs curve, repeat count and length"));
  EXPECT_TRUE(rejected_for(with_objects({"1,2,100,2,0,L,1,50"}).str(), "no control point besides its head"));
  EXPECT_TRUE(rejected_for(with_objects({"1,2,100,2,0,L|5:5:5,1,50"}).str(), "not x:y"));
  EXPECT_TRUE(rejected_for(with_objects({"1,2,100,2,0,L|5:5,1.0,50"}).str(), "repeat count is not an integer"));
  EXPECT_TRUE(rejected_for(with_objects({"1,2,1000,8,0,2000", "1,2,1500,1,0"}).str(), "before the previous object ends"));
}

TEST(Beatmap, NanAndInfinityFields) {
  EXPECT_TRUE(rejected_for(with_objects({"nan,2,100,1,0"}).str(), "x is not finite"));
  EXPECT_TRUE(rejected_for(with_objects({"1,2,inf,1,0"}).str(), "time is not finite"));
  EXPECT_TRUE(rejected_for(with_objects({"1,2,100,8,0,-inf"}).str(), "spinner end time is not finite"));
  EXPECT_TRUE(rejected_for(with_objects({"1,2,100,2,0,L|5:5,1,nan"}).str(), "slider length is not finite"));
  EXPECT_TRUE(rejected_for(with_objects({"1,2,100,2,0,L|5:5,1,1e400"}).str(), "slider length is not finite"));
  ChartText c;
  c.difficulty = "HPDrainRate:nan\nCircleSize:inf\nOverallDifficulty:-inf\nApproachRate:nan\nSliderMultiplier:1\nSliderTickRate:1\n";
  EXPECT_EQ(rejection(c.str()), "");  // float() accepts them and only AR is used
  // A NaN control point: the reference keeps NaN positions; we repair.
  const Beatmap b = parse_beatmap(with_objects({"1,2,100,2,0,L|nan:5,1,50"}).str(), "m.osu");
  ASSERT_EQ(b.repairs().size(), 1u);
  EXPECT_EQ(b.hit_objects()[0].end_pos, (Vec2{1, 2}));
}

TEST(Beatmap, HugeNumbers) {
  // Huge flags and hitsounds are the reference's (only their low bits matter); huge positions,
  // times and counts are beyond ChartLimits (chart_limits_test.cpp has each bound).
  EXPECT_TRUE(rejected_for(with_objects({"1,2,100,1e20,0"}).str(), "invalid hit object type"));  // low bits 0
  EXPECT_EQ(rejection(with_objects({"1,2,100,5,1e300"}).str()), "");
  EXPECT_TRUE(rejected_for(with_objects({"1,2,100,1,1e400"}).str(), "hitsound is not finite"));
  EXPECT_TRUE(rejected_for(with_objects({"1e20,-1e300,1e300,1,0"}).str(), "x 1e+20 is outside ±131072"));
  EXPECT_TRUE(rejected_for(with_objects({"1,2,100,2,0,L|5:5,99999999999999999999,50"}).str(),
                           "repeat count '99999999999999999999' is outside ±9000"));
  ChartText t;
  t.timing = {"0,1e300,1e300", "0,-1e-300,4"};  // a huge beat length and meter are the reference's
  EXPECT_EQ(rejection(t.str()), "");
  t.timing = {"1e300,500,4"};
  EXPECT_TRUE(rejected_for(t.str(), "timing point time 1e+300 is outside ±2147483647"));
}

TEST(Beatmap, TruncatedFilesAreRejectedWithAReason) {
  const std::string text = with_objects({"100,100,1000,1,0", "200,100,2000,2,0,B|300:100|300:200,1,200"}).str();
  for (size_t cut = 0; cut < text.size(); cut += 7) {
    const std::string why = rejection(text.substr(0, cut));
    if (!why.empty()) EXPECT_EQ(why.find('\n'), std::string::npos);
  }
  EXPECT_TRUE(rejected_for(text.substr(0, text.rfind(",1,200")), "needs curve, repeat count and length"));
  EXPECT_TRUE(rejected_for(text.substr(0, text.find("OverallDifficulty")), "missing [Difficulty] OverallDifficulty"));
}

TEST(Beatmap, BinaryGarbage) {
  std::mt19937 random(1234);
  std::string bytes(4096, '\0');
  for (auto& b : bytes) b = static_cast<char>(random());
  EXPECT_TRUE(rejected_for(bytes, "not valid UTF-8"));
  EXPECT_TRUE(rejected_for(ChartText().str() + "\xFF\xFE", "not valid UTF-8 (byte 0xff"));
  try {
    parse_beatmap("[General]\nMode:0\n\xC3\x28\n", "g.osu");
    FAIL();
  } catch (const ChartError& e) {
    EXPECT_EQ(e.line, 3);
  }
  std::string controls(4096, '\x01');
  EXPECT_TRUE(rejected_for(controls, "missing [General] AudioFilename"));
}

TEST(Beatmap, ByteOrderMarkAndLineEnds) {
  const std::string text = ChartText().str();
  EXPECT_EQ(rejection("\xEF\xBB\xBF" + text), "");  // before "osu file format": harmless
  EXPECT_TRUE(rejected_for("\xEF\xBB\xBF" + text.substr(text.find("[General]")), "missing [General]"));
  std::string crlf;
  for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  const Beatmap a = parse_beatmap(text, "a"), b = parse_beatmap(crlf, "b");
  EXPECT_EQ(a.hit_objects().size(), b.hit_objects().size());
  EXPECT_EQ(a.title(), b.title());
}

TEST(Beatmap, EventsAreParsedForBreaks) {
  ChartText c;
  c.events = "0,0,\"bg.jpg\",0,0\n2,100,200\nBreak,300,400";
  EXPECT_EQ(parse_beatmap(c.str(), "m").breaks().size(), 2u);
  c.events = "Sprite";
  EXPECT_TRUE(rejected_for(c.str(), "event needs a type and a time"));
  c.events = "2,100,200,300";
  EXPECT_TRUE(rejected_for(c.str(), "break needs exactly a start and an end time"));
  c.events = "2,100,nan";
  EXPECT_TRUE(rejected_for(c.str(), "break time is not a finite number"));
}

TEST(Beatmap, ZeroLengthLineSliderIsRepaired) {
  const Beatmap b = parse_beatmap(with_objects({"15,199,4836,2,0,L|15:199,1,46.875"}).str(), "z.osu");
  ASSERT_EQ(b.repairs().size(), 1u);
  EXPECT_EQ(b.repairs()[0].object_index, 0);
  EXPECT_NE(b.repairs()[0].what.find("zero-length line"), std::string::npos);
  EXPECT_EQ(describe(b.repairs()[0], "z.osu").rfind("z.osu:", 0), 0u);
  EXPECT_EQ(b.hit_objects()[0].end_pos, (Vec2{15, 199}));
}

TEST(Beatmap, ZeroDurationSliderIsRecorded) {
  const Beatmap b = parse_beatmap(with_objects({"78,193,2365,2,0,L|330:193,1,0"}).str(), "z.osu");
  ASSERT_EQ(b.repairs().size(), 1u);
  EXPECT_NE(b.repairs()[0].what.find("zero-duration"), std::string::npos);
  EXPECT_EQ(b.slider_of(b.hit_objects()[0]).slide_duration, 0);
  EXPECT_EQ(b.hit_objects()[0].end_time, 2365);
  EXPECT_EQ(b.hit_objects()[0].end_pos, (Vec2{330, 193}));
}

TEST(Beatmap, LongLinesUpToTheLimitParse) {
  // A title line of exactly the limit (4 MiB), and a curve of 15,000 points (each pair a 2-point segment,
  // one of the reference's Bézier segments); parse cost is measured in bench_encode.
  const int64_t limit = ChartLimits{}.max_line_bytes;
  ChartText c;
  c.metadata = "Title:" + std::string(limit - 6, 'x') + "\nArtist:a\nCreator:c\nVersion:v\n";
  std::string curve = "B";
  for (int i = 0; i < 7500; ++i) {
    const std::string p = "|" + std::to_string(100 + i % 300) + ":" + std::to_string(100 + i % 7);
    curve += p + p;
  }
  c.objects = {"100,100,1000,2,0," + curve + ",1,500"};
  const Beatmap b = parse_beatmap(c.str(), "big.osu");
  EXPECT_EQ(static_cast<int64_t>(b.title().size()), limit - 6);
  EXPECT_EQ(b.hit_objects().size(), 1u);
  c.metadata = "Title:" + std::string(limit - 5, 'x') + "\nArtist:a\nCreator:c\nVersion:v\n";
  EXPECT_TRUE(rejected_for(c.str(), "line is 4194305 bytes, more than 4194304 (ChartLimits::max_line_bytes)"));
}

}  // namespace
}  // namespace cartography::osu
