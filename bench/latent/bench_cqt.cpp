// The reference's audio features (src/latent/cqt.*) on the CPU: seconds of computation per
// minute of audio, for 1 and 10 minutes of a music-like signal, 1 and 2 threads. Compare with
// bench/latent/cqt_nnaudio.py (nnAudio itself, in the reference's venv).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "latent/cqt.hpp"

using namespace cartography::latent;

namespace {

// Chords on a slow beat with noise: every bin gets energy, as in real music.
std::vector<int16_t> signal(int64_t samples) {
  std::vector<int16_t> x(static_cast<size_t>(samples));
  uint64_t state = 88172645463325252ull;
  for (int64_t i = 0; i < samples; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    const double t = static_cast<double>(i) / kCqtSampleRate;
    const double noise = static_cast<double>(state >> 11) / static_cast<double>(1ull << 53) - 0.5;
    const double beat = std::exp(-8 * std::fmod(t, 0.5));
    const double v = 0.3 * std::sin(2 * M_PI * 110 * t) + 0.2 * std::sin(2 * M_PI * 440 * t) +
                     0.1 * std::sin(2 * M_PI * 1760 * t) + 0.2 * beat * noise;
    x[i] = static_cast<int16_t>(std::lround(v * 32767));
  }
  return x;
}

void BM_AudioFeatures(benchmark::State& state) {
  const int64_t minutes = state.range(0);
  const int threads = static_cast<int>(state.range(1));
  const std::vector<int16_t> x = signal(minutes * 60 * kCqtSampleRate);
  const auto n = static_cast<int64_t>(x.size());
  std::vector<float> out(kCqtBins * cqt_frame_count(n));
  for (auto _ : state) {
    audio_features(x.data(), n, out.data(), {.threads = threads});
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["s_per_audio_min"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * minutes,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_AudioFeatures)->ArgsProduct({{1, 10}, {1, 2}})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
