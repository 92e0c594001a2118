// The whole osu-dreamer latent model in training form (reference: latent_model/model.py) and
// its losses, for the trainer service (trainer_plugin.hpp):
//
//   forward(audio, chart, ε):  chart padded to a multiple of the chunk → encoder → (mu, logvar)
//                              z = mu + exp(logvar/2)·ε → decoder → align_audio(audio, ·)
//                              → (pred_chart [B, 9, L], kl = mean(-½(1 + logvar − mu² − e^logvar)))
//   critic pass:     pred_chart without grad; adversarial Σ_scales softplus(−true score).mean()
//                    + softplus(pred score).mean(); R1 penalty Σ_scales mean_b ‖∂score/∂chart‖²
//                    · gp_factor/2; backward of (adv + gp)·weight/A
//   generator pass:  feature matching Σ_scales Σ_maps |pred map − true map|.mean() (true maps
//                    without grad), pixel MSE, adversarial Σ softplus(−pred score).mean(), KL;
//                    backward of (fm·fm_f + pixel·pixel_f + adv·gan_f + kl·kl_f)·weight/A
//
// A = grad_accum_steps, `weight` = the shard's share of the global batch. Gradients accumulate
// in the parameters' .grad; as in the reference the critic is not frozen during the generator
// pass, so critic weights receive gradients then too (they stay until the critic's optimizer
// clears them). Six weights never get a gradient: the last WaveNet layer's `res` conv of each
// block (its output is unused); their .grad stays undefined, and the reference's Muon skips them.
//
// Parameter names are the Lightning state_dict keys ("encoder.…", "decoder.…", "align_audio.…",
// "critic.…"). The modules stay in training mode (the reference trains and validates the same
// weights; its eval mode differs only by the critic's dropout, which validation does not use).
#pragma once

#include <torch/nn/module.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "latent/checkpoint/architecture.hpp"
#include "latent/checkpoint/checkpoint.hpp"
#include "latent/model.hpp"
#include "latent/trainer_plugin.hpp"
#include "latent/training/modules.hpp"

namespace cartography::latent::training {

// The shape part of the hyper-parameters. Throws std::invalid_argument on a value out of range.
LatentArchitecture architecture_of(const LatentHyperParams& hp);

struct ForwardResult {
  torch::Tensor pred_chart;  // [B, 9, L]
  torch::Tensor kl;          // scalar
};

// The bottleneck noise of one window, [emb_dim, latent_length] float32 on the CPU, from its own
// generator seeded by (key, pass): independent of the rank that holds the window and of any
// global RNG. `pass` tells the draws of one window apart (e.g. critic pass i, generator pass).
torch::Tensor window_noise(uint64_t key, uint64_t pass, int64_t emb_dim, int64_t latent_length);

class TrainingModelImpl : public torch::nn::Module {
 public:
  // Random weights from `seed` as the reference initialises them (N(0,1) for magnitude-
  // preserving weights and Sum logits, Gain 0, PyTorch's default for the bottleneck's plain
  // convs), Sum logits then renormalised twice as the reference's first training forwards do;
  // on `device`. Throws std::invalid_argument for bad hyper-parameters.
  TrainingModelImpl(const LatentHyperParams& hp, uint64_t seed, const torch::Device& device = torch::kCPU);

  // Copies all four parts' weights from a Lightning checkpoint (CheckpointError names the file
  // and the key). `resume`: renormalise the Sum logits once, as the reference's first training
  // forward does to loaded logits (false keeps the stored values, as its eval mode sees them).
  void load(const Checkpoint& checkpoint, bool resume = true);

  // audio [B, 72, L], chart [B, 9, L], noise [B, emb_dim, ceil(L/chunk)] (on any device).
  ForwardResult forward(const torch::Tensor& audio, const torch::Tensor& chart, const torch::Tensor& noise);
  CriticLosses critic_backward(const torch::Tensor& audio, const torch::Tensor& chart, const torch::Tensor& noise,
                               double weight);
  GeneratorLosses generator_backward(const torch::Tensor& audio, const torch::Tensor& chart,
                                     const torch::Tensor& noise, double weight);
  // val/l2_rec: mean (chart − pred_chart)², without gradients.
  double validate(const torch::Tensor& audio, const torch::Tensor& chart, const torch::Tensor& noise);

  // The optimizer groups' parameters in state_dict order (configure_optimizers: the critic's;
  // the encoder's, decoder's and align_audio's).
  std::vector<torch::Tensor> group_parameters(TrainerGroup group) const;
  std::vector<std::pair<std::string, torch::Tensor>> group_named_parameters(TrainerGroup group) const;
  // Every weight by state_dict key, in state_dict order (for saving).
  std::vector<std::pair<std::string, torch::Tensor>> named_state() const;

  int64_t chunk() const { return arch_.chunk(); }
  int64_t emb_dim() const { return arch_.emb_dim; }
  const LatentHyperParams& hyper_params() const { return hp_; }
  const torch::Device& device() const { return device_; }
  // Draws [B, emb_dim, ceil(frames/chunk)] from window_noise(keys[b], pass), on the model's device.
  torch::Tensor batch_noise(const std::vector<uint64_t>& keys, uint64_t pass, int64_t frames) const;

  Encoder encoder{nullptr};
  Decoder decoder{nullptr};
  AudioEncoder align_audio{nullptr};
  MultiScaleCritic critic{nullptr};

 private:
  void randomize(uint64_t seed);
  void normalize_sum_logits();
  void check_critic_length(int64_t frames) const;
  void check_inputs(const torch::Tensor& audio, const torch::Tensor& chart, const torch::Tensor& noise) const;

  LatentHyperParams hp_;
  LatentArchitecture arch_;
  torch::Device device_;
};
TORCH_MODULE(TrainingModel);

}  // namespace cartography::latent::training
