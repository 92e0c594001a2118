// The encoder for CPU inference, compiled from the loaded modules into fewer, larger steps.
// Same function as Encoder::forward (outputs agree to float rounding), less work:
//   * the filter and gate 1×1 convs of a layer share their input: one GEMM with 2H outputs;
//   * depthwise conv + gating, and depthwise conv + AvgPool + SiLU, are single fused passes
//     (kernels.hpp), with AvgPool folded into a strided kernel so only L/s outputs are computed;
//   * the res and skip 1×1 convs of a layer share their input too: one GEMM with 2H outputs,
//     whose halves one pass adds into the residual stream and the running skip sum;
//   * constant factors (1/0.542, 1/0.596, the residual blend, the skip-sum weights) are folded
//     into the 1×1 weights that follow them; consecutive 1×1 convs (block output → stage
//     input, stage output → mu/logvar) are multiplied into one, in double precision;
//   * the last layer's residual branch, whose result the reference computes and discards, is
//     skipped.
// Activations are time-major [T, C]; 1×1 convolutions go to oneDNN directly, as 1×T images in
// channels-last layout (twice as fast as the [C, T] layout, which oneDNN reorders on every
// call), also on one thread, where libtorch's conv1d would fall back to the BLAS (the
// reference BLAS on Debian, 30× slower).
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

  // x: [T, 9] float32 contiguous on the CPU (time-major), holding sequences
  // [bounds[i], bounds[i+1]) whose bounds are multiples of the chunk (each already
  // right-padded). Returns [T/chunk, 2D]: columns 0..D-1 are mu, D..2D-1 logvar.
  at::Tensor forward(const at::Tensor& x, const std::vector<int64_t>& bounds) const;

 private:
  // 1×1 weights are stored [O, C, 1, 1] (a 1×1 image kernel); taps tap-major [k, C].
  struct Layer {
    at::Tensor filter_gate;    // [2h, H]: filter rows then gate rows
    at::Tensor filter_taps;    // [3, h]
    at::Tensor gate_taps;      // [3, h]
    at::Tensor res_skip;       // [2H, h]: res × t·norm/0.542 then skip × w_k/sqrt(Σw²)/0.542
                               // ([H, h], skip only, for the last layer, whose res is unused)
    int64_t dilation = 1;
  };
  struct Stage {
    std::vector<Layer> layers;
    at::Tensor stage_in;       // [ha, H]: down.0 · out_conv / 0.596
    at::Tensor pool_taps;      // [3s−1, ha]: the depthwise kernel averaged over the pool window
    at::Tensor stage_out;      // [H, ha]: down.4 / 0.596 (last stage: folded into the head)
    int64_t stride = 1;
  };

  LatentArchitecture arch_;
  at::Tensor in_;              // [H, 9]
  std::vector<Stage> stages_;
  at::Tensor head_;            // [2D, ha]: [mu; logvar] · down.4 / 0.596 of the last stage
  at::Tensor head_bias_;       // [2D]
  double residual_keep_ = 0;   // (1−t)/norm: the factor on x in x ← add(x, res, t)
};

// A 1×1 convolution of time-major x [T, C] by weight [O, C, 1, 1] (+ bias) → [T, O], through
// oneDNN when libtorch has it (any thread count), else at::conv2d.
at::Tensor pointwise(const at::Tensor& weight, const at::Tensor& x, const at::Tensor& bias = {});

}  // namespace cartography::latent
