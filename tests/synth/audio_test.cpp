// The corpus' audio: real mp3/ogg files that FFmpeg decodes to the planned length (the
// rendered seconds, give or take encoder delay and padding), lengths differing between the
// archives of a song, and the fast path agreeing with the full decode on every file.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "audio/audio_fixtures.hpp"
#include "audio/audio_length.hpp"
#include "synth/synth_corpus.hpp"

namespace cartography::synth {
namespace {

TEST(SynthAudio, DecodesToThePlannedLengthAndTheFastPathAgrees) {
  const auto& g = testing::corpus(testing::small_options());
  std::map<int, std::set<int64_t>> lengths;
  int fast = 0;
  for (const auto& a : g.manifest.at("archives")) {
    const std::string path = g.dir + "/" + a.at("file").get<std::string>();
    const std::string entry = a.at("audio_entry");
    const auto index = audio::testing::find_zip_entry(path, entry);
    ASSERT_TRUE(index.has_value()) << path;
    const auto bytes = audio::testing::read_zip_entry(path, *index);
    const int64_t n = audio::decoded_sample_count(bytes, entry);
    // Encoder delay and padding are at most a few codec frames (tens of ms).
    EXPECT_NEAR(static_cast<double>(n) / audio::kSampleRate, a.at("audio_seconds").get<double>(), 0.15) << path;
    const audio::SampleCount c = audio::count_samples(bytes, entry);
    EXPECT_EQ(c.samples, n) << path;
    EXPECT_TRUE(c.fast) << path << ": " << c.fallback_reason;
    fast += c.fast;
    lengths[a.at("song").get<int>()].insert(n);
  }
  int songs_with_differing_lengths = 0;
  for (const auto& [song, ns] : lengths) songs_with_differing_lengths += ns.size() >= 2;
  EXPECT_GE(songs_with_differing_lengths, 2);
  EXPECT_GT(fast, 0);
}

}  // namespace
}  // namespace cartography::synth
