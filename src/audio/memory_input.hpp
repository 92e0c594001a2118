// An FFmpeg demuxer over bytes in memory (a custom, seekable AVIOContext: nothing touches the
// disk), opened and probed the way the ffmpeg CLI opens `-i <file>`, with the CLI's choice of
// audio stream.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "audio/ffmpeg_handles.hpp"

namespace cartography::audio::detail {

class MemoryInput {
 public:
  // Throws AudioError when the bytes are not a readable container or hold no audio stream.
  MemoryInput(std::span<const uint8_t> bytes, const std::string& name);
  MemoryInput(const MemoryInput&) = delete;
  MemoryInput& operator=(const MemoryInput&) = delete;

  AVFormatContext* format() const { return format_.get(); }
  int stream_index() const { return stream_index_; }
  AVStream* stream() const { return format_->streams[stream_index_]; }
  const std::string& name() const { return name_; }

  // Throws AudioError(name, what + FFmpeg's reason).
  [[noreturn]] void fail(const std::string& what, int errnum = 0) const;

 private:
  struct Cursor {
    std::span<const uint8_t> bytes;
    int64_t pos = 0;
  };
  static int read(void* opaque, uint8_t* buf, int size);
  static int64_t seek(void* opaque, int64_t offset, int whence);

  std::string name_;
  Cursor cursor_;
  // Declared before format_: the demuxer is closed first, then its I/O context freed.
  IoContextPtr io_;
  InputFormatPtr format_;
  int stream_index_ = -1;
};

}  // namespace cartography::audio::detail
