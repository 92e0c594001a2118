// The osu-dreamer latent model (eval mode) as libtorch modules that read like SPEC §8:
//
//   encoder = Conv1x1(9→H) → Encoder(H) → GaussianBottleneck(H→D)
//   Encoder = per stride s: WaveNet(H), then Down(s) = Conv1x1 → DepthwiseConv(2s, 'same')
//             → AvgPool(s) → SiLU' → Conv1x1
//   decoder = PixelNorm → Conv1x1(D→H) → per stride (reversed): Up(s) = Conv1x1 →
//             LinearUpsample(s) → DepthwiseConv(2s, 'same') → SiLU' → Conv1x1, then WaveNet(H)
//
// Child modules are registered under the names the reference's nn.Sequential/ModuleList give
// them, so `named_parameters()` are exactly the checkpoint's state_dict keys
// ("encoder.1.blocks.0.layers.0.filter.0.weight", ...). Magnitude-preserving weights are
// normalised once after loading (the reference renormalises on every forward call in eval).
// In training mode (is_training(), used by training/training_model.hpp) the MP layers instead
// derive the normalised weight from `weight` on every call, with autograd, as the reference's
// get_normed_weight does.
// These modules run on any device; fused_encoder.hpp is the faster CPU inference path built
// from them.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>

#include <utility>
#include <vector>

#include "latent/checkpoint/architecture.hpp"
#include "latent/checkpoint/checkpoint.hpp"

namespace cartography::latent {

// ---- magnitude-preserving fixed functions (Karras et al. 2023, arXiv:2312.02696) ----
// Each divides by the activation's expected output magnitude for unit-variance input.
torch::Tensor mp_silu(const torch::Tensor& x);     // silu(x) / 0.596
torch::Tensor mp_sigmoid(const torch::Tensor& x);  // sigmoid(x) / 0.542
// ((1-t)·a + t·b) / sqrt((1-t)² + t²): a residual blend that keeps unit variance.
torch::Tensor mp_add(const torch::Tensor& a, const torch::Tensor& b, double t);
// x / (1e-4 + ‖x‖_channels / sqrt(C)) per time step.
torch::Tensor pixel_norm(const torch::Tensor& x);
// The reference's normalize(): x / (1e-4 + ‖x‖·sqrt(norm count / element count)), the norm
// over `dims` (every dimension when empty), i.e. scaled to unit RMS.
torch::Tensor mp_normalize(const torch::Tensor& x, at::IntArrayRef dims);
// A magnitude-preserving layer's effective weight: mp_normalize(w) over all dimensions but the
// first (each output unit), divided by sqrt(fan_in = w[0].numel()). Differentiable.
torch::Tensor mp_weight(const torch::Tensor& w);

// The geometry of a strided MP convolution (padding on both sides).
struct MPConvGeometry {
  int64_t stride = 1, padding = 0, groups = 1;
};

// Conv1d without bias whose weight is used as w_o / (1e-4 + ‖w_o‖·sqrt(1/fan_in)) / sqrt(fan_in)
// for each output channel o (fan_in = in/groups × kernel).
class MPConv1dImpl : public torch::nn::Module {
 public:
  enum class Padding { None, Same };
  MPConv1dImpl(int64_t in, int64_t out, int64_t kernel, int64_t dilation = 1,
               Padding padding = Padding::None, int64_t groups = 1);
  MPConv1dImpl(int64_t in, int64_t out, int64_t kernel, MPConvGeometry geometry);
  // Training mode: the weight is normalised from `weight` here (differentiable); eval: the
  // prepared one.
  torch::Tensor forward(const torch::Tensor& x) const;
  // Computes the normalised weight from `weight`; call after loading.
  void prepare();
  const torch::Tensor& normed_weight() const { return normed_; }
  int64_t dilation() const { return dilation_; }

  torch::Tensor weight;  // [out, in/groups, kernel], as stored in the checkpoint

