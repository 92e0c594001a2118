// A LatentTrainer with a toy model for the training loop's tests: the generator is a linear map
// from the 72 audio rows to the 9 chart rows (least squares, plus a little noise from each
// window's key), the critic a linear score of the chart's row means. Their gradients depend on
// the data, so a wrong shard, weight, noise key or all-reduce changes the weights. Like the real
// plugin it divides by grad_accum_steps, multiplies by the shard's weight, lets the generator's
// pass leak gradient into the critic (kept until the critic's step), and keeps optimizer state
// (momentum, step counts, the reference's LR schedule) that save()/load() carry.
// ToySource: in-memory windows, an epoch order from (seed, epoch), two validation maps.
#pragma once

#include <string>
#include <vector>

#include "latent/trainer_plugin.hpp"
#include "train/train_loop.hpp"

namespace cartography::train::testing {

class FakeTrainer final : public latent::LatentTrainer {
 public:
  explicit FakeTrainer(const latent::LatentHyperParams& hp, uint64_t seed = 0);

  int64_t parameter_count(int32_t group) const override;
  int critic_backward(const latent::TrainSamples& s, latent::CriticLosses* out) override;
  int generator_backward(const latent::TrainSamples& s, latent::GeneratorLosses* out) override;
  float* gradient(int32_t group) override;
  int step(int32_t group) override;
  double learning_rate(int32_t group) const override;
  int validate(const float* audio, const float* chart, int64_t frames, uint64_t noise_key, double* l2) override;
  int save(const char* path, const latent::CheckpointMeta& meta) override;
  int load(const char* path, latent::CheckpointMeta* meta) override;
  int weights(int32_t group, float* out) const override;
  const char* last_error() const override { return error_.c_str(); }

  // What happened, in order: 'c' critic pass, 'C' critic step, 'g' generator pass, 'G' generator step.
  std::string events;
  int64_t saves = 0;
  std::string fail_save_with;  // non-empty: save() fails with this message

 private:
  latent::LatentHyperParams hp_;
  std::vector<float> w_[2], grad_[2], momentum_[2];
  int64_t steps_[2] = {};
  std::string error_, best_path_, config_;
};

class ToySource final : public TrainingSource {
 public:
  ToySource(int64_t windows, int64_t batch_size, int64_t seq_len, uint64_t seed, int64_t val_maps = 2);
  int64_t batches_per_epoch() const override { return windows_ / batch_size_; }
  void read_batch(int64_t epoch, int64_t batch, int64_t first, int64_t count, float* audio, float* chart,
                  uint64_t* noise_keys) override;
  int64_t validation_maps() const override { return val_maps_; }
  void read_validation_map(int64_t index, std::vector<float>& audio, std::vector<float>& chart,
                           int64_t& frames) override;
  int64_t reads = 0;

 private:
  void window(int64_t id, int64_t frames, float* audio, float* chart) const;
  int64_t windows_, batch_size_, seq_len_, val_maps_;
  uint64_t seed_;
};

// Every weight of both optimizer groups, critic first (state_dict order within each).
inline std::vector<float> all_weights(const latent::LatentTrainer& t) {
  std::vector<float> out;
  for (int g : {latent::kCritic, latent::kGenerator}) {
    std::vector<float> w(size_t(t.parameter_count(g)));
    t.weights(g, w.data());
    out.insert(out.end(), w.begin(), w.end());
  }
  return out;
}

}  // namespace cartography::train::testing
