// An FFmpeg demuxer over bytes in memory (a custom, seekable AVIOContext: nothing touches the
// disk), opened and probed the way the ffmpeg CLI opens `-i <file>`, with the CLI's choice of
// audio stream.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "audio/audio_length.hpp"
#include "audio/ffmpeg_handles.hpp"

namespace cartography::audio::detail {

class MemoryInput {
 public:
  // Throws AudioError when the bytes are not a readable container, hold no audio stream, or
  // the stream's header is beyond `limits` (rate, channels, a duration the header states).
  MemoryInput(std::span<const uint8_t> bytes, const std::string& name, const AudioLimits& limits = {});
  MemoryInput(const MemoryInput&) = delete;
  MemoryInput& operator=(const MemoryInput&) = delete;

  AVFormatContext* format() const { return format_.get(); }
  int stream_index() const { return stream_index_; }
  AVStream* stream() const { return format_->streams[stream_index_]; }
  const std::string& name() const { return name_; }
  const AudioLimits& limits() const { return limits_; }

  // Throws AudioError(name, what + FFmpeg's reason).
  [[noreturn]] void fail(const std::string& what, int errnum = 0) const;

 private:
  struct Cursor {
    std::span<const uint8_t> bytes;
    int64_t pos = 0;
  };
  static int read(void* opaque, uint8_t* buf, int size);
  static int64_t seek(void* opaque, int64_t offset, int whence);
  void check_header() const;

  std::string name_;
  AudioLimits limits_;
  Cursor cursor_;
  // Declared before format_: the demuxer is closed first, then its I/O context freed.
  IoContextPtr io_;
  InputFormatPtr format_;
  int stream_index_ = -1;
};

// What has been decoded (or demuxed) so far, held to the input's AudioLimits: add() throws
// AudioError once the audio is longer than the limit, or a frame's rate or channel count is
// outside it, so the work done on any file is bounded by the limit, not by its header.
class DurationBudget {
 public:
  explicit DurationBudget(const MemoryInput& input) : input_(input) {}
  void add(int64_t samples, int sample_rate, int channels);

 private:
  const MemoryInput& input_;
  double seconds_ = 0;
};

}  // namespace cartography::audio::detail
