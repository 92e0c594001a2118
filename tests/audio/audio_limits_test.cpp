// AudioLimits: absurd sample rates and channel counts are refused from the header; durations
// beyond the limit are refused from the header where it states one, and otherwise decoding
// stops once past the limit (a header that lies buys no work). WAV files are generated here;
// the mp3 is a fixture whose header states no duration.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "audio/audio_fixtures.hpp"
#include "audio/audio_length.hpp"

namespace cartography::audio {
namespace {

struct Wav {
  int rate = 8000;
  int channels = 1;
  int bits = 16;
  int64_t frames = 8000;
  int64_t stated_data_bytes = -1;  // the data chunk's size field; -1: the true size
};

void put32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void put16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v));
  out.push_back(static_cast<uint8_t>(v >> 8));
}
void put_tag(std::vector<uint8_t>& out, const char* tag) { out.insert(out.end(), tag, tag + 4); }

// A PCM WAV of a quiet sawtooth.
std::vector<uint8_t> make_wav(const Wav& w) {
  const int64_t block = w.channels * w.bits / 8;
  const int64_t data = w.frames * block;
  std::vector<uint8_t> out;
  put_tag(out, "RIFF");
  put32(out, static_cast<uint32_t>(36 + data));
  put_tag(out, "WAVE");
  put_tag(out, "fmt ");
  put32(out, 16);
  put16(out, 1);  // PCM
  put16(out, static_cast<uint16_t>(w.channels));
  put32(out, static_cast<uint32_t>(w.rate));
  put32(out, static_cast<uint32_t>(w.rate * block));
  put16(out, static_cast<uint16_t>(block));
  put16(out, static_cast<uint16_t>(w.bits));
  put_tag(out, "data");
  put32(out, static_cast<uint32_t>(w.stated_data_bytes >= 0 ? w.stated_data_bytes : data));
  for (int64_t i = 0; i < data; ++i) out.push_back(static_cast<uint8_t>(i % 64));
  return out;
}

using Counter = std::function<int64_t(std::span<const uint8_t>, const std::string&, const AudioLimits&)>;

// Both paths: the packet-based count and the full decode.
std::vector<std::pair<const char*, Counter>> counters() {
  return {{"fast", [](auto b, auto& n, auto& l) { return count_samples(b, n, l).samples; }},
          {"decode", [](auto b, auto& n, auto& l) { return decoded_sample_count(b, n, l); }}};
}

// The reason a file is refused ("" if it is counted).
std::string refusal(const Counter& count, const std::vector<uint8_t>& bytes, const AudioLimits& limits = {}) {
  try {
    EXPECT_GT(count(bytes, "song.wav", limits), 0);
    return "";
  } catch (const AudioError& e) {
    EXPECT_EQ(e.file, "song.wav");
    EXPECT_EQ(std::string(e.what()).rfind("song.wav: ", 0), 0u) << e.what();
    return e.reason;
  }
}

::testing::AssertionResult refused_for(const std::string& reason, const std::string& part) {
  if (reason.empty()) return ::testing::AssertionFailure() << "counted";
  if (reason.find(part) == std::string::npos) return ::testing::AssertionFailure() << "refused for: " << reason;
  return ::testing::AssertionSuccess();
}

TEST(AudioLimits, AbsurdSampleRatesAreRefusedFromTheHeader) {
  for (const auto& [path, count] : counters()) {
    SCOPED_TRACE(path);
    // 1 Hz: 7,200 samples (14 KB) would resample into two hours at 16384 Hz.
    EXPECT_TRUE(refused_for(refusal(count, make_wav({.rate = 1, .frames = 7200})),
                            "sample rate 1 Hz is outside 4000 to 192000 Hz"));
    EXPECT_TRUE(refused_for(refusal(count, make_wav({.rate = 384000, .frames = 100})), "sample rate 384000 Hz"));
    EXPECT_EQ(refusal(count, make_wav({.rate = 4000, .frames = 4000})), "");
    EXPECT_EQ(refusal(count, make_wav({.rate = 192000, .frames = 1000})), "");
  }
}

