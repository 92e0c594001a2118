// decoded_sample_count: the ground truth, decode everything and resample it.
#include <string>

#include "audio/audio_length.hpp"
#include "audio/decoder.hpp"
#include "audio/memory_input.hpp"
#include "audio/resample_counter.hpp"

namespace cartography::audio {

int64_t decoded_sample_count(std::span<const uint8_t> bytes, const std::string& name) {
  detail::MemoryInput input(bytes, name);
  detail::Decoder decoder(input);
  detail::ResampleCounter counter(kSampleRate);
  decoder.run([&](const AVFrame& frame) { counter.push(frame); });
  const int64_t n = counter.finish();
  if (decoder.error_rate_exceeded())
    input.fail("decode error rate too high (" + std::to_string(decoder.errors()) +
               " errors, " + std::to_string(decoder.frames_ok()) + " frames)");
  if (n == 0) input.fail("no audio samples decoded");
  return n;
}

}  // namespace cartography::audio
