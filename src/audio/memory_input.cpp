#include "audio/memory_input.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <cstring>
#include <new>

#include "audio/audio_length.hpp"

namespace cartography::audio::detail {
namespace {

constexpr int kIoBufferSize = 32768;  // the file protocol's buffer size, for like reads

// The ffmpeg CLI (5.x, open_output_file) maps the audio stream with the highest score:
// channel count, plus large bonuses for streams that produced packets while probing and for
// the default disposition; ties keep the first, and a score of 0 is never chosen.
int cli_audio_stream(const AVFormatContext* format) {
  int best = -1;
  int64_t best_score = 0;
  for (unsigned i = 0; i < format->nb_streams; ++i) {
    const AVStream* st = format->streams[i];
    if (st->codecpar->codec_type != AVMEDIA_TYPE_AUDIO) continue;
    int64_t score = st->codecpar->ch_layout.nb_channels +
                    100000000LL * !!(st->event_flags & AVSTREAM_EVENT_FLAG_NEW_PACKETS) +
                    5000000LL * !!(st->disposition & AV_DISPOSITION_DEFAULT);
    if (score > best_score) {
      best_score = score;
      best = static_cast<int>(i);
    }
  }
  return best;
}

std::string seconds_text(double s) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", s);
  return buffer;
}

// Empty when the rate and channel count are within the limits; otherwise why not.
std::string format_outside_limits(int sample_rate, int channels, const AudioLimits& limits) {
  if (sample_rate < limits.min_sample_rate || sample_rate > limits.max_sample_rate)
    return "sample rate " + std::to_string(sample_rate) + " Hz is outside " + std::to_string(limits.min_sample_rate) +
           " to " + std::to_string(limits.max_sample_rate) + " Hz (AudioLimits::min_sample_rate, max_sample_rate)";
  if (channels < 1 || channels > limits.max_channels)
    return std::to_string(channels) + " channels, not 1 to " + std::to_string(limits.max_channels) +
           " (AudioLimits::max_channels)";
  return "";
}

std::string too_long(double seconds, const char* source, const AudioLimits& limits) {
  return std::string(source) + seconds_text(seconds) + " s, longer than " + seconds_text(limits.max_duration_s) +
         " s (AudioLimits::max_duration_s)";
}

// The stream's duration as the header states it, in seconds; nullopt when the demuxer only
// estimated it from the bit rate (a VBR file's first frames can be off by a factor of ten).
std::optional<double> stated_duration(const AVFormatContext& format, const AVStream& stream) {
  if (format.duration_estimation_method == AVFMT_DURATION_FROM_BITRATE) return std::nullopt;
  if (stream.duration != AV_NOPTS_VALUE && stream.duration > 0) return stream.duration * av_q2d(stream.time_base);
  if (format.duration != AV_NOPTS_VALUE && format.duration > 0) return format.duration / double(AV_TIME_BASE);
  return std::nullopt;
}

// Uncompressed audio cannot last longer than its bytes: a PCM header that claims more (a
// streamed WAV's 0xFFFFFFFF data size, a truncated file) is capped by the file size.
std::optional<double> pcm_duration_bound(const AVCodecParameters& par, int64_t file_bytes) {
  const int bits = av_get_bits_per_sample(par.codec_id);
  if (bits <= 0 || par.sample_rate <= 0 || par.ch_layout.nb_channels <= 0) return std::nullopt;
  const double bytes_per_second = double(bits) / 8 * par.ch_layout.nb_channels * par.sample_rate;
  return double(file_bytes) / bytes_per_second;
}

}  // namespace

void DurationBudget::add(int64_t samples, int sample_rate, int channels) {
  const AudioLimits& limits = input_.limits();
  if (const std::string why = format_outside_limits(sample_rate, channels, limits); !why.empty())
    input_.fail("decoded audio has " + why);
  seconds_ += double(samples) / sample_rate;
  if (seconds_ > limits.max_duration_s) input_.fail(too_long(seconds_, "stopped decoding after ", limits));
}

