// decoded_sample_count against the ffmpeg CLI's own counts (recorded once by
// make_expected.sh, not by our code): every audio file of the fixture archives and variants.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "audio/audio_fixtures.hpp"
#include "audio/audio_length.hpp"

namespace cartography::audio {
namespace {

using testing::ExpectedAudio;

TEST(DecodedSampleCount, FixtureListCoversTheCorpus) {
  auto expected = testing::load_expected();
  int corpus = 0, real = 0, variants = 0;
  for (const auto& e : expected) {
    corpus += e.archive.rfind("corpus_small/", 0) == 0;
    real += e.archive.rfind("osz_real/", 0) == 0;
    variants += e.archive.empty();
  }
  EXPECT_EQ(corpus, 37);  // one audio file per corpus_small archive
  EXPECT_GE(real, 9);
  EXPECT_GE(variants, 20);
}

TEST(DecodedSampleCount, MatchesTheFfmpegCli) {
  for (const auto& e : testing::load_expected()) {
    if (!e.ok) continue;
    auto bytes = testing::read_bytes(e);
    EXPECT_EQ(decoded_sample_count(bytes, e.entry), e.samples) << e.label();
  }
}

TEST(DecodedSampleCount, FailsWhereTheCliFails) {
  int failures = 0;
  for (const auto& e : testing::load_expected()) {
    if (e.ok) continue;
    ++failures;
    auto bytes = testing::read_bytes(e);
    try {
      decoded_sample_count(bytes, e.entry);
      ADD_FAILURE() << e.label() << " decoded, the CLI refuses it";
    } catch (const AudioError& err) {
      EXPECT_EQ(err.file, e.entry);
      EXPECT_FALSE(err.reason.empty()) << e.label();
      EXPECT_NE(std::string(err.what()).find(e.entry), std::string::npos);
    }
  }
  EXPECT_GE(failures, 5);  // empty entries, junk, text, a 300-byte mp3 head
}

TEST(DecodedSampleCount, NonAudioBytesRaiseAudioErrorWithReason) {
  const std::vector<std::vector<uint8_t>> cases = {
      {},
      {0x00},
      {'P', 'K', 3, 4, 0, 0, 0, 0},
      std::vector<uint8_t>(5000, 0x00),
      std::vector<uint8_t>(5000, 0xFF),
      {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'},
      {'O', 'g', 'g', 'S', 0, 2, 0, 0, 0, 0, 0, 0, 0, 0},
      {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string name = "case" + std::to_string(i) + ".mp3";
    try {
      decoded_sample_count(cases[i], name);
      ADD_FAILURE() << name << " decoded";
    } catch (const AudioError& err) {
      EXPECT_EQ(err.file, name);
      EXPECT_FALSE(err.reason.empty());
    }
  }
}

TEST(DecodedSampleCount, EveryPrefixOfAFileDecodesOrFailsCleanly) {
  // Truncation at arbitrary points must give a positive count or an AudioError, never a
  // crash (the exact counts of truncated files are checked against the CLI elsewhere).
  for (const char* rel : {"audio/variants/mono_32000.mp3", "audio/variants/mono_48000.ogg",
                          "audio/variants/stereo_44100_s16.wav"}) {
    auto bytes = testing::read_file(testing::data_dir() + "/" + rel);
    int decoded = 0;
    for (size_t cut = 0; cut < bytes.size(); cut += bytes.size() / 23 + 1) {
      std::span<const uint8_t> prefix(bytes.data(), cut);
      try {
        EXPECT_GT(decoded_sample_count(prefix, rel), 0);
        ++decoded;
      } catch (const AudioError&) {
      }
    }
    EXPECT_GT(decoded, 10) << rel;
  }
}

TEST(FrameCount, IsFloorOverHopPlusOne) {
  EXPECT_EQ(frame_count(0), 1);
  EXPECT_EQ(frame_count(97), 1);
  EXPECT_EQ(frame_count(98), 2);
  EXPECT_EQ(frame_count(516490), 516490 / 98 + 1);
}

}  // namespace
}  // namespace cartography::audio
