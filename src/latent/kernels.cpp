#include "latent/kernels.hpp"

#include <algorithm>
#include <bit>

// Clones for AVX2/FMA and AVX-512 machines besides the baseline, picked at load time: the
// plugin is built once and runs on whatever CPU the cluster node has.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define CARTO_MULTIVERSION __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define CARTO_MULTIVERSION
#endif

namespace cartography::latent::kernels {
namespace {

// exp(x) by Cody–Waite range reduction and a degree-7 Taylor polynomial on |r| ≤ ln2/2
// (truncation error r⁸/8! < 6e-9), written branch-free so the loops around it vectorise.
inline float exp_poly(float x) {
  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  // Round x·log2(e) to nearest by the 1.5·2²³ trick (exact for |v| < 2²²).
  const float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  const float r = (x - n * 0.693145751953125f) - n * 1.428606765330187045e-06f;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;  // 2^n
  return p * std::bit_cast<float>(bits);
}

inline float sigmoid_poly(float x) { return 1.0f / (1.0f + exp_poly(-x)); }

// The segment [s0, s1) holding frame t.
inline void segment_of(const Segments& seg, int64_t t, int64_t& k) {
  while (seg.bounds[k + 1] <= t) ++k;
}

}  // namespace

float sigmoid(float x) { return sigmoid_poly(x); }

namespace {

// One frame of the gated convolution; every pointer is distinct, so the loop vectorises.
inline void gated_row(const float* __restrict left, const float* __restrict mid, const float* __restrict right,
                      const float* __restrict wf, const float* __restrict wg, float lw, float rw,
                      float* __restrict out, int64_t C) {
  for (int64_t c = 0; c < C; ++c) {
    const float f = (lw * wf[c]) * left[c] + wf[C + c] * mid[c] + (rw * wf[2 * C + c]) * right[c];
    const float g = (lw * wg[c]) * left[C + c] + wg[C + c] * mid[C + c] + (rw * wg[2 * C + c]) * right[C + c];
    out[c] = f * sigmoid_poly(g);
  }
}

}  // namespace

CARTO_MULTIVERSION
void gated_dilated_conv(const float* u, int64_t C, Segments seg, int64_t d, const float* wf,
                        const float* wg, float* h, int64_t t0, int64_t t1) {
  int64_t k = 0;
  segment_of(seg, t0, k);
  for (int64_t t = t0; t < t1; ++t) {
    segment_of(seg, t, k);
    const int64_t s0 = seg.bounds[k], s1 = seg.bounds[k + 1];
    // A tap outside the segment reads zero: point it at the centre row with weight 0.
    const bool has_left = t - d >= s0, has_right = t + d < s1;
    const float* mid = u + t * 2 * C;
    gated_row(has_left ? mid - d * 2 * C : mid, mid, has_right ? mid + d * 2 * C : mid, wf, wg,
              has_left ? 1.0f : 0.0f, has_right ? 1.0f : 0.0f, h + t * C, C);
  }
}

CARTO_MULTIVERSION
void residual_and_skip(const float* rs, int64_t C, bool has_res, float keep, float* x, float* skip,
                       bool first, int64_t t0, int64_t t1) {
  const int64_t width = has_res ? 2 * C : C;
  for (int64_t t = t0; t < t1; ++t) {
    const float* __restrict row = rs + t * width;
    const float* __restrict s = has_res ? row + C : row;
    float* __restrict sk = skip + t * C;
    if (has_res) {
      float* __restrict xr = x + t * C;
      for (int64_t c = 0; c < C; ++c) xr[c] = row[c] + keep * xr[c];
    }
    if (first) {
      for (int64_t c = 0; c < C; ++c) sk[c] = s[c];
    } else {
      for (int64_t c = 0; c < C; ++c) sk[c] += s[c];
    }
  }
}

CARTO_MULTIVERSION
void pooled_conv_silu(const float* v, int64_t C, Segments seg, int64_t s, const float* w_eff,
                      float* out, int64_t j0, int64_t j1) {
  const int64_t K = 3 * s - 1, left = (2 * s - 1) / 2;
  int64_t k = 0;
  segment_of(seg, j0 * s, k);
  for (int64_t j = j0; j < j1; ++j) {
    segment_of(seg, j * s, k);
    const int64_t s0 = seg.bounds[k], s1 = seg.bounds[k + 1];
    float* __restrict y = out + j * C;
    std::fill(y, y + C, 0.0f);
    for (int64_t o = 0; o < K; ++o) {
      const int64_t t = j * s - left + o;
      if (t < s0 || t >= s1) continue;
      const float* __restrict row = v + t * C;
      const float* __restrict w = w_eff + o * C;
      for (int64_t c = 0; c < C; ++c) y[c] += w[c] * row[c];
    }
    for (int64_t c = 0; c < C; ++c) y[c] = y[c] * sigmoid_poly(y[c]);
  }
}

CARTO_MULTIVERSION
void silu_inplace(float* x, int64_t begin, int64_t end) {
  float* __restrict p = x;
  for (int64_t i = begin; i < end; ++i) p[i] = p[i] * sigmoid_poly(p[i]);
}

}  // namespace cartography::latent::kernels
