// CPU loops for the fused encoder: the elementwise and depthwise work between two 1×1
// convolutions done in one pass over memory instead of the five to ten tensor passes eager
// PyTorch makes (on a memory-bound machine each pass over an [H, L] activation costs about as
// much as a quarter of a 1×1 convolution). No libtorch here; the caller splits channel ranges
// across threads.
//
// A batch is a set of independent sequences laid end to end along the frame axis
// ("segments"): every depthwise convolution reads zeros outside the segment of the frame it
// computes, exactly as a separate pass per sequence with 'same' zero padding would.
#pragma once

#include <cstdint>

namespace cartography::latent::kernels {

struct Segments {
  const int64_t* bounds;  // count + 1 increasing frame indices, bounds[0] = 0
  int64_t count;
};

// For channels [c0, c1) of C: with f = u[c], g = u[C + c] (rows of length T),
//   h[c, t] = dwconv3_d(f)[t] · sigmoid(dwconv3_d(g)[t])
// where dwconv3_d(x)[t] = w0·x[t−d] + w1·x[t] + w2·x[t+d] (zero outside t's segment).
// wf, wg: [C, 3]. h rows have length T.
void gated_dilated_conv(const float* u, int64_t channels, int64_t frames, Segments segments,
                        int64_t dilation, const float* wf, const float* wg, float* h, int64_t c0,
                        int64_t c1);

// For channels [c0, c1) of C: a depthwise conv of kernel 2s with PyTorch 'same' padding, then
// AvgPool(s), then x·sigmoid(x), as one strided conv with the pooled kernel
// w_eff[o] = (1/s)·Σ_{m<s} w[o−m], o < 3s−1:
//   out[c, j] = silu(Σ_o w_eff[c, o] · v[c, j·s − left + o]),  left = (2s−1) / 2.
// Segment bounds are multiples of s; out rows have length T / s.
void pooled_conv_silu(const float* v, int64_t channels, int64_t frames, Segments segments,
                      int64_t stride, const float* w_eff, float* out, int64_t c0, int64_t c1);

// x ← x · sigmoid(x) over [begin, end).
void silu_inplace(float* x, int64_t begin, int64_t end);

// sigmoid(x) with the exponential evaluated by a polynomial that vectorises; relative error
// below 3e-7 (exposed for tests).
float sigmoid(float x);

}  // namespace cartography::latent::kernels
