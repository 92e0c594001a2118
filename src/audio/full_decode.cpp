// decoded_sample_count: the ground truth, decode everything and resample it; decode_pcm: the
// same, keeping the samples.
#include <stdexcept>
#include <string>

#include "audio/audio_length.hpp"
#include "audio/decode_pcm.hpp"
#include "audio/decoder.hpp"
#include "audio/memory_input.hpp"
#include "audio/resample_counter.hpp"

namespace cartography::audio {
namespace {

// A resampler failure (a layout libswresample cannot mix down) as an AudioError naming the
// file, like every other reason the audio is refused.
template <class Step>
void resampling(const detail::MemoryInput& input, Step step) {
  try {
    step();
  } catch (const AudioError&) {
    throw;
  } catch (const std::runtime_error& e) {
    input.fail(e.what());
  }
}

// Decodes and resamples the whole stream; appends the samples to `keep` when it is not null.
int64_t decode_all(std::span<const uint8_t> bytes, const std::string& name, const AudioLimits& limits,
                   std::vector<int16_t>* keep) {
  detail::MemoryInput input(bytes, name, limits);
  detail::Decoder decoder(input);
  detail::ResampleCounter counter(kSampleRate, keep);
  detail::DurationBudget budget(input);
  decoder.run([&](const AVFrame& frame) {
    budget.add(frame.nb_samples, frame.sample_rate, frame.ch_layout.nb_channels);
    resampling(input, [&] { counter.push(frame); });
  });
  int64_t n = 0;
  resampling(input, [&] { n = counter.finish(); });
  if (decoder.error_rate_exceeded())
    input.fail("decode error rate too high (" + std::to_string(decoder.errors()) +
               " errors, " + std::to_string(decoder.frames_ok()) + " frames)");
  if (n == 0) input.fail("no audio samples decoded");
  return n;
}

}  // namespace

int64_t decoded_sample_count(std::span<const uint8_t> bytes, const std::string& name, const AudioLimits& limits) {
  return decode_all(bytes, name, limits, nullptr);
}

std::vector<int16_t> decode_pcm(std::span<const uint8_t> bytes, const std::string& name, const AudioLimits& limits) {
  std::vector<int16_t> samples;
  decode_all(bytes, name, limits, &samples);
  return samples;
}

}  // namespace cartography::audio