 private:
  int64_t dilation_, groups_, stride_ = 1, pad_left_ = 0, pad_right_ = 0;
  torch::Tensor normed_;
};
TORCH_MODULE(MPConv1d);

// Σ_k w_k·s_k / sqrt(Σ_k w_k²) with w = softmax(normalize(logits)) over the whole vector.
class MPSumImpl : public torch::nn::Module {
 public:
  explicit MPSumImpl(int64_t n);
  // Training mode: the weights come from `weight_logits` here (differentiable); eval: prepared.
  torch::Tensor forward(const std::vector<torch::Tensor>& xs) const;
  void prepare();
  const torch::Tensor& weights() const { return weights_; }  // softmax(normalize(logits))
  // logits ← mp_normalize(logits), without autograd. The reference does this in place on a
  // training forward while the tensor's version counter is below 2 (get_normed_weight): twice
  // for fresh logits (torch.randn: version 0), once for loaded ones (copy_: version 1). The MP
  // conv weights are never renormalised so (kaiming init then normal_ leave them at version 2).
  void normalize_logits_in_place();

  torch::Tensor weight_logits;

 private:
  torch::Tensor weights_;
};
TORCH_MODULE(MPSum);

// A 1×1 conv into a depthwise conv of kernel 3 and dilation d ('filter' and 'gate' branches).
class PointDepthImpl : public torch::nn::Module {
 public:
  PointDepthImpl(int64_t dim, int64_t hidden, int64_t dilation);
  torch::Tensor forward(const torch::Tensor& x) const { return depth->forward(point->forward(x)); }
  MPConv1d point{nullptr}, depth{nullptr};  // "0", "1"
};
TORCH_MODULE(PointDepth);

// h = filter(x) · sigmoid'(gate(x)); returns (res(h), skip(h)).
class WaveNetLayerImpl : public torch::nn::Module {
 public:
  WaveNetLayerImpl(int64_t dim, int64_t dilation, int64_t expand);
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x) const;
  PointDepth filter{nullptr}, gate{nullptr};
  MPConv1d res{nullptr}, skip{nullptr};
};
TORCH_MODULE(WaveNetLayer);

// Layers with dilations 1, 2, ..., 2^(depth-1), repeated per stack; x ← add(x, res, t=0.3);
// output conv1x1(SiLU'(Sum(skips))).
class WaveNetImpl : public torch::nn::Module {
 public:
  WaveNetImpl(int64_t dim, int64_t num_stacks, int64_t stack_depth, int64_t expand);
  torch::Tensor forward(torch::Tensor x) const;
  std::vector<WaveNetLayer> layers;
  MPSum sum{nullptr};           // "out.0"
  MPConv1d out_conv{nullptr};   // "out.2"
};
TORCH_MODULE(WaveNet);

// Conv1x1 → DepthwiseConv(2s, 'same') → AvgPool(s) → SiLU' → Conv1x1 ("0", "1", "4").
class DownStageImpl : public torch::nn::Module {
 public:
  DownStageImpl(int64_t dim, int64_t hidden, int64_t stride);
  torch::Tensor forward(const torch::Tensor& x) const;
  int64_t stride;
  MPConv1d in{nullptr}, depth{nullptr}, out{nullptr};
};
TORCH_MODULE(DownStage);

// Conv1x1 → LinearUpsample(s) → DepthwiseConv(2s, 'same') → SiLU' → Conv1x1 ("0", "2", "4").
class UpStageImpl : public torch::nn::Module {
 public:
  UpStageImpl(int64_t dim, int64_t hidden, int64_t stride);
  torch::Tensor forward(const torch::Tensor& x) const;
  int64_t stride;
  MPConv1d in{nullptr}, depth{nullptr}, out{nullptr};
};
TORCH_MODULE(UpStage);

class EncoderTrunkImpl : public torch::nn::Module {
 public:
  explicit EncoderTrunkImpl(const LatentArchitecture& a);
  torch::Tensor forward(torch::Tensor x) const;
  std::vector<WaveNet> blocks;
  std::vector<DownStage> downs;
};
TORCH_MODULE(EncoderTrunk);

