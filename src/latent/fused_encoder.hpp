// The encoder for CPU inference, compiled from the loaded modules into fewer, larger steps.
// Same function as Encoder::forward (outputs agree to float rounding), less work:
//   * the filter and gate 1×1 convs of a layer share their input: one GEMM with 2H outputs;
//   * depthwise conv + gating, and depthwise conv + AvgPool + SiLU, are single fused passes
//     (kernels.hpp), with AvgPool folded into a strided kernel so only L/s outputs are computed;
//   * constant factors (1/0.542, 1/0.596, the residual blend, the skip-sum weights) are folded
//     into the following 1×1 weights; the skip 1×1 convs of a block become one GEMM over the
//     concatenated gated activations; consecutive 1×1 convs (block output → stage input, stage
//     output → mu/logvar) are multiplied into one, in double precision;
//   * the last layer's residual branch, whose result the reference computes and discards, is
//     skipped.
// 1×1 convolutions go to oneDNN directly: libtorch's conv1d falls back to the BLAS (the
// reference BLAS on Debian, 30× slower) when run on one thread.
// Inputs are batches of independent sequences laid end to end (kernels::Segments), so short
// maps share GEMMs and long maps are cut into chunks with margins by the caller.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "latent/model.hpp"

namespace cartography::latent {

class FusedEncoder {
 public:
  explicit FusedEncoder(const Encoder& encoder, const LatentArchitecture& arch);

  // x: [9, T] float32 contiguous on the CPU, holding sequences [bounds[i], bounds[i+1]) whose
  // bounds are multiples of the chunk (each already right-padded). Returns [2D, T/chunk]:
  // rows 0..D-1 are mu, rows D..2D-1 logvar.
  at::Tensor forward(const at::Tensor& x, const std::vector<int64_t>& bounds) const;

 private:
  struct Layer {
    at::Tensor filter_gate;    // [2h, H, 1]: filter rows then gate rows
    at::Tensor filter_taps;    // [h, 3]
    at::Tensor gate_taps;      // [h, 3]
    at::Tensor res;            // [H, h, 1], scaled by t/(0.542·norm); undefined for the last layer
    int64_t dilation = 1;
  };
  struct Stage {
    std::vector<Layer> layers;
    at::Tensor skip;           // [H, n·h, 1]: skip weights of all layers, each × w_k/sqrt(Σw²)/0.542
    at::Tensor stage_in;       // [ha, H, 1]: down.0 · out_conv / 0.596
    at::Tensor pool_taps;      // [ha, 3s−1]: the depthwise kernel averaged over the pool window
    at::Tensor stage_out;      // [H, ha, 1]: down.4 / 0.596 (for the last stage: folded into mu/logvar)
    int64_t stride = 1;
  };

  LatentArchitecture arch_;
  at::Tensor in_;              // [H, 9, 1]
  std::vector<Stage> stages_;
  at::Tensor head_;            // [2D, ha, 1]: [mu; logvar] · down.4 / 0.596 of the last stage
  at::Tensor head_bias_;       // [2D]
  double residual_keep_ = 0;   // (1−t)/norm: the factor on x in x ← add(x, res, t)
};

// A 1×1 convolution of [C, T] by weight [O, C, 1] (+ bias) → [O, T], through oneDNN when
// libtorch has it (any thread count), else at::conv1d.
at::Tensor pointwise(const at::Tensor& weight, const at::Tensor& x, const at::Tensor& bias = {});

}  // namespace cartography::latent
