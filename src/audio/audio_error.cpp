#include "audio/audio_length.hpp"

namespace cartography::audio {

AudioError::AudioError(const std::string& f, const std::string& r)
    : std::runtime_error(f + ": " + r), file(f), reason(r) {}

}  // namespace cartography::audio