void MemoryInput::check_header() const {
  const AVCodecParameters& par = *stream()->codecpar;
  // 0 is "unknown until decoded": DurationBudget checks every decoded frame.
  if (par.sample_rate != 0 || par.ch_layout.nb_channels != 0) {
    const int rate = par.sample_rate != 0 ? par.sample_rate : limits_.min_sample_rate;
    const int channels = par.ch_layout.nb_channels != 0 ? par.ch_layout.nb_channels : 1;
    if (const std::string why = format_outside_limits(rate, channels, limits_); !why.empty())
      fail("the header states " + why);
  }
  auto seconds = stated_duration(*format_, *stream());
  if (!seconds) return;
  const auto bound = pcm_duration_bound(par, static_cast<int64_t>(cursor_.bytes.size()));
  if (bound && *bound < *seconds) seconds = bound;
  if (*seconds > limits_.max_duration_s) fail(too_long(*seconds, "the header states ", limits_));
}

int MemoryInput::read(void* opaque, uint8_t* buf, int size) {
  auto* c = static_cast<Cursor*>(opaque);
  int64_t left = static_cast<int64_t>(c->bytes.size()) - c->pos;
  if (left <= 0) return AVERROR_EOF;
  int n = static_cast<int>(std::min<int64_t>(left, size));
  std::memcpy(buf, c->bytes.data() + c->pos, static_cast<size_t>(n));
  c->pos += n;
  return n;
}

int64_t MemoryInput::seek(void* opaque, int64_t offset, int whence) {
  auto* c = static_cast<Cursor*>(opaque);
  const auto size = static_cast<int64_t>(c->bytes.size());
  whence &= ~AVSEEK_FORCE;
  int64_t target = 0;
  switch (whence) {
    case AVSEEK_SIZE: return size;
    case SEEK_SET: target = offset; break;
    case SEEK_CUR: target = c->pos + offset; break;
    case SEEK_END: target = size + offset; break;
    default: return AVERROR(EINVAL);
  }
  if (target < 0) return AVERROR(EINVAL);
  c->pos = target;  // past the end is allowed; reads there report EOF
  return target;
}

void MemoryInput::fail(const std::string& what, int errnum) const {
  std::string reason = what;
  if (errnum != 0) reason += ": " + error_string(errnum);
  std::string said = take_last_log_message();
  if (!said.empty()) reason += " (FFmpeg: " + said + ")";
  throw AudioError(name_, reason);
}

MemoryInput::MemoryInput(std::span<const uint8_t> bytes, const std::string& name, const AudioLimits& limits)
    : name_(name), limits_(limits), cursor_{bytes, 0} {
  install_quiet_logging();
  take_last_log_message();
  if (bytes.empty()) fail("empty file");

  auto* buffer = static_cast<uint8_t*>(av_malloc(kIoBufferSize));
  if (!buffer) throw std::bad_alloc();
  io_.reset(avio_alloc_context(buffer, kIoBufferSize, 0, &cursor_, &MemoryInput::read, nullptr,
                               &MemoryInput::seek));
  if (!io_) {
    av_free(buffer);
    throw std::bad_alloc();
  }

  AVFormatContext* raw = avformat_alloc_context();
  if (!raw) throw std::bad_alloc();
  raw->pb = io_.get();
  // The name is only a probing hint (its extension), as the CLI's file name is.
  int err = avformat_open_input(&raw, name.c_str(), nullptr, nullptr);
  if (err < 0) fail("cannot open input", err);  // FFmpeg freed `raw` on failure
  format_.reset(raw);

  // The CLI only gives up here when probing found no stream at all.
  err = avformat_find_stream_info(raw, nullptr);
  if (err < 0 && raw->nb_streams == 0) fail("cannot read stream information", err);
  stream_index_ = cli_audio_stream(raw);
  if (stream_index_ < 0) fail("no audio stream");
  check_header();
}

}  // namespace cartography::audio::detail
