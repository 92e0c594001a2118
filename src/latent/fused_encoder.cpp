#include "latent/fused_encoder.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <cmath>

#include "latent/kernels.hpp"

namespace cartography::latent {
namespace {

// a @ b for 1×1 conv weights [O, K, 1] @ [K, C, 1] → [O, C, 1], in double, then float.
at::Tensor compose(const at::Tensor& a, const at::Tensor& b) {
  return at::matmul(a.squeeze(-1).to(at::kDouble), b.squeeze(-1).to(at::kDouble)).to(at::kFloat).unsqueeze(-1);
}

at::Tensor scaled(const at::Tensor& w, double factor) {
  return (w.to(at::kDouble) * factor).to(at::kFloat).contiguous();
}

// Kernel 2s 'same' then AvgPool(s) = one strided kernel of 3s−1 taps:
// w_eff[o] = (1/s)·Σ_{m<s} w[o−m].
at::Tensor pooled_taps(const at::Tensor& depthwise, int64_t s) {
  const at::Tensor w = depthwise.reshape({depthwise.size(0), 2 * s}).to(at::kDouble);
  at::Tensor eff = at::zeros({w.size(0), 3 * s - 1}, w.options());
  for (int64_t m = 0; m < s; ++m) eff.narrow(1, m, 2 * s).add_(w);
  return (eff / static_cast<double>(s)).to(at::kFloat).contiguous();
}

int64_t grain_for(int64_t frames) { return std::max<int64_t>(1, 65536 / std::max<int64_t>(frames, 1)); }

}  // namespace

at::Tensor pointwise(const at::Tensor& weight, const at::Tensor& x, const at::Tensor& bias) {
  const at::Tensor x3 = x.unsqueeze(0);
  c10::optional<at::Tensor> b;
  if (bias.defined()) b = bias;
  if (x.is_cpu() && at::hasMKLDNN() && at::globalContext().userEnabledMkldnn())
    return at::mkldnn_convolution(x3, weight, b, {0}, {1}, {1}, 1).squeeze(0);
  return at::conv1d(x3, weight, bias).squeeze(0);
}

FusedEncoder::FusedEncoder(const Encoder& encoder, const LatentArchitecture& arch) : arch_(arch) {
  c10::InferenceMode guard;
  constexpr double t = 0.3;  // WaveNet residual blend
  const double norm = 1.0 / std::sqrt((1 - t) * (1 - t) + t * t);
  residual_keep_ = (1 - t) * norm;
  in_ = encoder->in->normed_weight().contiguous();

  const auto& trunk = encoder->trunk;
  for (size_t i = 0; i < trunk->blocks.size(); ++i) {
    const WaveNet& block = trunk->blocks[i];
    const DownStage& down = trunk->downs[i];
    Stage stage;
    stage.stride = down->stride;
    const at::Tensor w = block->sum->weights().to(at::kDouble);
    const at::Tensor skip_coef = w / w.pow(2).sum().sqrt() / 0.542;
    std::vector<at::Tensor> skips;
    for (size_t k = 0; k < block->layers.size(); ++k) {
      const WaveNetLayer& layer = block->layers[k];
      Layer fused;
      fused.dilation = layer->filter->depth->dilation();
      fused.filter_gate = at::cat({layer->filter->point->normed_weight(), layer->gate->point->normed_weight()}, 0).contiguous();
      fused.filter_taps = layer->filter->depth->normed_weight().reshape({-1, 3}).contiguous();
      fused.gate_taps = layer->gate->depth->normed_weight().reshape({-1, 3}).contiguous();
      if (k + 1 < block->layers.size()) fused.res = scaled(layer->res->normed_weight(), norm * t / 0.542);
      skips.push_back(scaled(layer->skip->normed_weight(), skip_coef[static_cast<int64_t>(k)].item<double>()));
      stage.layers.push_back(std::move(fused));
    }
    stage.skip = at::cat(skips, 1).contiguous();
    stage.stage_in = scaled(compose(down->in->normed_weight(), block->out_conv->normed_weight()), 1 / 0.596);
    stage.pool_taps = pooled_taps(down->depth->normed_weight(), stage.stride);
    stage.stage_out = scaled(down->out->normed_weight(), 1 / 0.596);
    stages_.push_back(std::move(stage));
  }
  const auto& bottleneck = encoder->bottleneck;
  const at::Tensor mu_logvar = at::cat({bottleneck->mu->weight, bottleneck->logvar->weight}, 0).detach();
  head_ = compose(mu_logvar, stages_.back().stage_out).contiguous();
  head_bias_ = at::cat({bottleneck->mu->bias, bottleneck->logvar->bias}, 0).detach().contiguous();
}

at::Tensor FusedEncoder::forward(const at::Tensor& x, const std::vector<int64_t>& input_bounds) const {
  c10::InferenceMode guard;
  TORCH_CHECK(x.is_cpu() && x.dim() == 2 && x.size(0) == arch_.x_dim && x.scalar_type() == at::kFloat,
              "FusedEncoder needs a [9, T] float32 CPU tensor");
  TORCH_CHECK(!input_bounds.empty() && input_bounds.front() == 0 && input_bounds.back() == x.size(1),
              "segment bounds must span the input");
  std::vector<int64_t> bounds = input_bounds;
  for (int64_t b : bounds) TORCH_CHECK(b % arch_.chunk() == 0, "segment bounds must be multiples of the chunk");

  at::Tensor h = pointwise(in_, x.contiguous());
  at::Tensor out;
  for (size_t si = 0; si < stages_.size(); ++si) {
    const Stage& stage = stages_[si];
    const int64_t T = h.size(1);
    const kernels::Segments seg{bounds.data(), static_cast<int64_t>(bounds.size()) - 1};
    const int64_t hidden = stage.layers.front().filter_taps.size(0);
    // Gated activations of every layer, stacked, feed the block's single skip GEMM.
    at::Tensor acts = at::empty({static_cast<int64_t>(stage.layers.size()) * hidden, T}, h.options());
    for (size_t k = 0; k < stage.layers.size(); ++k) {
      const Layer& layer = stage.layers[k];
      at::Tensor act = acts.narrow(0, static_cast<int64_t>(k) * hidden, hidden);
      {
        const at::Tensor u = pointwise(layer.filter_gate, h);
        const float* up = u.data_ptr<float>();
        float* ap = act.data_ptr<float>();
        const float* wf = layer.filter_taps.data_ptr<float>();
        const float* wg = layer.gate_taps.data_ptr<float>();
        at::parallel_for(0, hidden, grain_for(T), [&](int64_t c0, int64_t c1) {
          kernels::gated_dilated_conv(up, hidden, T, seg, layer.dilation, wf, wg, ap, c0, c1);
        });
      }
      // x ← (1−t)/n·x + (t/n)·res(h): the scaled res GEMM plus the kept part of x.
      if (layer.res.defined()) h = pointwise(layer.res, act).add_(h, residual_keep_);
    }
    h.reset();
    at::Tensor s = pointwise(stage.skip, acts);
    acts.reset();
    {
      float* sp = s.data_ptr<float>();
      at::parallel_for(0, s.numel(), 65536, [&](int64_t b, int64_t e) { kernels::silu_inplace(sp, b, e); });
    }
    const at::Tensor v = pointwise(stage.stage_in, s);
    s.reset();
    const int64_t hidden_down = v.size(0), stride = stage.stride;
    at::Tensor pooled = at::empty({hidden_down, T / stride}, v.options());
    {
      const float* vp = v.data_ptr<float>();
      float* pp = pooled.data_ptr<float>();
      const float* taps = stage.pool_taps.data_ptr<float>();
      at::parallel_for(0, hidden_down, grain_for(T), [&](int64_t c0, int64_t c1) {
        kernels::pooled_conv_silu(vp, hidden_down, T, seg, stride, taps, pp, c0, c1);
      });
    }
    for (int64_t& b : bounds) b /= stride;
    if (si + 1 < stages_.size()) h = pointwise(stage.stage_out, pooled);
    else out = pointwise(head_, pooled, head_bias_);
  }
  return out;
}

}  // namespace cartography::latent
