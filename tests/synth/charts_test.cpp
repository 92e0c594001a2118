// The charts: every osu!-mode difficulty is accepted by our .osu reader (carto_osu, at parity
// with the reference) with the planned metadata and object counts, no repairs, objects on the
// song's beat grid and inside the audio.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "osu/beatmap.hpp"
#include "synth/synth_corpus.hpp"

namespace cartography::synth {
namespace {

TEST(SynthCharts, EveryStandardDifficultyParsesAsPlanned) {
  const auto& g = testing::corpus(testing::small_options());
  int parsed = 0, sliders = 0;
  for (const auto& a : g.manifest.at("archives")) {
    const std::string path = g.dir + "/" + a.at("file").get<std::string>();
    const auto& song = g.manifest.at("songs").at(a.at("song").get<size_t>());
    std::map<std::string, std::string> texts;
    for (auto& e : testing::osu_entries(path)) texts[e.name] = e.text;
    for (const auto& d : a.at("difficulties")) {
      if (d.at("mode").get<int>() != 0) continue;
      const std::string name = d.at("file");
      osu::Beatmap map = [&] {
        try {
          return osu::parse_beatmap(texts.at(name), name);
        } catch (const osu::ChartError& e) {
          ADD_FAILURE() << path << ": " << e.what();
          throw;
        }
      }();
      ++parsed;
      EXPECT_EQ(map.mode(), 0);
      EXPECT_EQ(map.creator(), d.at("creator").get<std::string>()) << name;
      EXPECT_EQ(map.version(), d.at("version").get<std::string>()) << name;
      EXPECT_EQ(map.od(), d.at("od").get<double>()) << name;
      EXPECT_EQ(map.audio_filename(), a.at("audio_filename").get<std::string>());
      const int objects = d.at("circles").get<int>() + d.at("sliders").get<int>() + d.at("spinners").get<int>();
      EXPECT_EQ(static_cast<int>(map.hit_objects().size()), objects) << name;
      EXPECT_TRUE(map.repairs().empty()) << name;
      sliders += static_cast<int>(map.sliders().size());

      const double offset = song.at("offset_ms"), beat = song.at("beat_length");
      const double audio_ms = a.at("audio_seconds").get<double>() * 1000;
      for (const auto& o : map.hit_objects()) {
        const double slots = (o.t - offset) / (beat / 4);  // every level snaps to 1/4 beats or coarser
        EXPECT_LE(std::abs(slots - std::round(slots)) * beat / 4, 1.0) << name << " object at " << o.t;
        EXPECT_LT(o.end_time, audio_ms) << name;
      }
    }
  }
  EXPECT_GT(parsed, 20);
  EXPECT_GT(sliders, 50);
}

}  // namespace
}  // namespace cartography::synth
