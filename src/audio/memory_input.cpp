#include "audio/memory_input.hpp"

#include <algorithm>
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

}  // namespace

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

MemoryInput::MemoryInput(std::span<const uint8_t> bytes, const std::string& name)
    : name_(name), cursor_{bytes, 0} {
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
}

}  // namespace cartography::audio::detail
