// decode_pcm against the samples the ffmpeg CLI pipe gave the reference's load_audio
// (tests/data/train/cqt/<clip>_pcm.npy, captured by make_cqt_golden.py): MP3 and Vorbis at
// 22050 Hz mono, and a stereo 44100 Hz MP3 (downmix and another resampling ratio).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "audio/audio_length.hpp"
#include "audio/decode_pcm.hpp"
#include "latent/cqt_golden.hpp"

namespace cartography::audio {
namespace {

TEST(DecodePcm, SampleForSampleTheFfmpegCliPipe) {
  for (const std::string& file : cqt_golden::clip_files()) {
    const std::vector<uint8_t> bytes = cqt_golden::read_bytes(file);
    ASSERT_FALSE(bytes.empty()) << file;
    const std::vector<int16_t> ours = decode_pcm(bytes, file);
    const std::vector<int16_t> cli = cqt_golden::read_pcm(cqt_golden::case_of(file));
    ASSERT_EQ(ours.size(), cli.size()) << file;
    EXPECT_EQ(static_cast<int64_t>(ours.size()), decoded_sample_count(bytes, file)) << file;
    size_t differing = 0, first = ours.size();
    for (size_t i = 0; i < ours.size(); ++i)
      if (ours[i] != cli[i]) {
        ++differing;
        first = std::min(first, i);
      }
    EXPECT_EQ(differing, 0u) << file << ": first at sample " << first;
  }
}

TEST(DecodePcm, RefusesWhatTheCliRefuses) {
  const std::vector<uint8_t> garbage(5000, 0x5a);
  try {
    decode_pcm(garbage, "junk.mp3");
    FAIL() << "decoded garbage";
  } catch (const AudioError& e) {
    EXPECT_EQ(e.file, "junk.mp3");
  }
  std::vector<uint8_t> bytes = cqt_golden::read_bytes("clip_mp3.mp3");
  AudioLimits limits;
  limits.max_duration_s = 2;  // the clip has 8 s
  EXPECT_THROW(decode_pcm(bytes, "clip_mp3.mp3", limits), AudioError);
}

}  // namespace
}  // namespace cartography::audio
