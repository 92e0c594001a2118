// The parts of the osu-dreamer latent model that only training needs, as libtorch modules:
// the audio FiLM head `align_audio` (reference: latent_model/modules/audio.py) and the
// multi-scale critic (latent_model/modules/critic.py), both fed by SpecFeatures
// (modules/spec_features.py). Children are registered under the reference's nn.Sequential /
// ModuleList names, so named_parameters() are the Lightning state_dict keys below "align_audio."
// and "critic.". These modules always run in training form: every magnitude-preserving weight
// is normalised from its stored value on each call, with autograd (the reference's
// get_normed_weight); the only train/eval difference left, the critic's dropout, follows
// is_training().
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>

#include <vector>

#include "latent/model.hpp"

namespace cartography::latent::training {

// Conv2d without bias, stride 1, no padding, with the magnitude-preserving weight.
class MPConv2dImpl : public torch::nn::Module {
 public:
  MPConv2dImpl(int64_t in, int64_t out, int64_t kernel);
  torch::Tensor forward(const torch::Tensor& x) const;
  torch::Tensor weight;  // [out, in, kernel, kernel]
};
TORCH_MODULE(MPConv2d);

// x · g with a learned scalar g (initialised to 0, so a fresh head starts silent).
class GainImpl : public torch::nn::Module {
 public:
  GainImpl();
  torch::Tensor forward(const torch::Tensor& x) const { return x * g; }
  torch::Tensor g;
};
TORCH_MODULE(Gain);

// Conv1x1 then Gain: Sequential "0", "1".
class GainedConvImpl : public torch::nn::Module {
 public:
  GainedConvImpl(int64_t in, int64_t out);
  torch::Tensor forward(const torch::Tensor& x) const { return gain->forward(conv->forward(x)); }
  MPConv1d conv{nullptr};
  Gain gain{nullptr};
};
TORCH_MODULE(GainedConv);

// Feature-wise modulation of x [B, X, ≥L] by features a [B, H, L]:
// beta(a) + (1 + gamma(a)) · x[:, :, :L], each branch a gained 1×1 conv ("gamma", "beta").
class FiLMImpl : public torch::nn::Module {
 public:
  FiLMImpl(int64_t dim, int64_t h_dim);
  torch::Tensor forward(const torch::Tensor& a, const torch::Tensor& x) const;
  GainedConv gamma{nullptr}, beta{nullptr};
};
TORCH_MODULE(FiLM);

// A depthwise MP conv applied along one axis of [B, H, F, L]: along time (frequency rows folded
// into the batch, the reference's '(b f) h l') or along frequency ('(b l) h f').
class SepConvImpl : public torch::nn::Module {
 public:
  enum class Axis { Time, Frequency };
  SepConvImpl(Axis axis, int64_t h_dim, int64_t kernel, MPConvGeometry geometry);
  torch::Tensor forward(const torch::Tensor& x) const;
  Axis axis;
  MPConv1d conv{nullptr};  // "conv"
};
TORCH_MODULE(SepConv);

// Spectrogram features [B, A, L] → [B, h, L]: a 1×1 Conv2d lifts the bins to h channels, then
// three rounds of (time conv t, Conv2d 1×1, SiLU', frequency conv f stride f, Conv2d 1×1, SiLU')
// with (t, f) = (3, 3), (5, 4), (9, 6) reduce 72 bins to 1. Sequential indices: "1" the lift,
// round r at 2+6r ("conv" child), 3+6r, 5+6r, 6+6r (SiLUs and rearranges hold no weights).
class SpecFeaturesImpl : public torch::nn::Module {
 public:
  explicit SpecFeaturesImpl(int64_t h_dim);
  torch::Tensor forward(const torch::Tensor& a) const;
  MPConv2d lift{nullptr};
  std::vector<SepConv> seps;     // time, frequency, time, frequency, ...
  std::vector<MPConv2d> mixes;   // the 1×1 Conv2d after each SepConv
};
TORCH_MODULE(SpecFeatures);

// align_audio: decoder output x [B, H, ≥L] and audio a [B, A, L] → chart [B, X, L]:
// FiLM(SpecFeatures(a), x), then depthwise conv 5 → Conv1x1(H→X) → Gain ("decoder" 0, 1, 2).
class AudioEncoderImpl : public torch::nn::Module {
 public:
  AudioEncoderImpl(int64_t out_dim, int64_t in_dim, int64_t h_dim);
  torch::Tensor forward(const torch::Tensor& a, const torch::Tensor& x) const;
  SpecFeatures encoder{nullptr};
  FiLM film{nullptr};
  MPConv1d depth{nullptr}, out{nullptr};
  Gain gain{nullptr};
};
TORCH_MODULE(AudioEncoder);

struct CriticConvSpec {
  int64_t out_dim, kernel, stride, groups;
};

// One scale's critic: per spec an MP conv (no padding) → SiLU' → dropout ("convs.i.0"), then a
// 1×1 conv to one channel ("convs.N"). Returns every conv's output; the last is the score.
class CriticImpl : public torch::nn::Module {
 public:
  CriticImpl(int64_t dim, const std::vector<CriticConvSpec>& convs, double dropout);
  std::vector<torch::Tensor> forward(torch::Tensor x) const;
  std::vector<MPConv1d> convs;
  double dropout;
};
TORCH_MODULE(Critic);

// Scale 0 sees FiLM(SpecFeatures(a), x); each further scale avg_pool1d(4, 2, 1) of the previous
// scale's input. Returns the feature maps of every scale.
class MultiScaleCriticImpl : public torch::nn::Module {
 public:
  MultiScaleCriticImpl(int64_t dim, int64_t spec_features, int64_t scales, const std::vector<CriticConvSpec>& convs,
                       double dropout);
  std::vector<std::vector<torch::Tensor>> forward(const torch::Tensor& a, torch::Tensor x) const;
  SpecFeatures encoder{nullptr};
  FiLM film{nullptr};
  std::vector<Critic> critics;
};
TORCH_MODULE(MultiScaleCritic);

}  // namespace cartography::latent::training
