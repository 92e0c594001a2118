// One training batch of the latent model (critic step + generator step with their Muon
// optimizers and schedules) through the plugin's LatentTrainer, timed on the CPU: the C++ side
// of bench/train/eager_reference_step.py (same config, batch shape, threads, value ranges).
//
//   bench_trainer_step <config.yml> [--batch B] [--frames L] [--steps N] [--threads T]
//                      [--save-batch F] [--save-state C]
//
// --save-batch writes the batch (float32 audio [B,72,L] then chart [B,9,L]) and --save-state the
// initial state (a Lightning checkpoint: weights, optimizers, schedules) before the first batch,
// for eager_reference_step.py --batch-file/--init: both sides then train the same weights on the
// same windows.
//
// Prints one JSON line: seconds per batch (median and mean of N after one warm-up), the last batch's
// losses, peak RSS. (The bottleneck noise comes from per-window keys here and from torch's
// global generator there, so even from the same state the losses agree closely, not in every
// digit; tests/latent's goldens check them exactly with the same noise.)
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "latent/training/trainer_service.hpp"
#include "train/train_config.hpp"

namespace latent = cartography::latent;

// Writes audio then chart to `path` (host byte order: little-endian float32 here).
bool write_batch(const std::string& path, const std::vector<float>& audio, const std::vector<float>& chart) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  const bool written = f && std::fwrite(audio.data(), sizeof(float), audio.size(), f) == audio.size() &&
                       std::fwrite(chart.data(), sizeof(float), chart.size(), f) == chart.size();
  if ((f && std::fclose(f) != 0) || !written) {
    std::fprintf(stderr, "%s: cannot write the batch\n", path.c_str());
    return false;
  }
  return true;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: bench_trainer_step <config.yml> [--batch B] [--frames L] [--steps N] [--threads T] "
                 "[--save-batch F] [--save-state C]\n");
    return 2;
  }
  int batch = 2, steps = 5, threads = 2;
  int64_t frames = 1024;
  std::string batch_file, state_file;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const long v = std::strtol(argv[i + 1], nullptr, 10);
    if (flag == "--save-batch") batch_file = argv[i + 1];
    else if (flag == "--save-state") state_file = argv[i + 1];
    else if (flag == "--batch") batch = static_cast<int>(v);
    else if (flag == "--frames") frames = v;
    else if (flag == "--steps") steps = static_cast<int>(v);
    else if (flag == "--threads") threads = static_cast<int>(v);
    else { std::fprintf(stderr, "unknown option %s\n", flag.c_str()); return 2; }
  }
  if (batch < 1 || frames < 1 || steps < 1 || threads < 1) {
    std::fprintf(stderr, "--batch, --frames, --steps and --threads must be positive\n");
    return 2;
  }
  const auto config = cartography::train::read_train_config(argv[1]);
  latent::TrainerOptions options;
  options.hp = config.model;
  options.seed = 1234;
  options.force_cpu = 1;
  options.threads = threads;
  auto trainer = latent::training::make_latent_trainer(options);

  std::mt19937_64 rng(1234);
  std::uniform_real_distribution<float> audio_value(-2.0f, 0.0f), chart_value(-1.0f, 1.0f);
  std::vector<float> audio(static_cast<size_t>(batch) * latent::kAudioDim * frames);
  std::vector<float> chart(static_cast<size_t>(batch) * latent::kChartDim * frames);
  for (auto& a : audio) a = audio_value(rng);
  for (auto& c : chart) c = chart_value(rng);
  if (!batch_file.empty() && !write_batch(batch_file, audio, chart)) return 1;
  if (!state_file.empty() && trainer->save(state_file.c_str(), latent::CheckpointMeta{}) != 0) {
    std::fprintf(stderr, "%s\n", trainer->last_error());
    return 1;
  }
  std::vector<uint64_t> keys(static_cast<size_t>(batch));

  latent::CriticLosses critic;
  latent::GeneratorLosses gen;
  std::vector<double> seconds;
  double cpu_seconds = 0;  // process CPU time (all threads): less sensitive than wall time to a loaded machine
  for (int step = 0; step <= steps; ++step) {
    for (int b = 0; b < batch; ++b) keys[static_cast<size_t>(b)] = static_cast<uint64_t>(step * batch + b);
    latent::TrainSamples s{audio.data(), chart.data(), batch, frames, keys.data(), 1.0};
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t cpu0 = std::clock();
    // The reference's schedule (trainer_plugin.hpp): with grad_accum_steps A an optimizer steps
    // on every A-th pass only, so a batch costs what it costs the reference.
    const int accum = std::max(1, config.model.grad_accum_steps), critics = config.model.critic_steps_per_gen;
    for (int c = 0; c < critics; ++c) {
      const bool steps_critic = (step * critics + c + 1) % accum == 0;
      if (trainer->critic_backward(s, &critic) != 0 || (steps_critic && trainer->step(latent::kCritic) != 0)) {
        std::fprintf(stderr, "%s\n", trainer->last_error());
        return 1;
      }
    }
    const bool steps_generator = (step + 1) % accum == 0;
    if (trainer->generator_backward(s, &gen) != 0 || (steps_generator && trainer->step(latent::kGenerator) != 0)) {
      std::fprintf(stderr, "%s\n", trainer->last_error());
      return 1;
    }
    if (step > 0) {
      seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      cpu_seconds += static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
    }
  }
  // Mean as well as median: with A > 1 batches that step and batches that only accumulate
  // alternate, and the mean over a multiple of A batches is the cost per batch.
  double mean = 0;
  for (double t : seconds) mean += t / static_cast<double>(seconds.size());
  std::sort(seconds.begin(), seconds.end());
  const size_t n = seconds.size();
  const double median = n % 2 ? seconds[n / 2] : (seconds[n / 2 - 1] + seconds[n / 2]) / 2;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf(
      "{\"config\": \"%s\", \"batch\": %d, \"frames\": %lld, \"threads\": %d, \"s_per_batch\": %.4f, "
      "\"s_per_batch_mean\": %.4f, \"cpu_s_per_batch_mean\": %.4f, \"batches_per_s\": %.4f, \"losses\": {\"train/critic/adversarial\": %.6g, \"train/critic/gradient_penalty\": %.6g, "
      "\"train/gen/kl\": %.6g, \"train/gen/adversarial\": %.6g, \"train/gen/reconstruction\": %.6g, \"train/gen/l2\": %.6g}, "
      "\"peak_rss_mib\": %.1f}\n",
      argv[1], batch, static_cast<long long>(frames), threads, median, mean,
      cpu_seconds / static_cast<double>(n), 1.0 / median, critic.adversarial,
      critic.gradient_penalty, gen.kl, gen.adversarial, gen.reconstruction, gen.l2, usage.ru_maxrss / 1024.0);
  return 0;
}
