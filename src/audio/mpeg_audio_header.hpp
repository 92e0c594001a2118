// The 4-byte MPEG-1/2/2.5 audio frame header (layers 1-3): enough of it to know a frame's
// byte size, sample rate, channel count and how many samples it decodes to.
#pragma once

#include <cstdint>
#include <optional>

namespace cartography::audio::detail {

struct MpegAudioHeader {
  int layer = 0;          // 1, 2 or 3
  bool lsf = false;       // MPEG-2 / 2.5 ("low sampling frequency"): one granule per frame
  bool crc = false;       // a 16-bit CRC follows the header
  int sample_rate = 0;    // Hz
  int channels = 0;       // 1 (mono) or 2
  int frame_bytes = 0;    // whole frame, header included
  int samples = 0;        // samples per channel the frame decodes to
};

// nullopt for a bad sync word, reserved fields, or free-format bitrate (its frame size is not
// in the header).
std::optional<MpegAudioHeader> parse_mpeg_audio_header(const uint8_t* bytes, int size);

// Whether libavcodec's layer III decoder accepts the frame's side information. It rejects a
// whole frame (outputting nothing for it) when a granule declares more than 288 big values or
// window switching with block type 0; those are the decoder's only fatal checks on a frame
// whose header is valid, so any other damage still decodes to a full frame of samples.
bool layer3_side_info_ok(const uint8_t* frame, int size, const MpegAudioHeader& header);

}  // namespace cartography::audio::detail
