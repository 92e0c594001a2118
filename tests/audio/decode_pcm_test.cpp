// decode_pcm against the samples the ffmpeg CLI pipe gave the reference's load_audio
// (tests/data/train/cqt/<clip>_pcm.npy, captured by make_cqt_golden.py): MP3 and Vorbis at
// 22050 Hz mono, and a stereo 44100 Hz MP3 (downmix and another resampling ratio); and against
// digests of the CLI's samples for every file the audio tests decode (pcm_digests.json, made by
// make_pcm_digests.py): FLAC, Opus, WAV s16/s24, MP2, 11-48 kHz, corrupt and truncated files.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "audio/audio_fixtures.hpp"
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

// FNV-1a 64 of the samples as the s16le bytes the CLI writes.
uint64_t fnv1a64(const std::vector<int16_t>& samples) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (int16_t s : samples)
    for (int shift : {0, 8}) h = (h ^ ((static_cast<uint16_t>(s) >> shift) & 0xff)) * 0x100000001b3ull;
  return h;
}

TEST(DecodePcm, MatchesTheCliOnEveryFixtureFile) {
  std::ifstream in(cqt_golden::dir() + "/pcm_digests.json");
  ASSERT_TRUE(in.good());
  using Key = std::tuple<std::string, int64_t, std::string>;
  std::map<Key, nlohmann::json> digests;
  const nlohmann::json file = nlohmann::json::parse(in);
  for (const auto& row : file.at("entries"))
    digests[{row["archive"].is_null() ? "" : row["archive"].get<std::string>(),
             row["index"].is_null() ? -1 : row["index"].get<int64_t>(), row["entry"].get<std::string>()}] = row;
  int checked = 0;
  for (const auto& e : testing::load_expected()) {
    if (!e.ok) continue;
    const auto it = digests.find({e.archive, e.index, e.entry});
    ASSERT_TRUE(it != digests.end()) << e.label() << " has no digest: rerun make_pcm_digests.py";
    const std::vector<int16_t> pcm = decode_pcm(testing::read_bytes(e), e.entry);
    EXPECT_EQ(static_cast<int64_t>(pcm.size()), it->second["samples"].get<int64_t>()) << e.label();
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a64(pcm)));
    EXPECT_EQ(hex, it->second["fnv1a64"].get<std::string>()) << e.label();
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(digests.size()));
  EXPECT_GE(checked, 60);
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
