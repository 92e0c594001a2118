// The reference's audio features (osu_dreamer/data/load_audio.py): the samples of the ffmpeg
// pipe (mono s16, 16384 Hz) divided by 2^15, nnAudio's CQT1992v2 with the reference's settings
// (fmin 32 Hz, 72 bins, 9 per octave, hop 98; defaults otherwise: hann window, L1-normalised
// kernels, centred frames with reflect padding, librosa scaling by sqrt(kernel length)), its
// power re² + im², log10 clamped at 1e-10, floored at (the whole map's max) - 6, divided by 3.
//
// Same arithmetic as the reference where it matters for float32: the kernels are computed in
// float64 and rounded to float32, the convolution runs in float32, the scaling, power and log
// are float32 ops in the reference's order. Only the summation order of the convolution
// differs (the reference's own float32 error against float64 is ~2e-5 on the goldens); the
// tests find at most 2.4e-7 between the two.
//
// Cost (bench/latent/bench_cqt.cpp, shared 2-core AMD EPYC, 1 thread): 0.07 CPU s per minute of
// audio, 0.10 s wall with the machine loaded; nnAudio itself (bench/latent/cqt_nnaudio.py)
// 0.37-0.56 s. Each octave's kernels are cropped to their non-zero columns (5x less work than
// nnAudio's 8192-tap convolution); a second thread does not pay on a loaded machine.
#pragma once

#include <cstdint>

#include "latent/trainer_plugin.hpp"

namespace cartography::latent {

inline constexpr int kCqtSampleRate = 16384;
inline constexpr int kCqtHop = 98;
inline constexpr double kCqtFmin = 32.0;
inline constexpr int kCqtBinsPerOctave = 9;
inline constexpr int kCqtBins = kAudioDim;
// nnAudio pads kernel_width / 2 = 4096 samples each side by reflection, which torch refuses
// unless the signal is longer than the padding (0.25 s).
inline constexpr int64_t kCqtMinSamples = 4097;
// 6 hours; AudioLimits allows 2 (a bound on the work one call may take, not a memory need).
inline constexpr int64_t kCqtMaxSamples = int64_t{kCqtSampleRate} * 3600 * 6;

// Frames of the features of `samples` samples (the centred frames of hop 98).
constexpr int64_t cqt_frame_count(int64_t samples) { return samples / kCqtHop + 1; }

// Frames are convolved in chunks of at least this many: libtorch convolves an input of more than
// 20,480 samples with oneDNN (as the reference's torch does for any real song), a shorter one
// with its own im2col path, whose sums round differently. With every chunk that long, a frame's
// value does not depend on the chunk it falls in.
inline constexpr int64_t kCqtMinChunkFrames = 256;

struct CqtOptions {
  int threads = 0;               // > 0: libtorch intra-op threads for the call (restored after)
  int64_t chunk_frames = 2048;   // frames convolved at a time (raised to kCqtMinChunkFrames):
                                 // ~0.5 KB of working memory per frame (1 MB by default)
};

// Writes the features of samples[0, n) to out, [kCqtBins, cqt_frame_count(n)] row-major
// float32. The result does not depend on chunk_frames or threads (the tests check it to the
// bit): chunks have the same length, the last one overlapping its predecessor. Throws
// std::invalid_argument when n is outside [kCqtMinSamples, kCqtMaxSamples], chunk_frames < 1
// or a pointer is null.
void audio_features(const int16_t* samples, int64_t n, float* out, const CqtOptions& options = {});

}  // namespace cartography::latent
