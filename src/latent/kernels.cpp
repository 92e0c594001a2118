#include "latent/kernels.hpp"

#include <bit>
#include <cstring>

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

}  // namespace

float sigmoid(float x) { return sigmoid_poly(x); }

CARTO_MULTIVERSION
void gated_dilated_conv(const float* u, int64_t C, int64_t T, Segments seg, int64_t d,
                        const float* wf, const float* wg, float* h, int64_t c0, int64_t c1) {
  for (int64_t c = c0; c < c1; ++c) {
    const float* __restrict f = u + c * T;
    const float* __restrict g = u + (C + c) * T;
    float* __restrict out = h + c * T;
    const float f0 = wf[3 * c], f1 = wf[3 * c + 1], f2 = wf[3 * c + 2];
    const float g0 = wg[3 * c], g1 = wg[3 * c + 1], g2 = wg[3 * c + 2];
    for (int64_t k = 0; k < seg.count; ++k) {
      const int64_t s0 = seg.bounds[k], s1 = seg.bounds[k + 1];
      // Edges (taps that fall outside the segment read zero), then the unchecked interior.
      auto edge = [&](int64_t t) {
        const float fl = t - d >= s0 ? f[t - d] : 0.0f, fr = t + d < s1 ? f[t + d] : 0.0f;
        const float gl = t - d >= s0 ? g[t - d] : 0.0f, gr = t + d < s1 ? g[t + d] : 0.0f;
        out[t] = (f0 * fl + f1 * f[t] + f2 * fr) * sigmoid_poly(g0 * gl + g1 * g[t] + g2 * gr);
      };
      const int64_t lo = s0 + d < s1 ? s0 + d : s1;
      const int64_t hi = s1 - d > lo ? s1 - d : lo;
      for (int64_t t = s0; t < lo; ++t) edge(t);
      for (int64_t t = lo; t < hi; ++t) {
        const float fv = f0 * f[t - d] + f1 * f[t] + f2 * f[t + d];
        const float gv = g0 * g[t - d] + g1 * g[t] + g2 * g[t + d];
        out[t] = fv * sigmoid_poly(gv);
      }
      for (int64_t t = hi; t < s1; ++t) edge(t);
    }
  }
}

CARTO_MULTIVERSION
void pooled_conv_silu(const float* v, int64_t C, int64_t T, Segments seg, int64_t s,
                      const float* w_eff, float* out, int64_t c0, int64_t c1) {
  const int64_t K = 3 * s - 1, left = (2 * s - 1) / 2, To = T / s;
  for (int64_t c = c0; c < c1; ++c) {
    const float* x = v + c * T;
    const float* w = w_eff + c * K;
    float* y = out + c * To;
    for (int64_t k = 0; k < seg.count; ++k) {
      const int64_t s0 = seg.bounds[k], s1 = seg.bounds[k + 1];
      for (int64_t j = s0 / s; j < s1 / s; ++j) {
        const int64_t t0 = j * s - left;
        float acc = 0.0f;
        if (t0 >= s0 && t0 + K <= s1) {
          for (int64_t o = 0; o < K; ++o) acc += w[o] * x[t0 + o];
        } else {
          for (int64_t o = 0; o < K; ++o)
            if (t0 + o >= s0 && t0 + o < s1) acc += w[o] * x[t0 + o];
        }
        y[j] = acc * sigmoid_poly(acc);
      }
    }
  }
}

CARTO_MULTIVERSION
void silu_inplace(float* x, int64_t begin, int64_t end) {
  float* __restrict p = x;
  for (int64_t i = begin; i < end; ++i) p[i] = p[i] * sigmoid_poly(p[i]);
}

}  // namespace cartography::latent::kernels
