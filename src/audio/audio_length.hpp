// How many samples an audio file has once decoded to mono 16384 Hz, the way the reference
// pipeline's `ffmpeg -i f -ac 1 -ar 16384 -f s16le -` pipe counts them, and the frame count
// L = N / 98 + 1 derived from it (SPEC §4). Everything works on bytes in memory: audio is read
// straight out of .osz archives, nothing is written to disk.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

namespace cartography::audio {

inline constexpr int kSampleRate = 16384;  // Hz, the reference's SR
inline constexpr int kHop = 98;            // samples per frame

// Audio that cannot be opened or decoded, or is beyond AudioLimits. The message names the
// file and the reason (FFmpeg's, or the limit's).
struct AudioError : std::runtime_error {
  AudioError(const std::string& file, const std::string& reason);
  std::string file;
  std::string reason;
};

// Bounds on what one audio file may cost to measure (README, "Limits (hostile input)"). Each
// is checked from the container's header before decoding where the header says (a duration
// the demuxer only guessed from the bit rate is not trusted), and again on every decoded frame
// or demuxed packet, so a header that lies still cannot buy unbounded work: decoding stops as
// soon as the limit is passed. A caller that needs more passes its own AudioLimits.
struct AudioLimits {
  // Seconds of audio. Ranked songs are under 10 minutes, marathons about an hour.
  double max_duration_s = 2 * 3600;
  // Sample rate, Hz. Real audio is 8 kHz (MPEG 2.5) to 192 kHz; a 1 Hz file of a few KB
  // would resample into hours at 16384 Hz.
  int min_sample_rate = 4000;
  int max_sample_rate = 192000;
  // Channels of the stream. Real audio has up to 8 (7.1), and libswresample cannot mix most
  // layouts of more channels down to mono (nor, then, can the ffmpeg CLI).
  int max_channels = 8;
};

// Decodes the whole file and resamples it with libswresample's default resampler, flushed at
// the end, exactly as the ffmpeg CLI's auto-inserted aresample filter does. Throws AudioError
// when the CLI would fail (no input, no audio stream, no decoder, too many decode errors) or
// when nothing decodes (the reference then fails on an empty signal).
int64_t decoded_sample_count(std::span<const uint8_t> bytes, const std::string& name,
                             const AudioLimits& limits = {});

// The same N without decoding when it can be derived exactly from the demuxed packets (MP3,
// Vorbis, PCM): per-packet decoder output sizes, the demuxer's skip/discard side data, and the
// resampler's closed-form output length. Falls back to decoded_sample_count otherwise.
int64_t fast_sample_count(std::span<const uint8_t> bytes, const std::string& name,
                          const AudioLimits& limits = {});

// fast_sample_count with the path it took, for tests and timing reports.
struct SampleCount {
  int64_t samples = 0;
  bool fast = false;            // true: derived from packets; false: fully decoded
  std::string fallback_reason;  // why the fast path was not sure (empty when fast)
};
SampleCount count_samples(std::span<const uint8_t> bytes, const std::string& name,
                          const AudioLimits& limits = {});

// L = floor(N / 98) + 1, the number of analysis frames (the CQT's centred frames).
constexpr int64_t frame_count(int64_t samples) { return samples / kHop + 1; }

// Output length of libswresample's default resampler (filter_size 32, cutoff 0.97, flushed)
// for `input_samples` at `input_rate` Hz converted to kSampleRate. Exposed for tests, which
// check it against libswresample itself.
int64_t resampled_length(int64_t input_samples, int input_rate);

}  // namespace cartography::audio
