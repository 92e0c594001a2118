// Encoder inference of the full-size latent model (H=360, D=32, strides [2,3,3], one stack of
// depth 4; random weights built in code) on the CPU with 2 threads: frames per second and the
// peak resident memory added while encoding, for a 30,000-frame map (about 3 minutes) and the
// 531,448-frame Marathon map (53 minutes, encoded in windows). Arguments: frames, path
// (0 = fused CPU encoder, 1 = the plain modules, i.e. the reference's sequence of torch ops).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "latent/latent_service.hpp"

using namespace cartography::latent;

namespace {

LatentEncoder& encoder(bool modules) {
  static std::unique_ptr<LatentEncoder> cache[2];
  auto& slot = cache[modules ? 1 : 0];
  if (!slot) {
    LatentOptions o;
    o.force_cpu = 1;
    o.threads = 2;
    o.use_modules = modules ? 1 : 0;
    slot = make_random_latent_encoder(published_architecture(), 1, o);
  }
  return *slot;
}

// A deterministic signal in [-1, 1] with beatmap-like slow and fast parts.
std::vector<double> signal(int64_t frames) {
  std::vector<double> x(static_cast<size_t>(9 * frames));
  uint64_t state = 88172645463325252ull;
  for (auto& v : x) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    v = static_cast<double>(state >> 11) / static_cast<double>(1ull << 53) * 2 - 1;
  }
  return x;
}

// Resident-set figures from /proc/self/status, in MiB.
double status_mib(const char* field) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(field, 0) == 0) return std::stod(line.substr(std::string(field).size())) / 1024.0;
  return 0;
}

void reset_peak_rss() { std::ofstream("/proc/self/clear_refs") << "5"; }

// CPU seconds of the whole process (all threads): the work done, whatever else the machine
// runs at the same time (wall time on a shared machine measures the neighbours too).
double process_cpu_seconds() {
  rusage r{};
  getrusage(RUSAGE_SELF, &r);
  return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) + 1e-6 * static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec);
}

void BM_Encode(benchmark::State& state) {
  const int64_t frames = state.range(0);
  const bool modules = state.range(1) != 0;
  LatentEncoder& enc = encoder(modules);
  const std::vector<double> x = signal(frames);
  std::vector<float> mu(static_cast<size_t>(32 * latent_length(frames))), logvar(mu.size());
  reset_peak_rss();
  const double before = status_mib("VmRSS:");
  const double cpu0 = process_cpu_seconds();
  for (auto _ : state) {
    if (enc.encode(x.data(), frames, mu.data(), logvar.data()) != 0) state.SkipWithError(enc.last_error());
    benchmark::DoNotOptimize(mu.data());
  }
  state.counters["frames_per_s"] =
      benchmark::Counter(static_cast<double>(frames) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["cpu_s_per_map"] = (process_cpu_seconds() - cpu0) / static_cast<double>(state.iterations());
  state.counters["peak_rss_added_MiB"] = status_mib("VmHWM:") - before;
  state.SetLabel(modules ? "modules (eager ops)" : "fused");
}

}  // namespace

BENCHMARK(BM_Encode)->Args({30000, 0})->Args({30000, 1})->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(BM_Encode)->Args({531448, 0})->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

BENCHMARK_MAIN();
