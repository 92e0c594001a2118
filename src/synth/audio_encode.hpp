// Encodes rendered PCM to an mp3 (libmp3lame) or Ogg Vorbis (libvorbis) file in memory with
// FFmpeg's libraries. Bit-exact mode (no library version strings, fixed Ogg serials) makes
// the bytes a function of the input alone.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "synth/audio_render.hpp"
#include "synth/corpus_plan.hpp"

namespace cartography::synth {

struct EncodeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::vector<uint8_t> encode_audio(const Pcm& pcm, const AudioVariant& variant);

}  // namespace cartography::synth
