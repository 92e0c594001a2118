// --defects: each archive carries exactly the defect the manifest names, in the form the
// pipeline has to cope with (missing/garbage/truncated audio, missing or bad Mode, overlapping
// objects, no .osu, no Creator).
#include <gtest/gtest.h>

#include <map>

#include "audio/audio_fixtures.hpp"
#include "audio/audio_length.hpp"
#include "osu/beatmap.hpp"
#include "synth/synth_corpus.hpp"

namespace cartography::synth {
namespace {

TEST(SynthDefects, EachArchiveCarriesItsDefect) {
  SynthOptions o = testing::small_options();
  o.songs = 14;
  o.duration_s = 6;
  o.defect_rate = 1.0;
  o.seed = 23;
  const auto& g = testing::corpus(o);
  std::map<std::string, int> seen;
  for (const auto& a : g.manifest.at("archives")) {
    const std::string path = g.dir + "/" + a.at("file").get<std::string>();
    const std::string defect = a.at("defect");
    ++seen[defect];
    const auto osu = testing::osu_entries(path);
    const auto audio_index = audio::testing::find_zip_entry(path, a.at("audio_filename"));
    auto top_text = [&]() -> std::string {  // the difficulty the defect was applied to
      for (const auto& e : osu)
        if (e.name == a.at("defect_file")) return e.text;
      ADD_FAILURE() << path << ": no " << a.at("defect_file");
      return {};
    };
    if (defect == "missing_audio") {
      EXPECT_FALSE(audio_index.has_value()) << path;
    } else if (defect == "garbage_audio") {
      ASSERT_TRUE(audio_index.has_value());
      EXPECT_THROW(audio::decoded_sample_count(audio::testing::read_zip_entry(path, *audio_index), "x.mp3"),
                   audio::AudioError);
    } else if (defect == "truncated_audio") {
      ASSERT_TRUE(audio_index.has_value());
      const auto bytes = audio::testing::read_zip_entry(path, *audio_index);
      const double seconds = static_cast<double>(audio::fast_sample_count(bytes, a.at("audio_filename"))) /
                             audio::kSampleRate;
      EXPECT_LT(seconds, 0.8 * a.at("audio_seconds").get<double>()) << path;
    } else if (defect == "no_osu") {
      EXPECT_TRUE(osu.empty()) << path;
    } else if (defect == "missing_creator") {
      ASSERT_FALSE(osu.empty());
      EXPECT_EQ(osu.front().name, a.at("defect_file").get<std::string>());
      EXPECT_EQ(osu.front().text.find("\nCreator:"), std::string::npos) << path;
    } else if (defect == "no_mode_line") {
      EXPECT_EQ(top_text().find("\nMode:"), std::string::npos) << path;
    } else if (defect == "bad_mode") {
      EXPECT_NE(top_text().find("\nMode: osu"), std::string::npos) << path;
    } else if (defect == "overlapping") {
      const std::string text = top_text();
      bool has_slider = false;
      try {
        const auto map = osu::parse_beatmap(text, path);
        has_slider = !map.sliders().empty();
      } catch (const osu::ChartError&) {
        continue;  // rejected, as planned
      }
      EXPECT_FALSE(has_slider) << path << ": a chart with sliders must have been made invalid";
    } else {
      ADD_FAILURE() << "unexpected defect " << defect;
    }
  }
  EXPECT_GE(seen.size(), 6u);
}

}  // namespace
}  // namespace cartography::synth
