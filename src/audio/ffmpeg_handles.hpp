// Owning handles for the FFmpeg objects the audio code uses: each FFmpeg free function wrapped
// once, so every early return and exception path releases what it allocated.
#pragma once

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
#include <libswresample/swresample.h>
}

#include <memory>
#include <string>

namespace cartography::audio::detail {

struct CodecContextDeleter {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct FrameDeleter {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct SwrDeleter {
  void operator()(SwrContext* s) const { swr_free(&s); }
};
// A custom AVIOContext owns its buffer separately (FFmpeg may have replaced it by then).
struct IoContextDeleter {
  void operator()(AVIOContext* io) const {
    av_freep(&io->buffer);
    avio_context_free(&io);
  }
};
// An opened input must be closed with avformat_close_input, which also frees it.
struct InputFormatDeleter {
  void operator()(AVFormatContext* f) const { avformat_close_input(&f); }
};

using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using SwrPtr = std::unique_ptr<SwrContext, SwrDeleter>;
using IoContextPtr = std::unique_ptr<AVIOContext, IoContextDeleter>;
using InputFormatPtr = std::unique_ptr<AVFormatContext, InputFormatDeleter>;

PacketPtr make_packet();
FramePtr make_frame();

// av_strerror as a string.
std::string error_string(int errnum);

// FFmpeg's logging is silenced once per process; the last error-level message of the calling
// thread is kept so that an AudioError can quote FFmpeg's own words.
void install_quiet_logging();
std::string take_last_log_message();

}  // namespace cartography::audio::detail
