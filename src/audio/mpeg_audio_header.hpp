// The 4-byte MPEG-1/2/2.5 audio frame header (layers 1-3): enough of it to know a frame's
// byte size, sample rate, channel count and how many samples it decodes to.
#pragma once

#include <cstdint>
#include <optional>

namespace cartography::audio::detail {

struct MpegAudioHeader {
  int layer = 0;          // 1, 2 or 3
  int sample_rate = 0;    // Hz
  int channels = 0;       // 1 (mono) or 2
  int frame_bytes = 0;    // whole frame, header included
  int samples = 0;        // samples per channel the frame decodes to
};

// nullopt for a bad sync word, reserved fields, or free-format bitrate (its frame size is not
// in the header).
std::optional<MpegAudioHeader> parse_mpeg_audio_header(const uint8_t* bytes, int size);

}  // namespace cartography::audio::detail
