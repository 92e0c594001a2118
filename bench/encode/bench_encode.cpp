// Parse and encode throughput on a typical ~5-minute map (1044 objects, L = 50,986 frames as
// in the reference timing) and on the 53-minute Marathon map (6,503 objects, L = 531,448).
//   build-osu/bin/bench_encode [--benchmark_filter=Marathon]
#include <benchmark/benchmark.h>

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

BENCHMARK_CAPTURE(parse, Typical, kTypical)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(encode_whole, Typical, kTypical)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(encode_blocks, Typical, kTypical)->Arg(32768)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(parse, Marathon, kMarathon)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(encode_whole, Marathon, kMarathon)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(encode_blocks, Marathon, kMarathon)->Arg(4096)->Arg(32768)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
