#include "latent/cqt.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "latent/scoped_threads.hpp"

namespace cartography::latent {
namespace {

// One octave's kernels cropped to the columns where any of them is non-zero: nnAudio convolves
// with all 72 kernels zero-padded to 8192 taps, but a kernel of the top octave has ~50 non-zero
// taps; the zeros add nothing to the sums, and skipping them does 5x less work.
struct OctaveKernels {
  int first_bin = 0, bins = 0;
  int64_t offset = 0;     // first column of the 8192-wide kernels kept
  int64_t width = 0;      // columns kept
  torch::Tensor weight;   // [2 * bins, 1, width] float32: real parts, then imaginary parts
  std::vector<float> scale;  // sqrt(kernel length) per bin, float32 as the reference's
};

struct KernelBank {
  int64_t width = 0;  // nnAudio's kernel_width: 2^ceil(log2(longest kernel))
  std::vector<OctaveKernels> octaves;
};

// scipy.signal.get_window('hann', m, fftbins=True): the periodic Hann window, evaluated as
// scipy does (general_cosine over linspace(-pi, pi, m + 1), last point dropped).
std::vector<double> periodic_hann(int64_t m) {
  std::vector<double> w(m);
  const double step = (M_PI - -M_PI) / static_cast<double>(m);
  for (int64_t i = 0; i < m; ++i) w[i] = 0.5 + 0.5 * std::cos(static_cast<double>(i) * step + -M_PI);
  return w;
}

// nnAudio's create_cqt_kernels(Q, sr, fmin, n_bins, bins_per_octave, norm=1, window='hann'),
// computed in float64 and rounded to complex64 as it stores them, then cropped per octave.
KernelBank build_kernel_bank() {
  const double q = 1.0 / (std::pow(2.0, 1.0 / kCqtBinsPerOctave) - 1.0);
  std::vector<double> freq(kCqtBins), length(kCqtBins);
  for (int k = 0; k < kCqtBins; ++k) {
    freq[k] = kCqtFmin * std::pow(2.0, static_cast<double>(k) / kCqtBinsPerOctave);
    length[k] = std::ceil(q * kCqtSampleRate / freq[k]);
  }
  KernelBank bank;
  const double longest = *std::max_element(length.begin(), length.end());
  bank.width = static_cast<int64_t>(std::pow(2.0, std::ceil(std::log2(longest))));

  // Full-width float32 kernels first (row k: bin k), as nnAudio lays them out.
  std::vector<float> re(kCqtBins * bank.width, 0.f), im(kCqtBins * bank.width, 0.f);
  std::vector<int64_t> start(kCqtBins);
  for (int k = 0; k < kCqtBins; ++k) {
    const double l = length[k];
    const auto n = static_cast<int64_t>(l);
    // Centred; an odd kernel gets the extra zero on the right.
    start[k] = static_cast<int64_t>(std::ceil(bank.width / 2.0 - l / 2.0)) - (n % 2 == 1 ? 1 : 0);
    const std::vector<double> window = periodic_hann(n);
    // np.r_[-l // 2 : l // 2]: floor(-l / 2) .. floor(l / 2) - 1.
    const double first = std::floor(-l / 2.0);
    std::vector<double> sr(n), si(n);
    long double l1 = 0;
    for (int64_t i = 0; i < n; ++i) {
      const double phase = (first + static_cast<double>(i)) * 2.0 * M_PI * freq[k] / kCqtSampleRate;
      sr[i] = window[i] * std::cos(phase) / l;
      si[i] = window[i] * std::sin(phase) / l;
      l1 += std::hypot(sr[i], si[i]);
    }
    const auto norm = static_cast<double>(l1);
    for (int64_t i = 0; i < n; ++i) {
      re[k * bank.width + start[k] + i] = static_cast<float>(sr[i] / norm);
      im[k * bank.width + start[k] + i] = static_cast<float>(si[i] / norm);
    }
  }

  for (int first = 0; first < kCqtBins; first += kCqtBinsPerOctave) {
    OctaveKernels o;
    o.first_bin = first;
    o.bins = std::min(kCqtBinsPerOctave, kCqtBins - first);
    int64_t lo = bank.width, hi = 0;
    for (int k = first; k < first + o.bins; ++k) {
      lo = std::min(lo, start[k]);
      hi = std::max(hi, start[k] + static_cast<int64_t>(length[k]));
    }
    o.offset = lo;
    o.width = hi - lo;
    o.weight = torch::empty({2 * o.bins, 1, o.width}, torch::kFloat32);
    float* w = o.weight.data_ptr<float>();
    for (int b = 0; b < o.bins; ++b) {
      const int k = first + b;
      std::copy_n(&re[k * bank.width + lo], o.width, w + b * o.width);
      std::copy_n(&im[k * bank.width + lo], o.width, w + (o.bins + b) * o.width);
      o.scale.push_back(std::sqrt(static_cast<float>(length[k])));
    }
    bank.octaves.push_back(std::move(o));
  }
  return bank;
}

const KernelBank& kernel_bank() {
  static const KernelBank bank = build_kernel_bank();
  return bank;
}

// Samples [from, from + count) of the signal padded by `pad` on each side by reflection
// (torch's ReflectionPad1d: the edge sample is not repeated), / 2^15 as float32.
torch::Tensor reflected_segment(const int16_t* x, int64_t n, int64_t pad, int64_t from, int64_t count) {
  torch::Tensor seg = torch::empty({count}, torch::kFloat32);
  float* s = seg.data_ptr<float>();
  for (int64_t i = 0; i < count; ++i) {
    int64_t j = from + i - pad;
    if (j < 0) j = -j;
    if (j >= n) j = 2 * (n - 1) - j;
    s[i] = static_cast<float>(x[j]) / 32768.f;
  }
  return seg;
}

// Power of frames [f0, f0 + frames) of every bin into out ([bins, total] row-major).
void power_chunk(const KernelBank& bank, const int16_t* x, int64_t n, int64_t f0, int64_t frames,
                 int64_t total, float* out) {
  const torch::Tensor seg =
      reflected_segment(x, n, bank.width / 2, f0 * kCqtHop, (frames - 1) * kCqtHop + bank.width);
  for (const OctaveKernels& o : bank.octaves) {
    const torch::Tensor in = seg.narrow(0, o.offset, (frames - 1) * kCqtHop + o.width).view({1, 1, -1});
    const torch::Tensor y = torch::conv1d(in, o.weight, {}, kCqtHop).contiguous();
    const float* c = y.data_ptr<float>();
    for (int b = 0; b < o.bins; ++b) {
      const float* re = c + b * frames;
      const float* im = c + (o.bins + b) * frames;
      float* p = out + (o.first_bin + b) * total + f0;
      const float s = o.scale[b];
      for (int64_t t = 0; t < frames; ++t) {
        const float r = re[t] * s, i = im[t] * s;
        p[t] = r * r + i * i;
      }
    }
  }
}

// log10(clamp(p, 1e-10)), then max(v, max - 6) / 3 over the whole array, in float32.
void log_scale(float* v, int64_t count) {
  float top = -INFINITY;
  for (int64_t i = 0; i < count; ++i) {
    v[i] = std::log10(std::max(v[i], 1e-10f));
    top = std::max(top, v[i]);
  }
  const float floor = top - 6.f;
  for (int64_t i = 0; i < count; ++i) v[i] = std::max(v[i], floor) / 3.f;
}

}  // namespace

void audio_features(const int16_t* samples, int64_t n, float* out, const CqtOptions& options) {
  if (n < kCqtMinSamples)
    throw std::invalid_argument("audio of " + std::to_string(n) + " samples is too short for the CQT (at least " +
                                std::to_string(kCqtMinSamples) + ", 0.25 s: the reference's reflect padding needs it)");
  if (n > kCqtMaxSamples)
    throw std::invalid_argument("audio of " + std::to_string(n) + " samples is too long for the CQT (at most " +
                                std::to_string(kCqtMaxSamples) + ", 6 hours)");
  if (options.chunk_frames < 1) throw std::invalid_argument("CQT chunk_frames must be positive");
  if (!samples || !out) throw std::invalid_argument("CQT: null samples or output");

  const KernelBank& bank = kernel_bank();
  ScopedThreads threads(options.threads);
  c10::InferenceMode inference;
  const int64_t total = cqt_frame_count(n);
  const int64_t chunk = std::min(total, std::max(options.chunk_frames, kCqtMinChunkFrames));
  for (int64_t f0 = 0; f0 < total; f0 += chunk)
    power_chunk(bank, samples, n, std::min(f0, total - chunk), chunk, total, out);
  log_scale(out, total * kCqtBins);
}

}  // namespace cartography::latent
