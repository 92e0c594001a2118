#include "train/fake_trainer.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <numeric>
#include <random>

namespace cartography::train::testing {
using latent::kAudioDim;
using latent::kChartDim;
using latent::kCritic;
using latent::kGenerator;

namespace {

constexpr int64_t kGenParams = kChartDim * kAudioDim + kChartDim;  // W [9, 72], b [9]
constexpr int64_t kCriticParams = kChartDim + 1;                   // v [9], c

// Noise in [-0.5, 0.5) from a key.
double key_noise(uint64_t key) { return double(key % 1000003) / 1000003.0 - 0.5; }

template <typename T>
void put(std::ofstream& o, const T& v) { o.write(reinterpret_cast<const char*>(&v), sizeof v); }
template <typename T>
void get(std::ifstream& i, T& v) { i.read(reinterpret_cast<char*>(&v), sizeof v); }
void put_floats(std::ofstream& o, const std::vector<float>& v) {
  put(o, int64_t(v.size()));
  o.write(reinterpret_cast<const char*>(v.data()), std::streamsize(v.size() * sizeof(float)));
}
void get_floats(std::ifstream& i, std::vector<float>& v) {
  int64_t n = 0;
  get(i, n);
  v.resize(size_t(n));
  i.read(reinterpret_cast<char*>(v.data()), std::streamsize(v.size() * sizeof(float)));
}
void put_text(std::ofstream& o, const std::string& s) {
  put(o, int64_t(s.size()));
  o.write(s.data(), std::streamsize(s.size()));
}
void get_text(std::ifstream& i, std::string& s) {
  int64_t n = 0;
  get(i, n);
  s.resize(size_t(n));
  i.read(s.data(), n);
}

// The generator's prediction error of one window, [9, frames].
void prediction_error(const std::vector<float>& w, const float* audio, const float* chart, int64_t frames,
                      double noise, std::vector<double>& err) {
  err.assign(size_t(kChartDim * frames), 0.0);
  for (int c = 0; c < kChartDim; ++c)
    for (int64_t t = 0; t < frames; ++t) {
      double p = w[size_t(kChartDim * kAudioDim + c)] + 1e-3 * noise;
      for (int a = 0; a < kAudioDim; ++a) p += double(w[size_t(c * kAudioDim + a)]) * audio[a * frames + t];
      err[size_t(c * frames + t)] = p - chart[c * frames + t];
    }
}

}  // namespace

FakeTrainer::FakeTrainer(const latent::LatentHyperParams& hp, uint64_t seed) : hp_(hp) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.f, 0.05f);
  const int64_t n[2] = {kCriticParams, kGenParams};
  for (int g : {kCritic, kGenerator}) {
    w_[g].resize(size_t(n[g]));
    for (auto& v : w_[g]) v = normal(rng);
    grad_[g].assign(size_t(n[g]), 0.f);
    momentum_[g].assign(size_t(n[g]), 0.f);
  }
}

int64_t FakeTrainer::parameter_count(int32_t group) const { return int64_t(w_[group].size()); }
float* FakeTrainer::gradient(int32_t group) { return grad_[group].data(); }

int FakeTrainer::critic_backward(const latent::TrainSamples& s, latent::CriticLosses* out) {
  events += 'c';
  const double scale = s.weight / std::max(1, hp_.grad_accum_steps);
  const auto& v = w_[kCritic];
  double loss = 0;
  for (int32_t i = 0; i < s.batch; ++i) {
    const float* chart = s.chart + size_t(i) * kChartDim * size_t(s.frames);
    double mean[kChartDim], score = v[kChartDim];
    for (int c = 0; c < kChartDim; ++c) {
      mean[c] = 0;
      for (int64_t t = 0; t < s.frames; ++t) mean[c] += chart[c * s.frames + t];
      mean[c] /= double(s.frames);
      score += v[size_t(c)] * mean[c];
    }
    const double r = score - 1.0;
    loss += r * r / s.batch;
    for (int c = 0; c < kChartDim; ++c) grad_[kCritic][size_t(c)] += float(scale * 2 * r * mean[c] / s.batch);
    grad_[kCritic][kChartDim] += float(scale * 2 * r / s.batch);
  }
  double gp = 0;
  for (float x : v) gp += double(x) * x;
  *out = {loss, gp};
  return 0;
}

int FakeTrainer::generator_backward(const latent::TrainSamples& s, latent::GeneratorLosses* out) {
  events += 'g';
  const double scale = s.weight / std::max(1, hp_.grad_accum_steps);
  const double n = double(s.batch) * kChartDim * double(s.frames);
  double l2 = 0;
  std::vector<double> err;
  for (int32_t i = 0; i < s.batch; ++i) {
    const float* audio = s.audio + size_t(i) * kAudioDim * size_t(s.frames);
    const float* chart = s.chart + size_t(i) * kChartDim * size_t(s.frames);
    prediction_error(w_[kGenerator], audio, chart, s.frames, key_noise(s.noise_keys[i]), err);
    for (int c = 0; c < kChartDim; ++c) {
      double row = 0;
      for (int64_t t = 0; t < s.frames; ++t) {
        const double e = err[size_t(c * s.frames + t)];
        l2 += e * e / n;
        row += e;
        for (int a = 0; a < kAudioDim; ++a)
          grad_[kGenerator][size_t(c * kAudioDim + a)] += float(scale * 2 * e * audio[a * s.frames + t] / n);
      }
      grad_[kGenerator][size_t(kChartDim * kAudioDim + c)] += float(scale * 2 * row / n);
      // The leak into the critic, as the reference's generator pass through the critic.
      grad_[kCritic][size_t(c)] += float(scale * 0.1 * row / n);
    }
  }
  double kl = 0;
  for (float x : w_[kGenerator]) kl += double(x) * x;
  *out = {kl, w_[kCritic][0], l2, l2};
  return 0;
}

