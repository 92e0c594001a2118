// The samples themselves: what the reference pipeline's `ffmpeg -i f -f s16le -ac 1 -acodec
// pcm_s16le -ar 16384 -` pipe writes, decoded from bytes in memory (the reference's
// load_audio then divides them by 2^15 and takes the CQT, src/latent/cqt.hpp).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "audio/audio_length.hpp"

namespace cartography::audio {

// Mono s16 samples at kSampleRate, sample for sample those of the CLI pipe; size() ==
// decoded_sample_count(bytes, name, limits). Throws AudioError as decoded_sample_count does.
// Memory: 2 bytes per output sample (AudioLimits::max_duration_s bounds it: 2 h = 236 MB).
std::vector<int16_t> decode_pcm(std::span<const uint8_t> bytes, const std::string& name,
                                const AudioLimits& limits = {});

}  // namespace cartography::audio
