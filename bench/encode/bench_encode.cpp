// Parse and encode throughput on a typical ~5-minute map (1044 objects, L = 50,986 frames as
// in the reference timing) and on the 53-minute Marathon map (6,503 objects, L = 531,448);
// and the parse time of hostile charts at the ChartLimits bounds (the worst costs a chart
// within the default limits can drive).
//   build-osu/bin/bench_encode [--benchmark_filter=Marathon]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "encode/signal_encoder.hpp"
#include "osu/beatmap.hpp"

namespace {

using cartography::encode::SignalEncoder;
using cartography::encode::kRows;

struct MapCase {
  const char* file;
  int64_t frames;
};
const MapCase kTypical{"ppy-osu__1124896__completed.osu", 50986};
const MapCase kMarathon{"ppy-osu__Within_Temptation_-_The_Unforgiving_Armin_Marathon_.osu", 531448};

std::string read_text(const MapCase& m) {
  std::ifstream in(std::string(CARTO_TEST_DATA) + "/osu/" + m.file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void parse(benchmark::State& state, const MapCase& m) {
  const std::string text = read_text(m);
  for (auto _ : state) benchmark::DoNotOptimize(cartography::osu::parse_beatmap(text, m.file));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

// The whole [9, L] array at once (what encode_beatmap returns).
void encode_whole(benchmark::State& state, const MapCase& m) {
  const auto beatmap = cartography::osu::parse_beatmap(read_text(m), m.file);
  std::vector<double> out(static_cast<size_t>(kRows * m.frames));
  for (auto _ : state) {
    SignalEncoder(beatmap).encode_block(0, m.frames, out.data(), m.frames);
    benchmark::ClobberMemory();
  }
  state.counters["frames/s"] = benchmark::Counter(static_cast<double>(state.iterations() * m.frames), benchmark::Counter::kIsRate);
}

// Streaming in blocks of state.range(0) frames through one buffer (what encode-osu does).
void encode_blocks(benchmark::State& state, const MapCase& m) {
  const auto beatmap = cartography::osu::parse_beatmap(read_text(m), m.file);
  const int64_t block = state.range(0);
  std::vector<double> buffer(static_cast<size_t>(kRows * block));
  for (auto _ : state) {
    SignalEncoder encoder(beatmap);
    for (int64_t first = 0; first < m.frames; first += block)
      encoder.encode_block(first, std::min(block, m.frames - first), buffer.data(), block);
    benchmark::ClobberMemory();
  }
  state.counters["frames/s"] = benchmark::Counter(static_cast<double>(state.iterations() * m.frames), benchmark::Counter::kIsRate);
}

// A chart of `sliders` Bézier sliders of `points` control points each, one segment apiece:
// monotone points overflow the reference's closed form to inf (the whole quadrature runs),
// scattered ones to NaN (found from the innermost nodes).
std::string hostile_chart(int sliders, int points, bool monotone) {
  std::string text =
      "osu file format v14\n\n[General]\nAudioFilename: a.mp3\nMode: 0\n\n[Metadata]\nTitle:t\nArtist:a\n"
      "Creator:c\nVersion:v\n\n[Difficulty]\nHPDrainRate:5\nCircleSize:4\nOverallDifficulty:5\n"
      "SliderMultiplier:1.4\nSliderTickRate:1\n\n[TimingPoints]\n0,500,4\n\n[HitObjects]\n";
  for (int s = 0; s < sliders; ++s) {
    text += "0,0," + std::to_string(1000 + 1000 * s) + ",2,0,B";
    for (int i = 1; i < points; ++i)
      text += monotone ? "|" + std::to_string(i * 0.5) + ":" + std::to_string(i * 0.25)
                       : "|" + std::to_string((i * 37) % 500) + ":" + std::to_string((i * 91) % 380);
    text += ",1,-1\n";  // a non-positive length: the map is kept (repaired), so it parses fully
  }
  return text;
}

void parse_hostile(benchmark::State& state, int sliders, int points, bool monotone) {
  const std::string text = hostile_chart(sliders, points, monotone);
  cartography::osu::ChartLimits limits;
  limits.max_slider_control_points = std::max<int64_t>(limits.max_slider_control_points, points);
  limits.max_chart_control_points = std::max<int64_t>(limits.max_chart_control_points, int64_t{sliders} * points);
  for (auto _ : state) benchmark::DoNotOptimize(cartography::osu::parse_beatmap(text, "hostile.osu", limits));
}

BENCHMARK_CAPTURE(parse, Typical, kTypical)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(encode_whole, Typical, kTypical)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(encode_blocks, Typical, kTypical)->Arg(32768)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(parse, Marathon, kMarathon)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(encode_whole, Marathon, kMarathon)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(encode_blocks, Marathon, kMarathon)->Arg(4096)->Arg(32768)->Unit(benchmark::kMillisecond);
// The default limits' worst cases: one slider of 16,384 monotone points; the chart budget of
// 262,144 points as 16 such sliders. And what the NaN shortcut saves: 100,000 scattered points
// (beyond the default per-slider limit, raised here), 1.5 s before it.
BENCHMARK_CAPTURE(parse_hostile, MonotoneSlider16k, 1, 16384, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(parse_hostile, ChartBudget16x16k, 16, 16384, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(parse_hostile, ScatteredSlider100k, 1, 100000, false)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
