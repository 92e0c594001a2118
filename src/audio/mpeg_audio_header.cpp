#include "audio/mpeg_audio_header.hpp"

namespace cartography::audio::detail {
namespace {

// kbit/s by [MPEG-1 ? 0 : 1][layer - 1][bitrate index]; index 0 (free format) and 15 (bad)
// are rejected before lookup.
constexpr int kBitrates[2][3][15] = {
    {{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448},
     {0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},
     {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}},
    {{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},
     {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
     {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160}}};
constexpr int kMpeg1Rates[3] = {44100, 48000, 32000};

}  // namespace

std::optional<MpegAudioHeader> parse_mpeg_audio_header(const uint8_t* p, int size) {
  if (size < 4) return std::nullopt;
  const uint32_t h = (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
  if ((h & 0xFFE00000u) != 0xFFE00000u) return std::nullopt;
  const int version = (h >> 19) & 3;  // 0: MPEG-2.5, 1: reserved, 2: MPEG-2, 3: MPEG-1
  const int layer_bits = (h >> 17) & 3;
  const int bitrate_index = (h >> 12) & 15;
  const int rate_index = (h >> 10) & 3;
  if (version == 1 || layer_bits == 0 || bitrate_index == 0 || bitrate_index == 15 ||
      rate_index == 3)
    return std::nullopt;

  MpegAudioHeader out;
  const bool mpeg1 = version == 3;
  out.layer = 4 - layer_bits;
  out.sample_rate = kMpeg1Rates[rate_index] >> (mpeg1 ? 0 : version == 2 ? 1 : 2);
  out.channels = ((h >> 6) & 3) == 3 ? 1 : 2;
  const int padding = (h >> 9) & 1;
  const int bitrate = kBitrates[mpeg1 ? 0 : 1][out.layer - 1][bitrate_index] * 1000;
  switch (out.layer) {
    case 1:
      out.samples = 384;
      out.frame_bytes = (12 * bitrate / out.sample_rate + padding) * 4;
      break;
    case 2:
      out.samples = 1152;
      out.frame_bytes = 144 * bitrate / out.sample_rate + padding;
      break;
    default:  // layer 3: MPEG-2/2.5 frames hold one granule per channel, half of MPEG-1's
      out.samples = mpeg1 ? 1152 : 576;
      out.frame_bytes = (mpeg1 ? 144 : 72) * bitrate / out.sample_rate + padding;
      break;
  }
  return out;
}

}  // namespace cartography::audio::detail
