// CPU loops for the fused encoder: the elementwise and depthwise work between two 1×1
// convolutions done in one pass over memory instead of the five to ten tensor passes eager
// PyTorch makes (on a memory-bound machine a pass over an [H, L] activation costs about a
// quarter of a 1×1 convolution). No libtorch here; the caller splits frame ranges across
// threads.
//
// Activations are time-major ([T, C], the channels of one frame contiguous): oneDNN's 1×1
// convolutions run twice as fast on that layout (no reorder to its blocked format), and these
// loops vectorise over channels.
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

// For frames [t0, t1) and channels c < C, with f = u[·, c] and g = u[·, C + c] (u: [T, 2C]):
//   h[t, c] = dwconv3_d(f)[t] · sigmoid(dwconv3_d(g)[t])
// where dwconv3_d(x)[t] = w[0,c]·x[t−d] + w[1,c]·x[t] + w[2,c]·x[t+d] (zero outside t's
// segment). wf, wg: [3, C] (tap-major). h: [T, C].
void gated_dilated_conv(const float* u, int64_t channels, Segments segments, int64_t dilation,
                        const float* wf, const float* wg, float* h, int64_t t0, int64_t t1);

// The end of a WaveNet layer, for frames [t0, t1): rs = [res(h) | skip(h)] ([T, 2C], or
// [T, C] holding only skip(h) when has_res is 0):
//   x ← rs_res + keep·x   (when has_res)        skip ← rs_skip (first layer) or skip + rs_skip
void residual_and_skip(const float* rs, int64_t channels, bool has_res, float keep, float* x,
                       float* skip, bool first, int64_t t0, int64_t t1);

// A depthwise conv of kernel 2s with PyTorch 'same' padding, then AvgPool(s), then
// x·sigmoid(x), as one strided conv with the pooled kernel w_eff[o] = (1/s)·Σ_{m<s} w[o−m]
// (o < 3s−1), for output frames [j0, j1) of [T/s, C]:
//   out[j, c] = silu(Σ_o w_eff[o, c] · v[j·s − left + o, c]),  left = (2s−1) / 2.
// v: [T, C]; segment bounds (input frames) are multiples of s; w_eff: [3s−1, C].
void pooled_conv_silu(const float* v, int64_t channels, Segments segments, int64_t stride,
                      const float* w_eff, float* out, int64_t j0, int64_t j1);

// x ← x · sigmoid(x) over [begin, end).
void silu_inplace(float* x, int64_t begin, int64_t end);

// sigmoid(x) with the exponential evaluated by a polynomial that vectorises; relative error
// below 3e-7 (exposed for tests).
float sigmoid(float x);

}  // namespace cartography::latent::kernels
