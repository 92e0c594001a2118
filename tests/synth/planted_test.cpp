// --planted: the spec (presets, lists, refusals), the manifest's planted truth (expected
// categories by Track A's thresholds, written here by hand), and planted charts: valid for our
// reader, song-driven rows identical across the mappers of a song, mapper-driven ones not.
// Whether the study recovers the categories is planted_truth.sh's job (it runs the pipeline).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>

#include "osu/beatmap.hpp"
#include "synth/planted.hpp"
#include "synth/synth.hpp"
#include "synth/synth_corpus.hpp"

namespace cartography::synth {
namespace {

constexpr int kOnset = 0, kCombo = 1, kSlide = 2, kSustain = 3, kWhistle = 4, kX = 7;

TEST(PlantedSpec, PresetsAreALatinSquare) {
  const PlantedSpec a = parse_planted("A"), b = parse_planted("B"), c = parse_planted("C");
  for (int d = 0; d < 9; ++d) {
    const std::set<double> seen = {a.strength_of(d), b.strength_of(d), c.strength_of(d)};
    EXPECT_EQ(seen, (std::set<double>{0.0, 0.45, 1.0})) << "dimension " << d;
  }
  for (const PlantedSpec* s : {&a, &b, &c}) EXPECT_EQ(s->strength_of(kSlide), s->strength_of(kSustain));
  EXPECT_EQ(a.text, "A");
  EXPECT_FALSE(parse_planted("").active());
}

TEST(PlantedSpec, ListsNameSomeDimensionsTheRestAreMapperDriven) {
  const PlantedSpec s = parse_planted("ONSET=song,X=0.45,SUSTAIN=0.3");
  EXPECT_EQ(s.strength_of(kOnset), 1.0);
  EXPECT_EQ(s.strength_of(kX), 0.45);
  EXPECT_EQ(s.strength_of(kSustain), 0.3);
  EXPECT_EQ(s.strength_of(kSlide), 0.3);  // one slider driver
  EXPECT_EQ(s.strength_of(kCombo), 0.0);
  EXPECT_EQ(s.strength_of(kWhistle), 0.0);
  EXPECT_EQ(parse_planted("SLIDE=mapper,SUSTAIN=0").strength_of(kSustain), 0.0);
}

TEST(PlantedSpec, RefusesWhatItCannotPlant) {
  for (const char* bad : {"D", "FOO=1", "ONSET", "ONSET=", "onset=song", "ONSET=2", "ONSET=-0.1", "ONSET=nan",
                          "ONSET=0.5x", "ONSET=song,ONSET=mapper", "SLIDE=song,SUSTAIN=mapper", "ONSET=song,"})
    EXPECT_THROW(parse_planted(bad), std::invalid_argument) << bad;
}

TEST(PlantedSpec, ManifestTruthUsesTrackAThresholdsOnTheSharedShare) {
  const nlohmann::json j = planted_truth_json(parse_planted("ONSET=song,COMBO=0.45,SLIDE=0.6,WHISTLE=0.3"));
  const auto& dims = j.at("dims");
  auto expect = [&](const char* dim, const char* driver, double share, const char* category) {
    EXPECT_EQ(dims.at(dim).at("driver"), driver) << dim;
    EXPECT_NEAR(dims.at(dim).at("shared_share").get<double>(), share, 1e-12) << dim;
    EXPECT_EQ(dims.at(dim).at("expected"), category) << dim;
  };
  expect("ONSET", "song", 1.0, "PERCEPTUAL");
  expect("COMBO", "both", 0.2025, "MIXED");
  expect("SLIDE", "both", 0.36, "PERCEPTUAL");
  expect("SUSTAIN", "both", 0.36, "PERCEPTUAL");
  expect("WHISTLE", "both", 0.09, "STYLISTIC");
  expect("Y", "mapper", 0.0, "STYLISTIC");
  EXPECT_EQ(j.at("spec"), "ONSET=song,COMBO=0.45,SLIDE=0.6,WHISTLE=0.3");
}

TEST(PlantedSpec, TheDefaultManifestHasNoPlantedTruth) {
  EXPECT_FALSE(testing::corpus(testing::small_options()).manifest.contains("planted_truth"));
}

// Per song, every osu!-mode chart of the corpus, parsed; checks validity on the way.
std::map<int, std::vector<osu::Beatmap>> charts_by_song(const testing::Generated& g) {
  std::map<int, std::vector<osu::Beatmap>> out;
  for (const auto& a : g.manifest.at("archives")) {
    const std::string path = g.dir + "/" + a.at("file").get<std::string>();
    std::map<std::string, std::string> texts;
    for (auto& e : testing::osu_entries(path)) texts[e.name] = e.text;
    for (const auto& d : a.at("difficulties")) {
      if (d.at("mode").get<int>() != 0) continue;
      const std::string name = d.at("file");
      osu::Beatmap map = osu::parse_beatmap(texts.at(name), name);
      EXPECT_TRUE(map.repairs().empty()) << name;
      EXPECT_EQ(static_cast<int>(map.hit_objects().size()), d.at("circles").get<int>() + d.at("sliders").get<int>());
      // Objects start before time 0 (every row stationary from frame 0) and stay inside the audio.
      EXPECT_LT(map.hit_objects().front().t, -2048) << name;
      EXPECT_LT(map.hit_objects().back().end_time, a.at("audio_seconds").get<double>() * 1000) << name;
      out[a.at("song").get<int>()].push_back(std::move(map));
    }
  }
  return out;
}

SynthOptions planted_options(const std::string& spec, uint64_t seed) {
  SynthOptions o = testing::small_options();
  o.songs = 3;
  o.seed = seed;
  o.duration_s = 10;
  o.min_mappers = o.max_mappers = 3;
  o.planted = spec;
  return o;
}

// Archives of a song differ in audio length, so charts end at different times: rows are
// compared up to `until`, the end of the shortest.
template <class Flag>
std::vector<double> flagged(const osu::Beatmap& m, Flag flag, double until) {
  std::vector<double> t;
  for (const auto& o : m.hit_objects())
    if (o.t <= until && flag(o)) t.push_back(o.t);
  return t;
}

std::vector<double> times(const osu::Beatmap& m, double until) {
  return flagged(m, [](const osu::HitObject&) { return true; }, until);
}

double shortest(const std::vector<osu::Beatmap>& maps) {
  double end = 1e300;
  for (const auto& m : maps) end = std::min(end, m.hit_objects().back().t);
  return end;
}

TEST(PlantedCorpus, SongDrivenRowsAreSharedMapperDrivenOnesAreNot) {
  const auto& g = testing::corpus(planted_options("ONSET=song,WHISTLE=song", 7));
  EXPECT_EQ(g.manifest.at("planted_truth").at("spec"), "ONSET=song,WHISTLE=song");
  int compared = 0, combos_differ = 0;
  for (const auto& [song, maps] : charts_by_song(g)) {
    const double until = shortest(maps);
    for (size_t i = 1; i < maps.size(); ++i, ++compared) {
      EXPECT_EQ(times(maps[i], until), times(maps[0], until)) << "song " << song;
      auto whistle = [](const osu::HitObject& o) { return o.whistle; };
      auto combo = [](const osu::HitObject& o) { return o.new_combo; };
      EXPECT_EQ(flagged(maps[i], whistle, until), flagged(maps[0], whistle, until)) << "song " << song;
      combos_differ += flagged(maps[i], combo, until) != flagged(maps[0], combo, until);
    }
  }
  EXPECT_GE(compared, 6);
  EXPECT_EQ(combos_differ, compared);  // COMBO is mapper-driven here
}

TEST(PlantedCorpus, MapperDrivenOnsetsDifferBetweenMappers) {
  const auto& g = testing::corpus(planted_options("B", 8));  // B: ONSET mapper-driven
  int compared = 0;
  for (const auto& [song, maps] : charts_by_song(g)) {
    const double until = shortest(maps);
    for (size_t i = 1; i < maps.size(); ++i, ++compared)
      EXPECT_NE(times(maps[i], until), times(maps[0], until)) << "song " << song;
  }
  EXPECT_GE(compared, 6);
}

TEST(PlantedCorpus, ABadSpecIsRefusedBeforeAnythingIsWritten) {
  SynthOptions o = planted_options("ONSET=loud", 9);
  o.out_dir = testing::temp_dir("bad_planted");
  EXPECT_THROW(generate_corpus(o), std::invalid_argument);
  EXPECT_TRUE(testing::files_in(o.out_dir).empty());
  std::filesystem::remove_all(o.out_dir);
}

}  // namespace
}  // namespace cartography::synth
