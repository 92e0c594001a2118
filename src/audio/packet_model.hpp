// What a decoder will output for each demuxed packet, computed from the packet's own header
// bytes instead of decoding it. Used by the fast path; every model answers "not sure" (nullopt,
// with a reason) rather than guess, and the caller then decodes for real.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

extern "C" {
#include <libavcodec/packet.h>
#include <libavformat/avformat.h>
}

namespace cartography::audio::detail {

struct PacketSamples {
  int64_t samples = 0;  // what the decoder outputs for this packet (0: no frame)
  int sample_rate = 0;
  int channels = 0;
};

class PacketModel {
 public:
  virtual ~PacketModel() = default;
  // nullopt when the decoder's output for this packet cannot be predicted with certainty.
  virtual std::optional<PacketSamples> samples(const AVPacket& packet) = 0;
  const std::string& why_not() const { return why_not_; }

 protected:
  std::optional<PacketSamples> unsure(std::string why) {
    why_not_ = std::move(why);
    return std::nullopt;
  }

 private:
  std::string why_not_;
};

// A model for the stream's codec (MPEG audio layers 1-3, Vorbis, plain PCM), or nullptr with
// `why` set when the codec has none.
std::unique_ptr<PacketModel> make_packet_model(const AVStream& stream, std::string& why);

}  // namespace cartography::audio::detail