double FakeTrainer::learning_rate(int32_t group) const {
  // The reference's schedule: exponential warmup from warmup_init, then isqrt decay.
  const double step = double(steps_[group]);
  double f = 1;
  if (step < double(hp_.warmup_steps)) f = std::pow(hp_.warmup_init, 1 - step / double(hp_.warmup_steps));
  else if (hp_.decay_start >= 0 && step > hp_.decay_start) f = std::pow(step / hp_.decay_start, -0.5);
  return hp_.lr * f;
}

int FakeTrainer::step(int32_t group) {
  events += group == kCritic ? 'C' : 'G';
  const double lr = learning_rate(group);
  for (size_t i = 0; i < w_[group].size(); ++i) {
    momentum_[group][i] = float(hp_.momentum * momentum_[group][i] + grad_[group][i]);
    w_[group][i] -= float(lr * momentum_[group][i]);
    grad_[group][i] = 0;
  }
  ++steps_[group];
  return 0;
}

int FakeTrainer::validate(const float* audio, const float* chart, int64_t frames, uint64_t noise_key, double* l2) {
  std::vector<double> err;
  prediction_error(w_[kGenerator], audio, chart, frames, key_noise(noise_key), err);
  double s = 0;
  for (double e : err) s += e * e;
  *l2 = s / double(err.size());
  return 0;
}

int FakeTrainer::save(const char* path, const latent::CheckpointMeta& meta) {
  if (!fail_save_with.empty()) {
    error_ = fail_save_with;
    return -1;
  }
  std::ofstream o(path, std::ios::binary | std::ios::trunc);
  put(o, uint64_t(0xFA4E));
  for (int g : {kCritic, kGenerator}) {
    put_floats(o, w_[g]);
    put_floats(o, momentum_[g]);
    put(o, steps_[g]);
  }
  put(o, meta.epoch);
  put(o, meta.global_step);
  put(o, meta.batches_seen);
  put(o, meta.batches_in_epoch);
  put(o, meta.best_val_l2);
  put_text(o, meta.best_path);
  put_text(o, meta.config_yaml);
  if (!o) {
    error_ = std::string("cannot write ") + path;
    return -1;
  }
  ++saves;
  return 0;
}

int FakeTrainer::load(const char* path, latent::CheckpointMeta* meta) {
  std::ifstream i(path, std::ios::binary);
  uint64_t magic = 0;
  get(i, magic);
  if (!i || magic != 0xFA4E) {
    error_ = std::string(path) + ": not a fake checkpoint";
    return -1;
  }
  for (int g : {kCritic, kGenerator}) {
    get_floats(i, w_[g]);
    get_floats(i, momentum_[g]);
    get(i, steps_[g]);
    grad_[g].assign(w_[g].size(), 0.f);
  }
  get(i, meta->epoch);
  get(i, meta->global_step);
  get(i, meta->batches_seen);
  get(i, meta->batches_in_epoch);
  get(i, meta->best_val_l2);
  get_text(i, best_path_);
  get_text(i, config_);
  meta->best_path = best_path_.c_str();
  meta->config_yaml = config_.c_str();
  if (!i) {
    error_ = std::string(path) + ": truncated";
    return -1;
  }
  return 0;
}

int FakeTrainer::weights(int32_t group, float* out) const {
  std::copy(w_[group].begin(), w_[group].end(), out);
  return 0;
}

ToySource::ToySource(int64_t windows, int64_t batch_size, int64_t seq_len, uint64_t seed, int64_t val_maps)
    : windows_(windows), batch_size_(batch_size), seq_len_(seq_len), val_maps_(val_maps), seed_(seed) {}

void ToySource::window(int64_t id, int64_t frames, float* audio, float* chart) const {
  for (int a = 0; a < kAudioDim; ++a)
    for (int64_t t = 0; t < frames; ++t) audio[a * frames + t] = float(std::sin(0.37 * double(id) + 0.11 * a + 0.05 * double(t)));
  for (int c = 0; c < kChartDim; ++c)
    for (int64_t t = 0; t < frames; ++t)
      chart[c * frames + t] = 0.5f * audio[(c * 7) * frames + t] + float(0.1 * std::cos(double(id + c)));
}

void ToySource::read_batch(int64_t epoch, int64_t batch, int64_t first, int64_t count, float* audio, float* chart,
                           uint64_t* noise_keys) {
  ++reads;
  std::vector<int64_t> order(static_cast<size_t>(windows_));
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937_64(seed_ * 1000003 + uint64_t(epoch)));
  const size_t a = size_t(kAudioDim * seq_len_), c = size_t(kChartDim * seq_len_);
  for (int64_t i = 0; i < count; ++i) {
    const int64_t id = order[size_t(batch * batch_size_ + first + i)];
    window(id, seq_len_, audio + size_t(i) * a, chart + size_t(i) * c);
    noise_keys[i] = seed_ * 0x9e3779b97f4a7c15ull + uint64_t(epoch) * 1000003 + uint64_t(id);
  }
}

void ToySource::read_validation_map(int64_t index, std::vector<float>& audio, std::vector<float>& chart,
                                    int64_t& frames) {
  frames = 40 + 7 * index;
  audio.resize(size_t(kAudioDim * frames));
  chart.resize(size_t(kChartDim * frames));
  window(100000 + index, frames, audio.data(), chart.data());
}

}  // namespace cartography::train::testing
