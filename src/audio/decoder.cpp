#include "audio/decoder.hpp"

#include <new>
#include <string>

namespace cartography::audio::detail {

Decoder::Decoder(const MemoryInput& input) : input_(input), frame_(make_frame()) {
  const AVCodecParameters* par = input.stream()->codecpar;
  const AVCodec* codec = avcodec_find_decoder(par->codec_id);
  if (!codec) input.fail(std::string("no decoder for codec ") + avcodec_get_name(par->codec_id));
  codec_.reset(avcodec_alloc_context3(codec));
  if (!codec_) throw std::bad_alloc();
  int err = avcodec_parameters_to_context(codec_.get(), par);
  if (err < 0) input.fail("bad codec parameters", err);
  codec_->pkt_timebase = input.stream()->time_base;
  // One thread: the sample count does not depend on it, and decoders then log on our thread.
  codec_->thread_count = 1;
  err = avcodec_open2(codec_.get(), codec, nullptr);
  if (err < 0) input.fail(std::string("cannot open decoder ") + codec->name, err);
}

void Decoder::receive_all(const std::function<void(const AVFrame&)>& on_frame) {
  for (;;) {
    int err = avcodec_receive_frame(codec_.get(), frame_.get());
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return;
    if (err < 0) {
      ++errors_;
      return;
    }
    ++frames_ok_;
    on_frame(*frame_);
    av_frame_unref(frame_.get());
  }
}

void Decoder::run(const std::function<void(const AVFrame&)>& on_frame) {
  PacketPtr packet = make_packet();
  AVFormatContext* format = input_.format();
  // A read error ends the input like EOF does in the CLI; what was decoded so far counts.
  while (av_read_frame(format, packet.get()) >= 0) {
    if (packet->stream_index == input_.stream_index()) {
      int err = avcodec_send_packet(codec_.get(), packet.get());
      if (err < 0 && err != AVERROR_EOF)
        ++errors_;
      else
        receive_all(on_frame);
    }
    av_packet_unref(packet.get());
  }
  if (avcodec_send_packet(codec_.get(), nullptr) >= 0) receive_all(on_frame);
}

}  // namespace cartography::audio::detail
