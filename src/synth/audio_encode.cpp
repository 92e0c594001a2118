#include "synth/audio_encode.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

namespace cartography::synth {
namespace {

[[noreturn]] void fail(const std::string& what, int err = 0) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  if (err) av_strerror(err, buf, sizeof buf);
  throw EncodeError("audio encoding: " + what + (err ? std::string(": ") + buf : ""));
}

// A growing, seekable byte buffer as an AVIOContext: the mp3 muxer seeks back to fill in the
// Xing header once it knows the frame count.
class MemoryOutput {
 public:
  MemoryOutput() {
    auto* buffer = static_cast<uint8_t*>(av_malloc(kBufferSize));
    if (!buffer) throw std::bad_alloc();
    io_ = avio_alloc_context(buffer, kBufferSize, 1, this, nullptr, &MemoryOutput::write,
                             &MemoryOutput::seek);
    if (!io_) {
      av_free(buffer);
      throw std::bad_alloc();
    }
  }
  ~MemoryOutput() {
    if (io_) av_freep(&io_->buffer);
    avio_context_free(&io_);
  }
  MemoryOutput(const MemoryOutput&) = delete;
  MemoryOutput& operator=(const MemoryOutput&) = delete;

  AVIOContext* io() { return io_; }
  std::vector<uint8_t> take() {
    avio_flush(io_);
    return std::move(bytes_);
  }

 private:
  static constexpr int kBufferSize = 65536;
  // FFmpeg 5.x declares the buffer non-const (7.x adds const).
  static int write(void* opaque, uint8_t* buf, int size) {
    auto* self = static_cast<MemoryOutput*>(opaque);
    const size_t end = self->pos_ + static_cast<size_t>(size);
    if (self->bytes_.size() < end) self->bytes_.resize(end);
    std::memcpy(self->bytes_.data() + self->pos_, buf, static_cast<size_t>(size));
    self->pos_ = end;
    return size;
  }
  static int64_t seek(void* opaque, int64_t offset, int whence) {
    auto* self = static_cast<MemoryOutput*>(opaque);
    whence &= ~AVSEEK_FORCE;
    if (whence == AVSEEK_SIZE) return static_cast<int64_t>(self->bytes_.size());
    int64_t target = whence == SEEK_SET   ? offset
                     : whence == SEEK_CUR ? static_cast<int64_t>(self->pos_) + offset
                     : whence == SEEK_END ? static_cast<int64_t>(self->bytes_.size()) + offset
                                          : -1;
    if (target < 0) return AVERROR(EINVAL);
    self->pos_ = static_cast<size_t>(target);
    return target;
  }

  AVIOContext* io_ = nullptr;
  std::vector<uint8_t> bytes_;
  size_t pos_ = 0;
};

struct OutputFormatDeleter {
  void operator()(AVFormatContext* f) const { avformat_free_context(f); }
};
struct CodecDeleter {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameDeleter {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};

std::unique_ptr<AVCodecContext, CodecDeleter> open_encoder(const AVCodec* codec,
                                                           const AudioVariant& v,
                                                           bool global_header) {
  std::unique_ptr<AVCodecContext, CodecDeleter> c(avcodec_alloc_context3(codec));
  if (!c) throw std::bad_alloc();
  c->sample_fmt = AV_SAMPLE_FMT_FLTP;  // both libmp3lame and libvorbis take planar float
  c->sample_rate = v.sample_rate;
  av_channel_layout_default(&c->ch_layout, v.channels);
  c->time_base = {1, v.sample_rate};
  c->flags |= AV_CODEC_FLAG_BITEXACT;
  if (global_header) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (v.bitrate_kbps > 0) {
    c->bit_rate = int64_t(v.bitrate_kbps) * 1000;
  } else {  // VBR: -V level for LAME, -q level for Vorbis, both through global_quality
    c->flags |= AV_CODEC_FLAG_QSCALE;
    c->global_quality = static_cast<int>(v.quality * FF_QP2LAMBDA);
  }
  // LAME's fastest psychoacoustics: a synthetic corpus needs valid frames, not fidelity.
  if (v.codec == AudioCodec::mp3) c->compression_level = 9;
  c->thread_count = 1;
  int err = avcodec_open2(c.get(), codec, nullptr);
  if (err < 0) fail(std::string("cannot open ") + codec->name, err);
  return c;
}

class Muxer {
 public:
  explicit Muxer(const AudioVariant& v) {
    AVFormatContext* raw = nullptr;
    const char* format = v.codec == AudioCodec::mp3 ? "mp3" : "ogg";
    int err = avformat_alloc_output_context2(&raw, nullptr, format, nullptr);
    if (err < 0 || !raw) fail(std::string("no ") + format + " muxer", err);
    format_.reset(raw);
    raw->flags |= AVFMT_FLAG_BITEXACT;
    raw->pb = out_.io();
    const char* name = v.codec == AudioCodec::mp3 ? "libmp3lame" : "libvorbis";
    const AVCodec* codec = avcodec_find_encoder_by_name(name);
    if (!codec) fail(std::string("FFmpeg was built without ") + name);
    codec_ = open_encoder(codec, v, raw->oformat->flags & AVFMT_GLOBALHEADER);
    stream_ = avformat_new_stream(raw, nullptr);
    if (!stream_) throw std::bad_alloc();
    err = avcodec_parameters_from_context(stream_->codecpar, codec_.get());
    if (err < 0) fail("stream parameters", err);
    stream_->time_base = codec_->time_base;
    AVDictionary* opts = nullptr;
    if (v.codec == AudioCodec::mp3) {
      av_dict_set(&opts, "write_xing", v.xing ? "1" : "0", 0);
      av_dict_set(&opts, "id3v2_version", "0", 0);  // no ID3 tag: nothing to vary
    }
    err = avformat_write_header(raw, &opts);
    av_dict_free(&opts);
    if (err < 0) fail("cannot write header", err);
  }