TEST(AudioLimits, AbsurdChannelCountsAreRefused) {
  for (const auto& [path, count] : counters()) {
    SCOPED_TRACE(path);
    EXPECT_TRUE(refused_for(refusal(count, make_wav({.channels = 9, .frames = 100})),
                            "9 channels, not 1 to 8 (AudioLimits::max_channels)"));
    EXPECT_TRUE(refused_for(refusal(count, make_wav({.channels = 1000, .frames = 10})), "1000 channels"));
    EXPECT_EQ(refusal(count, make_wav({.channels = 8, .frames = 100})), "");
  }
}

TEST(AudioLimits, AResamplerFailureIsAnAudioErrorNamingTheFile) {
  // Ten channels in a plain WAV have no standard layout to mix down from.
  AudioLimits many;
  many.max_channels = 16;
  EXPECT_TRUE(refused_for(refusal(counters()[1].second, make_wav({.channels = 10, .frames = 100}), many),
                          "cannot configure the resampler for 8000 Hz, 10 channels"));
}

TEST(AudioLimits, DurationStatedByTheHeaderIsRefusedBeforeDecoding) {
  AudioLimits one_second;
  one_second.max_duration_s = 1;
  for (const auto& [path, count] : counters()) {
    SCOPED_TRACE(path);
    EXPECT_TRUE(refused_for(refusal(count, make_wav({.frames = 16000}), one_second),
                            "the header states 2.0 s, longer than 1.0 s (AudioLimits::max_duration_s)"));
    EXPECT_EQ(refusal(count, make_wav({.frames = 8000}), one_second), "");
  }
  // The default: two hours. 8000 Hz 8-bit mono for 2 h 0 min 1 s is 57.6 MB.
  EXPECT_EQ(AudioLimits{}.max_duration_s, 7200);
  const auto long_wav = make_wav({.bits = 8, .frames = 8000 * 7201});
  EXPECT_TRUE(refused_for(refusal(counters()[0].second, long_wav), "the header states 7201.0 s"));
}

TEST(AudioLimits, AHeaderClaimingMoreThanTheFileHoldsIsCappedByTheFileSize) {
  // A streamed WAV's data size 0xFFFFFFFF (74 hours at 8000 Hz 16-bit): the file holds 0.5 s,
  // which is what is counted, the same as for the honest header.
  AudioLimits one_second;
  one_second.max_duration_s = 1;
  const auto honest = make_wav({.frames = 4000});
  const auto lying = make_wav({.frames = 4000, .stated_data_bytes = 0xFFFFFFFF});
  for (const auto& [path, count] : counters()) {
    SCOPED_TRACE(path);
    EXPECT_EQ(refusal(count, lying, one_second), "");
    EXPECT_EQ(count(lying, "song.wav", one_second), count(honest, "song.wav", one_second));
  }
}

TEST(AudioLimits, DecodingStopsOncePastTheLimitWhenTheHeaderStatesNoDuration) {
  // An mp3 without a Xing header: the demuxer only estimates its duration from the bit rate,
  // which is not trusted; the packets (fast path) and the frames (full decode) are counted
  // against the limit as they come.
  const auto bytes = testing::read_file(testing::data_dir() + "/audio/variants/mono_24000_no_xing.mp3");
  const double seconds = double(decoded_sample_count(bytes, "song.wav")) / kSampleRate;
  ASSERT_GT(seconds, 1.0);
  AudioLimits half;
  half.max_duration_s = seconds / 2;
  AudioLimits ample;
  ample.max_duration_s = seconds + 1;
  for (const auto& [path, count] : counters()) {
    SCOPED_TRACE(path);
    EXPECT_TRUE(refused_for(refusal(count, bytes, half), "stopped decoding after "));
    EXPECT_EQ(refusal(count, bytes, ample), "");
  }
}

}  // namespace
}  // namespace cartography::audio