class DecoderTrunkImpl : public torch::nn::Module {
 public:
  explicit DecoderTrunkImpl(const LatentArchitecture& a);
  torch::Tensor forward(torch::Tensor x) const;
  std::vector<WaveNet> blocks;
  std::vector<UpStage> ups;
};
TORCH_MODULE(DecoderTrunk);

// Ordinary 1×1 convolutions with bias for the posterior mean and log-variance.
class GaussianBottleneckImpl : public torch::nn::Module {
 public:
  GaussianBottleneckImpl(int64_t h_dim, int64_t emb_dim);
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& h) const;
  torch::nn::Conv1d mu{nullptr}, logvar{nullptr};
};
TORCH_MODULE(GaussianBottleneck);

// encoder = Conv1x1(9→H) "0" → EncoderTrunk "1" → GaussianBottleneck "2".
class EncoderImpl : public torch::nn::Module {
 public:
  explicit EncoderImpl(const LatentArchitecture& a);
  // x: [B, 9, L] with L a multiple of the chunk → (mu, logvar) [B, D, L/chunk].
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x) const;
  MPConv1d in{nullptr};
  EncoderTrunk trunk{nullptr};
  GaussianBottleneck bottleneck{nullptr};
};
TORCH_MODULE(Encoder);

// decoder = PixelNorm "0" → Conv1x1(D→H) "1" → DecoderTrunk "2" (before the audio FiLM head).
class DecoderImpl : public torch::nn::Module {
 public:
  explicit DecoderImpl(const LatentArchitecture& a);
  torch::Tensor forward(const torch::Tensor& z) const;  // [B, D, l] → [B, H, l·chunk]
  MPConv1d in{nullptr};
  DecoderTrunk trunk{nullptr};
};
TORCH_MODULE(Decoder);

// The parts of the latent model this project runs: "encoder" and, optionally, "decoder".
class LatentModelImpl : public torch::nn::Module {
 public:
  LatentModelImpl(const LatentArchitecture& a, bool with_decoder);
  // Copies every parameter from the checkpoint (same key, same shape, else CheckpointError)
  // and prepares the normalised weights. Inference only: gradients are disabled.
  void load(const Checkpoint& checkpoint, const torch::Device& device = torch::kCPU);
  // Random weights as the reference initialises them (N(0, 1) for magnitude-preserving
  // weights and sum logits), from `seed`: the full-size model for benchmarks, without a file.
  void randomize(uint64_t seed, const torch::Device& device = torch::kCPU);
  const LatentArchitecture& architecture() const { return arch_; }

  Encoder encoder{nullptr};
  Decoder decoder{nullptr};  // null without decoder

 private:
  void prepare(const torch::Device& device);
  LatentArchitecture arch_;
};
TORCH_MODULE(LatentModel);

// Random weights as the reference initialises them, from `seed` (a CPU generator, parameters in
// named order): N(0, 1) for magnitude-preserving weights and Sum logits, 0 for Gain scalars
// (keys ending ".g"), and PyTorch's default U(±1/sqrt(plain_fan_in)) for the bottleneck's
// ordinary convs (keys containing ".mu." or ".logvar.").
void randomize_parameters(torch::nn::Module& module, uint64_t seed, int64_t plain_fan_in);

// Copies every named parameter of `module` from the checkpoint's tensor of the same key (same
// shape, finite values, else CheckpointError naming the key; `what` names the model in the
// message) onto the parameter's device. Does not touch requires_grad.
void load_parameters(torch::nn::Module& module, const Checkpoint& checkpoint, const std::string& what);

// Right-pads the frame axis of [B, C, L] with zeros to a multiple of `chunk`.
torch::Tensor pad_to_chunk(const torch::Tensor& x, int64_t chunk);

}  // namespace cartography::latent
