// fast_sample_count: N from the demuxed packets alone (no decoding, no resampling).
//
// The sample count the CLI produces is: decoder output per packet, minus what libavcodec
// trims following the demuxer's AV_PKT_DATA_SKIP_SAMPLES side data (encoder delay at the
// start, padding at the end: LAME/Xing headers for mp3, granule positions for ogg), run
// through the resampler, whose output length is a closed form of its input length.
// Anything outside that model (unknown codec, a format change mid-stream, a packet the
// model cannot size) falls back to decoding.
#include <optional>
#include <string>

#include "audio/audio_length.hpp"
#include "audio/memory_input.hpp"
#include "audio/packet_model.hpp"

extern "C" {
#include <libavutil/intreadwrite.h>
}

namespace cartography::audio {
namespace {

// libavcodec's handling of AV_PKT_DATA_SKIP_SAMPLES (decode.c): a packet's side data sets the
// pending skip (it is not added) and a discard for that packet's frame; the skip eats whole
// frames and carries over, the discard applies only when it fits inside what is left.
class Trimmer {
 public:
  int64_t apply(const AVPacket& packet, int64_t samples) {
    size_t size = 0;
    const uint8_t* side = av_packet_get_side_data(&packet, AV_PKT_DATA_SKIP_SAMPLES, &size);
    uint32_t discard = 0;
    if (side && size >= 10) {
      skip_ = static_cast<int32_t>(AV_RL32(side));
      discard = AV_RL32(side + 4);
    }
    if (samples <= 0) return 0;  // no frame: nothing to trim, the pending skip stays
    if (skip_ > 0) {
      if (samples <= skip_) {
        skip_ -= static_cast<int32_t>(samples);
        return 0;
      }
      samples -= skip_;
      skip_ = 0;
    }
    if (discard > 0 && discard <= samples) samples -= discard;
    return samples;
  }

 private:
  int32_t skip_ = 0;
};

struct PacketTotals {
  int64_t samples = 0;
  int sample_rate = 0;
};

// Sums the trimmed decoder output over the stream's packets; nullopt (and `why`) when the
// model is unsure of any packet or the format changes (the CLI would rebuild its filters).
std::optional<PacketTotals> scan_packets(const detail::MemoryInput& input, std::string& why) {
  auto model = detail::make_packet_model(*input.stream(), why);
  if (!model) return std::nullopt;
  auto packet = detail::make_packet();
  detail::DurationBudget budget(input);
  Trimmer trimmer;
  PacketTotals totals;
  int channels = 0;
  int err = 0;
  while ((err = av_read_frame(input.format(), packet.get())) >= 0) {
    if (packet->stream_index == input.stream_index()) {
      auto s = model->samples(*packet);
      if (!s) {
        why = model->why_not();
        return std::nullopt;
      }
      if (s->samples > 0) {
        budget.add(s->samples, s->sample_rate, s->channels);
        if (totals.sample_rate == 0) {
          totals.sample_rate = s->sample_rate;
          channels = s->channels;
        } else if (s->sample_rate != totals.sample_rate || s->channels != channels) {
          why = "sample rate or channel count changes mid-stream";
          return std::nullopt;
        }
      }
      totals.samples += trimmer.apply(*packet, s->samples);
    }
    av_packet_unref(packet.get());
  }
  if (err != AVERROR_EOF) {
    why = "demuxer stopped before the end: " + detail::error_string(err);
    return std::nullopt;
  }
  if (totals.samples <= 0 || totals.sample_rate <= 0) {
    why = "no samples in the packets";
    return std::nullopt;
  }
  return totals;
}

}  // namespace

SampleCount count_samples(std::span<const uint8_t> bytes, const std::string& name, const AudioLimits& limits) {
  std::string why;
  {
    detail::MemoryInput input(bytes, name, limits);  // throws for what the CLI cannot open either
    if (auto totals = scan_packets(input, why))
      return {resampled_length(totals->samples, totals->sample_rate), true, {}};
  }
  return {decoded_sample_count(bytes, name, limits), false, why};
}

int64_t fast_sample_count(std::span<const uint8_t> bytes, const std::string& name, const AudioLimits& limits) {
  return count_samples(bytes, name, limits).samples;
}

}  // namespace cartography::audio
