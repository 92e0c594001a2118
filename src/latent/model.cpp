#include "latent/model.hpp"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/nn/functional/padding.h>
#include <torch/utils.h>

#include <cmath>
#include <numeric>

namespace cartography::latent {

torch::Tensor mp_silu(const torch::Tensor& x) { return at::silu(x) / 0.596; }
torch::Tensor mp_sigmoid(const torch::Tensor& x) { return at::sigmoid(x) / 0.542; }

torch::Tensor mp_add(const torch::Tensor& a, const torch::Tensor& b, double t) {
  return (a * (1 - t) + b * t) * std::pow((1 - t) * (1 - t) + t * t, -0.5);
}

// Scales by the RMS instead of the plain norm (norm count / element count).
torch::Tensor mp_normalize(const torch::Tensor& x, at::IntArrayRef dims) {
  torch::Tensor norm = at::linalg_vector_norm(x, 2, dims, /*keepdim=*/true, at::kFloat);
  const double alpha = std::sqrt(static_cast<double>(norm.numel()) / static_cast<double>(x.numel()));
  norm = at::add(at::scalar_tensor(1e-4, norm.options()), norm, alpha);
  return x / norm;
}

namespace {

std::vector<int64_t> all_but_first(const torch::Tensor& x) {
  std::vector<int64_t> dims(static_cast<size_t>(x.dim() - 1));
  std::iota(dims.begin(), dims.end(), int64_t{1});
  return dims;
}

}  // namespace

torch::Tensor mp_weight(const torch::Tensor& w) {
  // A 1-D weight (Sum's logits) is normalised as a whole: w[0] is a scalar, fan_in 1.
  return mp_normalize(w, all_but_first(w)) / std::sqrt(static_cast<double>(w[0].numel()));
}

torch::Tensor pixel_norm(const torch::Tensor& x) { return mp_normalize(x, {1}); }

torch::Tensor pad_to_chunk(const torch::Tensor& x, int64_t chunk) {
  const int64_t pad = (chunk - x.size(-1) % chunk) % chunk;
  return pad ? at::constant_pad_nd(x, {0, pad}, 0) : x;
}

// ---- MPConv1d ----

MPConv1dImpl::MPConv1dImpl(int64_t in, int64_t out, int64_t kernel, int64_t dilation, Padding padding,
                           int64_t groups)
    : dilation_(dilation), groups_(groups) {
  weight = register_parameter("weight", torch::zeros({out, in / groups, kernel}), /*requires_grad=*/false);
  if (padding == Padding::Same) {
    // PyTorch's 'same' rule, also for even kernels: left = total // 2, right = the rest.
    const int64_t total = dilation * (kernel - 1);
    pad_left_ = total / 2;
    pad_right_ = total - pad_left_;
  }
}

MPConv1dImpl::MPConv1dImpl(int64_t in, int64_t out, int64_t kernel, MPConvGeometry g)
    : MPConv1dImpl(in, out, kernel, 1, Padding::None, g.groups) {
  stride_ = g.stride;
  pad_left_ = pad_right_ = g.padding;
}

void MPConv1dImpl::prepare() { normed_ = mp_weight(weight.detach()); }

torch::Tensor MPConv1dImpl::forward(const torch::Tensor& x) const {
  TORCH_CHECK(is_training() || normed_.defined(), "MPConv1d used in eval mode before prepare()");
  const torch::Tensor w = is_training() ? mp_weight(weight) : normed_;
  const int64_t zero = 0;
  if (pad_left_ == pad_right_)
    return at::conv1d(x, w, {}, at::IntArrayRef(stride_), at::IntArrayRef(pad_left_), at::IntArrayRef(dilation_), groups_);
  return at::conv1d(at::constant_pad_nd(x, {pad_left_, pad_right_}, 0), w, {}, at::IntArrayRef(stride_),
                    at::IntArrayRef(zero), at::IntArrayRef(dilation_), groups_);
}

// ---- MPSum ----

MPSumImpl::MPSumImpl(int64_t n) {
  weight_logits = register_parameter("weight_logits", torch::zeros({n}), false);
}

void MPSumImpl::normalize_logits_in_place() {
  torch::NoGradGuard no_grad;
  weight_logits.copy_(mp_normalize(weight_logits, {}));
}

void MPSumImpl::prepare() { weights_ = at::softmax(mp_weight(weight_logits.detach()), 0); }

torch::Tensor MPSumImpl::forward(const std::vector<torch::Tensor>& xs) const {
  const torch::Tensor w = is_training() ? at::softmax(mp_weight(weight_logits), 0) : weights_;
  const torch::Tensor weighted = (at::stack(xs, -1) * w).sum(-1);
  return weighted * w.pow(2).sum().pow(-0.5);
}

// ---- WaveNet ----

PointDepthImpl::PointDepthImpl(int64_t dim, int64_t hidden, int64_t dilation) {
  point = register_module("0", MPConv1d(dim, hidden, 1));
  depth = register_module("1", MPConv1d(hidden, hidden, 3, dilation, MPConv1dImpl::Padding::Same, hidden));
}

WaveNetLayerImpl::WaveNetLayerImpl(int64_t dim, int64_t dilation, int64_t expand) {
  const int64_t hidden = dim * expand;
  filter = register_module("filter", PointDepth(dim, hidden, dilation));
  gate = register_module("gate", PointDepth(dim, hidden, dilation));
  res = register_module("res", MPConv1d(hidden, dim, 1));
  skip = register_module("skip", MPConv1d(hidden, dim, 1));
}

std::pair<torch::Tensor, torch::Tensor> WaveNetLayerImpl::forward(const torch::Tensor& x) const {
  const torch::Tensor h = filter->forward(x) * mp_sigmoid(gate->forward(x));
  return {res->forward(h), skip->forward(h)};
}

WaveNetImpl::WaveNetImpl(int64_t dim, int64_t num_stacks, int64_t stack_depth, int64_t expand) {
  auto list = register_module("layers", torch::nn::ModuleList());
  for (int64_t s = 0; s < num_stacks; ++s)
    for (int64_t d = 0; d < stack_depth; ++d) {
      layers.push_back(WaveNetLayer(dim, int64_t{1} << d, expand));
      list->push_back(layers.back());
    }
  // out = Sequential(Sum "0", SiLU "1", Conv1x1 "2").
  auto out = register_module("out", std::make_shared<torch::nn::Module>());
  sum = out->register_module("0", MPSum(static_cast<int64_t>(layers.size())));
  out_conv = out->register_module("2", MPConv1d(dim, dim, 1));
}

torch::Tensor WaveNetImpl::forward(torch::Tensor x) const {
  std::vector<torch::Tensor> skips;
  for (const WaveNetLayer& layer : layers) {
    auto [res, skip] = layer->forward(x);
    x = mp_add(x, res, 0.3);
    skips.push_back(std::move(skip));
  }
  return out_conv->forward(mp_silu(sum->forward(skips)));
}

// ---- down / up stages ----

DownStageImpl::DownStageImpl(int64_t dim, int64_t hidden, int64_t s) : stride(s) {
  in = register_module("0", MPConv1d(dim, hidden, 1));
  depth = register_module("1", MPConv1d(hidden, hidden, 2 * s, 1, MPConv1dImpl::Padding::Same, hidden));
  out = register_module("4", MPConv1d(hidden, dim, 1));
}

torch::Tensor DownStageImpl::forward(const torch::Tensor& x) const {
  torch::Tensor h = depth->forward(in->forward(x));
  h = at::avg_pool1d(h, {stride});
  return out->forward(mp_silu(h));
}

UpStageImpl::UpStageImpl(int64_t dim, int64_t hidden, int64_t s) : stride(s) {
  in = register_module("0", MPConv1d(dim, hidden, 1));
  depth = register_module("2", MPConv1d(hidden, hidden, 2 * s, 1, MPConv1dImpl::Padding::Same, hidden));
  out = register_module("4", MPConv1d(hidden, dim, 1));
}

torch::Tensor UpStageImpl::forward(const torch::Tensor& x) const {
  torch::Tensor h = in->forward(x);
  // nn.Upsample(scale_factor=s, mode='linear'), align_corners=False, scale passed through.
  const int64_t size = h.size(-1) * stride;
  h = at::upsample_linear1d(h, at::IntArrayRef(size), /*align_corners=*/false, c10::optional<double>(stride));
  return out->forward(mp_silu(depth->forward(h)));
}

// ---- trunks ----

EncoderTrunkImpl::EncoderTrunkImpl(const LatentArchitecture& a) {
  auto block_list = register_module("blocks", torch::nn::ModuleList());
  auto down_list = register_module("downs", torch::nn::ModuleList());
  for (int64_t s : a.strides) {
    blocks.push_back(WaveNet(a.h_dim, a.num_stacks, a.stack_depth, a.wavenet_expand));
    block_list->push_back(blocks.back());
    downs.push_back(DownStage(a.h_dim, a.h_dim * a.ae_expand, s));
    down_list->push_back(downs.back());
  }
}

torch::Tensor EncoderTrunkImpl::forward(torch::Tensor x) const {
  for (size_t i = 0; i < blocks.size(); ++i) x = downs[i]->forward(blocks[i]->forward(x));
  return x;
}

DecoderTrunkImpl::DecoderTrunkImpl(const LatentArchitecture& a) {
  auto block_list = register_module("blocks", torch::nn::ModuleList());
  auto up_list = register_module("ups", torch::nn::ModuleList());
  for (size_t i = 0; i < a.strides.size(); ++i) {
    blocks.push_back(WaveNet(a.h_dim, a.num_stacks, a.stack_depth, a.wavenet_expand));
    block_list->push_back(blocks.back());
    ups.push_back(UpStage(a.h_dim, a.h_dim * a.ae_expand, a.strides[a.strides.size() - 1 - i]));
    up_list->push_back(ups.back());
  }
}

torch::Tensor DecoderTrunkImpl::forward(torch::Tensor x) const {
  for (size_t i = 0; i < blocks.size(); ++i) x = blocks[i]->forward(ups[i]->forward(x));
  return x;
}

GaussianBottleneckImpl::GaussianBottleneckImpl(int64_t h_dim, int64_t emb_dim) {
  mu = register_module("mu", torch::nn::Conv1d(torch::nn::Conv1dOptions(h_dim, emb_dim, 1)));
  logvar = register_module("logvar", torch::nn::Conv1d(torch::nn::Conv1dOptions(h_dim, emb_dim, 1)));
}

std::pair<torch::Tensor, torch::Tensor> GaussianBottleneckImpl::forward(const torch::Tensor& h) const {
  return {at::conv1d(h, mu->weight, mu->bias), at::conv1d(h, logvar->weight, logvar->bias)};
}

EncoderImpl::EncoderImpl(const LatentArchitecture& a) {
  in = register_module("0", MPConv1d(a.x_dim, a.h_dim, 1));
  trunk = register_module("1", EncoderTrunk(a));
  bottleneck = register_module("2", GaussianBottleneck(a.h_dim, a.emb_dim));
}

std::pair<torch::Tensor, torch::Tensor> EncoderImpl::forward(const torch::Tensor& x) const {
  return bottleneck->forward(trunk->forward(in->forward(x)));
}

DecoderImpl::DecoderImpl(const LatentArchitecture& a) {
  // "0" is the parameter-free PixelNorm.
  in = register_module("1", MPConv1d(a.emb_dim, a.h_dim, 1));
  trunk = register_module("2", DecoderTrunk(a));
}

torch::Tensor DecoderImpl::forward(const torch::Tensor& z) const { return trunk->forward(in->forward(pixel_norm(z))); }

// ---- the model ----

LatentModelImpl::LatentModelImpl(const LatentArchitecture& a, bool with_decoder) : arch_(a) {
  encoder = register_module("encoder", Encoder(a));
  if (with_decoder) decoder = register_module("decoder", Decoder(a));
}

void load_parameters(torch::nn::Module& module, const Checkpoint& checkpoint, const std::string& what) {
  torch::NoGradGuard no_grad;
  for (auto& item : module.named_parameters(/*recurse=*/true)) {
    const std::string& key = item.key();
    torch::Tensor& param = item.value();
    const TensorRecord* record = checkpoint.find_tensor(key);
    if (!record) checkpoint.fail("state_dict has no " + key + " (needed by the " + what + " model)");
    if (record->shape != param.sizes().vec())
      checkpoint.fail(key + " has shape " + c10::str(c10::IntArrayRef(record->shape)) + ", the model expects " +
                      c10::str(param.sizes()));
    std::vector<float> values = checkpoint.read_float32(*record);
    for (float v : values)
      if (!std::isfinite(v)) checkpoint.fail(key + " holds a non-finite value");
    param.copy_(torch::from_blob(values.data(), param.sizes(), at::kFloat));
  }
}

void LatentModelImpl::load(const Checkpoint& checkpoint, const torch::Device& device) {
  load_parameters(*this, checkpoint, arch_.describe());
  for (auto& param : parameters()) param.set_requires_grad(false);
  prepare(device);
}

void randomize_parameters(torch::nn::Module& module, uint64_t seed, int64_t plain_fan_in) {
  torch::NoGradGuard no_grad;
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  const double bound = 1.0 / std::sqrt(static_cast<double>(plain_fan_in));
  for (auto& item : module.named_parameters(/*recurse=*/true)) {
    const std::string& key = item.key();
    torch::Tensor& param = item.value();
    const bool plain = key.find(".mu.") != std::string::npos || key.find(".logvar.") != std::string::npos;
    const bool gain = key.size() >= 2 && key.compare(key.size() - 2, 2, ".g") == 0;
    if (gain)
      param.zero_();
    else
      param.copy_(plain ? at::rand(param.sizes(), generator) * (2 * bound) - bound : at::randn(param.sizes(), generator));
  }
}

void LatentModelImpl::randomize(uint64_t seed, const torch::Device& device) {
  randomize_parameters(*this, seed, arch_.h_dim);
  for (auto& param : parameters()) param.set_requires_grad(false);
  prepare(device);
}

void LatentModelImpl::prepare(const torch::Device& device) {
  to(device);
  // Normalised weights are derived on the device that uses them (they are not parameters).
  for (const auto& module : modules(/*include_self=*/false)) {
    if (auto* conv = dynamic_cast<MPConv1dImpl*>(module.get())) conv->prepare();
    if (auto* sum = dynamic_cast<MPSumImpl*>(module.get())) sum->prepare();
  }
  eval();
}

}  // namespace cartography::latent
