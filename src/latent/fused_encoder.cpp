#include "latent/fused_encoder.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <cmath>

#include "latent/kernels.hpp"

namespace cartography::latent {
namespace {

// Conv weights [O, C, 1] → [O, C] in double, for folding.
at::Tensor as_matrix(const at::Tensor& w) { return w.reshape({w.size(0), -1}).to(at::kDouble); }

// a @ b in double by plain loops: libtorch would hand double matrices to the system BLAS, which
// on Debian is the unoptimised reference BLAS (~0.1 s per 360×360 product at load time).
at::Tensor product(const at::Tensor& a, const at::Tensor& b) {
  const at::Tensor A = a.contiguous(), B = b.contiguous();
  const int64_t O = A.size(0), K = A.size(1), C = B.size(1);
  TORCH_CHECK(B.size(0) == K, "inner dimensions differ");
  at::Tensor out = at::zeros({O, C}, A.options());
  const double* ap = A.data_ptr<double>();
  const double* bp = B.data_ptr<double>();
  double* op = out.data_ptr<double>();
  for (int64_t o = 0; o < O; ++o)
    for (int64_t k = 0; k < K; ++k) {
      const double aok = ap[o * K + k];
      for (int64_t c = 0; c < C; ++c) op[o * C + c] += aok * bp[k * C + c];
    }
  return out;
}

// The stored form of a folded 1×1 weight: [O, C, 1, 1] float32.
at::Tensor kernel(const at::Tensor& matrix) { return matrix.to(at::kFloat).reshape({matrix.size(0), matrix.size(1), 1, 1}).contiguous(); }

// Depthwise taps [C, 1, k] → tap-major [k, C].
at::Tensor taps(const at::Tensor& depthwise) { return depthwise.reshape({depthwise.size(0), -1}).t().contiguous(); }

// Kernel 2s 'same' then AvgPool(s) = one strided kernel of 3s−1 taps:
// w_eff[o] = (1/s)·Σ_{m<s} w[o−m]; tap-major [3s−1, C].
at::Tensor pooled_taps(const at::Tensor& depthwise, int64_t s) {
  const at::Tensor w = depthwise.reshape({depthwise.size(0), 2 * s}).to(at::kDouble);
  at::Tensor eff = at::zeros({w.size(0), 3 * s - 1}, w.options());
  for (int64_t m = 0; m < s; ++m) eff.narrow(1, m, 2 * s).add_(w);
  return (eff / static_cast<double>(s)).t().to(at::kFloat).contiguous();
}

// Frames per task: enough work per thread wake-up, small enough to balance two threads.
constexpr int64_t kGrainFrames = 256;

}  // namespace

at::Tensor pointwise(const at::Tensor& weight, const at::Tensor& x, const at::Tensor& bias) {
  const int64_t T = x.size(0), C = x.size(1);
  // [T, C] memory viewed as a [1, C, 1, T] image in channels-last layout.
  const at::Tensor image = x.view({1, 1, T, C}).permute({0, 3, 1, 2});
  c10::optional<at::Tensor> b;
  if (bias.defined()) b = bias;
  at::Tensor y;
  if (at::hasMKLDNN() && at::globalContext().userEnabledMkldnn())
    y = at::mkldnn_convolution(image, weight, b, {0, 0}, {1, 1}, {1, 1}, 1);
  else
    y = at::conv2d(image, weight, bias);
  return y.permute({0, 2, 3, 1}).reshape({T, weight.size(0)});  // a view when y is channels-last
}

FusedEncoder::FusedEncoder(const Encoder& encoder, const LatentArchitecture& arch) : arch_(arch) {
  c10::InferenceMode guard;
  constexpr double t = 0.3;  // WaveNet residual blend
  const double norm = 1.0 / std::sqrt((1 - t) * (1 - t) + t * t);
  residual_keep_ = (1 - t) * norm;
  in_ = kernel(as_matrix(encoder->in->normed_weight()));

  const auto& trunk = encoder->trunk;
  for (size_t i = 0; i < trunk->blocks.size(); ++i) {
    const WaveNet& block = trunk->blocks[i];
    const DownStage& down = trunk->downs[i];
    Stage stage;
    stage.stride = down->stride;
    const at::Tensor w = block->sum->weights().to(at::kDouble);
    const at::Tensor skip_coef = w / w.pow(2).sum().sqrt() / 0.542;
    for (size_t k = 0; k < block->layers.size(); ++k) {
      const WaveNetLayer& layer = block->layers[k];
      Layer fused;
      fused.dilation = layer->filter->depth->dilation();
      fused.filter_gate = kernel(at::cat({as_matrix(layer->filter->point->normed_weight()),
                                          as_matrix(layer->gate->point->normed_weight())}, 0));
      fused.filter_taps = taps(layer->filter->depth->normed_weight());
      fused.gate_taps = taps(layer->gate->depth->normed_weight());
      const at::Tensor skip = as_matrix(layer->skip->normed_weight()) * skip_coef[static_cast<int64_t>(k)];
      const bool last = k + 1 == block->layers.size();  // its residual output is never used
      fused.res_skip = kernel(last ? skip : at::cat({as_matrix(layer->res->normed_weight()) * (norm * t / 0.542), skip}, 0));
      stage.layers.push_back(std::move(fused));
    }
    stage.stage_in = kernel(product(as_matrix(down->in->normed_weight()), as_matrix(block->out_conv->normed_weight())) / 0.596);
    stage.pool_taps = pooled_taps(down->depth->normed_weight(), stage.stride);
    stage.stage_out = kernel(as_matrix(down->out->normed_weight()) / 0.596);
    stages_.push_back(std::move(stage));
  }
  const auto& bottleneck = encoder->bottleneck;
  const at::Tensor mu_logvar = at::cat({as_matrix(bottleneck->mu->weight.detach()), as_matrix(bottleneck->logvar->weight.detach())}, 0);
  head_ = kernel(product(mu_logvar, as_matrix(trunk->downs.back()->out->normed_weight()) / 0.596));
  head_bias_ = at::cat({bottleneck->mu->bias, bottleneck->logvar->bias}, 0).detach().contiguous();
}

at::Tensor FusedEncoder::forward(const at::Tensor& x, const std::vector<int64_t>& input_bounds) const {
  c10::InferenceMode guard;
  TORCH_CHECK(x.is_cpu() && x.dim() == 2 && x.size(1) == arch_.x_dim && x.scalar_type() == at::kFloat,
              "FusedEncoder needs a [T, 9] float32 CPU tensor");
  TORCH_CHECK(!input_bounds.empty() && input_bounds.front() == 0 && input_bounds.back() == x.size(0),
              "segment bounds must span the input");
  std::vector<int64_t> bounds = input_bounds;
  for (int64_t b : bounds) TORCH_CHECK(b % arch_.chunk() == 0, "segment bounds must be multiples of the chunk");

  at::Tensor h = pointwise(in_, x.contiguous());  // the residual stream [T, H]
  at::Tensor out;
  for (size_t si = 0; si < stages_.size(); ++si) {
    const Stage& stage = stages_[si];
    const int64_t T = h.size(0), H = h.size(1);
    const kernels::Segments seg{bounds.data(), static_cast<int64_t>(bounds.size()) - 1};
    at::Tensor skip = at::empty({T, H}, h.options());  // the running Σ_k w_k·skip_k
    for (size_t k = 0; k < stage.layers.size(); ++k) {
      const Layer& layer = stage.layers[k];
      const int64_t hidden = layer.filter_taps.size(1);
      at::Tensor gated = at::empty({T, hidden}, h.options());
      {
        const at::Tensor u = pointwise(layer.filter_gate, h);
        const float* up = u.data_ptr<float>();
        float* gp = gated.data_ptr<float>();
        const float* wf = layer.filter_taps.data_ptr<float>();
        const float* wg = layer.gate_taps.data_ptr<float>();
        at::parallel_for(0, T, kGrainFrames, [&](int64_t t0, int64_t t1) {
          kernels::gated_dilated_conv(up, hidden, seg, layer.dilation, wf, wg, gp, t0, t1);
        });
      }
      const at::Tensor rs = pointwise(layer.res_skip, gated);
      gated.reset();
      const bool has_res = rs.size(1) == 2 * H;
      const float* rp = rs.data_ptr<float>();
      float* hp = h.data_ptr<float>();
      float* sp = skip.data_ptr<float>();
      const float keep = static_cast<float>(residual_keep_);
      at::parallel_for(0, T, kGrainFrames, [&](int64_t t0, int64_t t1) {
        kernels::residual_and_skip(rp, H, has_res, keep, hp, sp, k == 0, t0, t1);
      });
    }
    h.reset();
    {
      float* sp = skip.data_ptr<float>();
      at::parallel_for(0, skip.numel(), kGrainFrames * H, [&](int64_t b, int64_t e) { kernels::silu_inplace(sp, b, e); });
    }
    const at::Tensor v = pointwise(stage.stage_in, skip);
    skip.reset();
    const int64_t hidden_down = v.size(1), stride = stage.stride;
    at::Tensor pooled = at::empty({T / stride, hidden_down}, v.options());
    {
      const float* vp = v.data_ptr<float>();
      float* pp = pooled.data_ptr<float>();
      const float* w = stage.pool_taps.data_ptr<float>();
      at::parallel_for(0, T / stride, kGrainFrames, [&](int64_t j0, int64_t j1) {
        kernels::pooled_conv_silu(vp, hidden_down, seg, stride, w, pp, j0, j1);
      });
    }
    for (int64_t& b : bounds) b /= stride;
    if (si + 1 < stages_.size()) h = pointwise(stage.stage_out, pooled);
    else out = pointwise(head_, pooled, head_bias_);
  }
  return out;
}

}  // namespace cartography::latent