  std::vector<uint8_t> encode(const Pcm& pcm) {
    std::unique_ptr<AVFrame, FrameDeleter> frame(av_frame_alloc());
    std::unique_ptr<AVPacket, PacketDeleter> packet(av_packet_alloc());
    if (!frame || !packet) throw std::bad_alloc();
    const int chunk = codec_->frame_size > 0 ? codec_->frame_size : 1024;
    const size_t total = pcm.frames();
    for (size_t done = 0; done < total;) {
      const int n = static_cast<int>(std::min<size_t>(chunk, total - done));
      fill(*frame, pcm, done, n);
      send(frame.get(), packet.get());
      done += static_cast<size_t>(n);
    }
    send(nullptr, packet.get());
    int err = av_write_trailer(format_.get());
    if (err < 0) fail("cannot finish the file", err);
    return out_.take();
  }

 private:
  void fill(AVFrame& frame, const Pcm& pcm, size_t from, int n) {
    av_frame_unref(&frame);
    frame.nb_samples = n;
    frame.format = codec_->sample_fmt;
    frame.sample_rate = codec_->sample_rate;
    int err = av_channel_layout_copy(&frame.ch_layout, &codec_->ch_layout);
    if (err >= 0) err = av_frame_get_buffer(&frame, 0);
    if (err < 0) fail("frame buffer", err);
    for (size_t ch = 0; ch < pcm.channels.size(); ++ch)
      std::memcpy(frame.extended_data[ch], pcm.channels[ch].data() + from, sizeof(float) * static_cast<size_t>(n));
    frame.pts = static_cast<int64_t>(from);
  }

  void send(AVFrame* frame, AVPacket* packet) {
    int err = avcodec_send_frame(codec_.get(), frame);
    if (err < 0) fail("encoder refused a frame", err);
    while ((err = avcodec_receive_packet(codec_.get(), packet)) >= 0) {
      av_packet_rescale_ts(packet, codec_->time_base, stream_->time_base);
      packet->stream_index = stream_->index;
      err = av_interleaved_write_frame(format_.get(), packet);
      if (err < 0) fail("cannot write a packet", err);
    }
    if (err != AVERROR(EAGAIN) && err != AVERROR_EOF) fail("encoder failed", err);
  }

  MemoryOutput out_;  // outlives format_, whose pb it is
  std::unique_ptr<AVFormatContext, OutputFormatDeleter> format_;
  std::unique_ptr<AVCodecContext, CodecDeleter> codec_;
  AVStream* stream_ = nullptr;
};

}  // namespace

std::vector<uint8_t> encode_audio(const Pcm& pcm, const AudioVariant& variant) {
  if (pcm.channels.size() != static_cast<size_t>(variant.channels) || pcm.frames() == 0)
    throw EncodeError("audio encoding: PCM does not match the variant");
  Muxer muxer(variant);
  return muxer.encode(pcm);
}

}  // namespace cartography::synth
