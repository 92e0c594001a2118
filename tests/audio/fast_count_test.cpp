// fast_sample_count: equal to the CLI's N on every fixture, and actually fast (no decode) on
// the codecs it models; resampled_length equal to libswresample's real output length.
#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libswresample/swresample.h>
}

#include "audio/audio_fixtures.hpp"
#include "audio/audio_length.hpp"

namespace cartography::audio {
namespace {

// Damaged files may or may not be modelled; everything else in these formats must be.
bool must_be_fast(const testing::ExpectedAudio& e) {
  const std::string ext = e.extension();
  const bool modelled = ext == ".mp3" || ext == ".mp2" || ext == ".ogg" || ext == ".wav";
  const bool damaged = e.entry.find("truncated_") != std::string::npos ||
                       e.entry.find("corrupt_") != std::string::npos;
  return modelled && !damaged;
}

TEST(FastSampleCount, EqualsTheCliCountOnEveryFixture) {
  int fast = 0;
  for (const auto& e : testing::load_expected()) {
    if (!e.ok) continue;
    auto bytes = testing::read_bytes(e);
    SampleCount c = count_samples(bytes, e.entry);
    EXPECT_EQ(c.samples, e.samples) << e.label() << (c.fast ? " (fast)" : " (decoded)");
    if (must_be_fast(e)) {
      EXPECT_TRUE(c.fast) << e.label() << ": " << c.fallback_reason;
    }
    if (!c.fast) {
      EXPECT_FALSE(c.fallback_reason.empty()) << e.label();
    }
    fast += c.fast;
    EXPECT_EQ(fast_sample_count(bytes, e.entry), e.samples) << e.label();
  }
  EXPECT_GE(fast, 55);
}

TEST(FastSampleCount, FailsLikeTheFullDecode) {
  for (const auto& e : testing::load_expected()) {
    if (e.ok) continue;
    auto bytes = testing::read_bytes(e);
    EXPECT_THROW(fast_sample_count(bytes, e.entry), AudioError) << e.label();
  }
}

TEST(FastSampleCount, EqualsFullDecodeOnEveryPrefix) {
  // Truncated streams exercise the trimming rules at every position of the file.
  for (const char* rel : {"audio/variants/stereo_44100_cbr.mp3", "audio/variants/mono_48000.ogg",
                          "audio/variants/mono_11025_mpeg25.mp3"}) {
    auto bytes = testing::read_file(testing::data_dir() + "/" + rel);
    for (size_t cut = 1000; cut < bytes.size(); cut += bytes.size() / 17 + 1) {
      std::span<const uint8_t> prefix(bytes.data(), cut);
      int64_t full = -1, fast = -2;
      try { full = decoded_sample_count(prefix, rel); } catch (const AudioError&) {}
      try { fast = fast_sample_count(prefix, rel); } catch (const AudioError&) { fast = -1; }
      EXPECT_EQ(fast, full) << rel << " cut at " << cut;
    }
  }
}

TEST(FastSampleCount, EqualsFullDecodeOnRandomlyCorruptedFiles) {
  // Bit flips anywhere: in headers (the demuxer resyncs), in layer III side information (the
  // decoder drops the frame), in Ogg pages (the CRC drops the page), in payloads (noise). The
  // fast path must either model the damage exactly or notice it and decode. (Checked offline
  // on 10,000 such files; a sample here.)
  int fast = 0, total = 0;
  for (const char* rel : {"audio/variants/stereo_44100_cbr.mp3", "audio/variants/mono_11025_mpeg25.mp3",
                          "audio/variants/stereo_48000_vbr.mp3", "audio/variants/stereo_44100.mp2",
                          "audio/variants/mono_48000.ogg", "audio/variants/stereo_44100_s16.wav"}) {
    const auto original = testing::read_file(testing::data_dir() + "/" + rel);
    std::mt19937_64 rng(std::hash<std::string>{}(rel) ^ 0x5eed);
    for (int m = 0; m < 40; ++m) {
      auto bytes = original;
      const int flips = 1 + static_cast<int>(rng() % 20);
      for (int k = 0; k < flips; ++k) {
        const size_t pos = rng() % bytes.size();
        bytes[pos] = static_cast<uint8_t>(bytes[pos] ^ (1u << (rng() % 8)));
      }
      int64_t full = -1, quick = -1;
      try { full = decoded_sample_count(bytes, rel); } catch (const AudioError&) {}
      try {
        SampleCount c = count_samples(bytes, rel);
        quick = c.samples;
        fast += c.fast;
      } catch (const AudioError&) {}
      ++total;
      EXPECT_EQ(quick, full) << rel << " mutation " << m;
    }
  }
  EXPECT_GT(fast, total / 3);  // most damage is still modelled, not decoded
}

// libswresample's real output length for m silent samples at `rate`, fed in `chunk`s.
int64_t swr_output_length(int64_t m, int rate, int chunk) {
  SwrContext* swr = nullptr;
  AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
  swr_alloc_set_opts2(&swr, &mono, AV_SAMPLE_FMT_S16, kSampleRate, &mono, AV_SAMPLE_FMT_FLTP,
                      rate, 0, nullptr);
  EXPECT_EQ(swr_init(swr), 0);
  std::vector<float> in(chunk, 0.0f);
  std::vector<int16_t> out(4 * chunk + 4096);
  int64_t total = 0;
  uint8_t* out_planes[1] = {reinterpret_cast<uint8_t*>(out.data())};
  for (int64_t done = 0; done < m;) {
    const int n = static_cast<int>(std::min<int64_t>(chunk, m - done));
    const uint8_t* in_planes[1] = {reinterpret_cast<const uint8_t*>(in.data())};
    total += swr_convert(swr, out_planes, static_cast<int>(out.size()), in_planes, n);
    done += n;
  }
  for (int n; (n = swr_convert(swr, out_planes, static_cast<int>(out.size()), nullptr, 0)) > 0;)
    total += n;
  swr_free(&swr);
  return total;
}

const int kRates[] = {8000, 11025, 12000, 16000, 16384, 22050, 24000, 32000,
                      37800, 44100, 48000, 64000, 88200, 96000, 192000};

TEST(ResampledLength, MatchesLibswresampleForShortLengths) {
  // Every length through the start-up regime (the resampler waits for F + 1 samples, F up to
  // 388 here), then a sparser sweep.
  for (int rate : kRates)
    for (int64_t m = 0; m <= 3000; m += m < 450 ? 1 : 11)
      ASSERT_EQ(resampled_length(m, rate), swr_output_length(m, rate, 1152))
          << rate << " Hz, " << m << " samples";
}

TEST(ResampledLength, MatchesLibswresampleForLongInputsAndAnyChunking) {
  std::mt19937_64 rng(20240611);
  for (int rate : kRates)
    for (int chunk : {576, 1152, 4096, 100003}) {
      const int64_t m = std::uniform_int_distribution<int64_t>(1500, 4'000'000)(rng);
      EXPECT_EQ(resampled_length(m, rate), swr_output_length(m, rate, chunk))
          << rate << " Hz, " << m << " samples in chunks of " << chunk;
    }
}

}  // namespace
}  // namespace cartography::audio
