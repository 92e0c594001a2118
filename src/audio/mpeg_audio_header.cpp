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
  out.lsf = !mpeg1;
  out.crc = ((h >> 16) & 1) == 0;  // protection bit 0 means "protected"
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

namespace {

class BitReader {
 public:
  BitReader(const uint8_t* p, int size) : p_(p), bits_(int64_t(size) * 8) {}
  bool has(int n) const { return pos_ + n <= bits_; }
  uint32_t read(int n) {
    uint32_t v = 0;
    for (int i = 0; i < n; ++i, ++pos_) v = (v << 1) | ((p_[pos_ >> 3] >> (7 - (pos_ & 7))) & 1u);
    return v;
  }
  void skip(int n) { pos_ += n; }

 private:
  const uint8_t* p_;
  int64_t bits_;
  int64_t pos_ = 0;
};

}  // namespace

bool layer3_side_info_ok(const uint8_t* frame, int size, const MpegAudioHeader& h) {
  if (h.layer != 3) return true;
  BitReader bits(frame, size);
  const int side_bits = h.lsf ? (h.channels == 1 ? 9 * 8 : 17 * 8) : (h.channels == 1 ? 17 * 8 : 32 * 8);
  if (!bits.has(32 + (h.crc ? 16 : 0) + side_bits)) return false;
  bits.skip(32 + (h.crc ? 16 : 0));
  // main_data_begin, private bits, and (MPEG-1) the scale factor selection info.
  bits.skip(h.lsf ? 8 + (h.channels == 1 ? 1 : 2) : 9 + (h.channels == 1 ? 5 : 3) + 4 * h.channels);
  const int granules = h.lsf ? 1 : 2;
  for (int gr = 0; gr < granules; ++gr) {
    for (int ch = 0; ch < h.channels; ++ch) {
      bits.skip(12);                          // part2_3_length
      if (bits.read(9) > 288) return false;   // big_values
      bits.skip(8 + (h.lsf ? 9 : 4));         // global_gain, scalefac_compress
      if (bits.read(1)) {                     // window switching
        if (bits.read(2) == 0) return false;  // block_type 0 is invalid here
        bits.skip(1 + 2 * 5 + 3 * 3);         // mixed block, 2 tables, subblock gains
      } else {
        bits.skip(3 * 5 + 4 + 3);             // 3 tables, region counts
      }
      bits.skip(h.lsf ? 2 : 3);               // (preflag,) scalefac_scale, count1table
    }
  }
  return true;
}

}  // namespace cartography::audio::detail
