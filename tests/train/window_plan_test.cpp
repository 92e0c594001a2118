// The epoch plan: the reference's windows, batches, the song split, determinism and
// independence from the number of ranks.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "train/training_data.hpp"
#include "train/window_plan.hpp"

namespace cartography::train {
namespace {

// A corpus of `songs` songs, each one unit of frames 300 + 97·s with (s % 3) + 1 charts.
TrainingCorpus toy_corpus(int songs) {
  TrainingCorpus c;
  for (int s = 0; s < songs; ++s) {
    c.songs.push_back("song " + std::to_string(s));
    char key[33];
    std::snprintf(key, sizeof key, "%032x", s * 7919 + 1);
    c.units.push_back({"a" + std::to_string(s) + ".osz", "audio.mp3", s, 300 + 97 * s, "/x", key});
    for (int k = 0; k <= s % 3; ++k) c.maps.push_back({s, k, "m" + std::to_string(k) + ".osu"});
  }
  return c;
}

std::vector<int32_t> all_maps(const TrainingCorpus& c) {
  std::vector<int32_t> m(c.maps.size());
  for (size_t i = 0; i < m.size(); ++i) m[i] = static_cast<int32_t>(i);
  return m;
}

TEST(WindowPlan, WindowsAreTheReferenceArange) {
  // th.arange(0, L - seq_len + 1, seq_len): L = 10, seq 3 -> 0, 3, 6; L = 9 -> 0, 3, 6; L = 8 -> 0, 3;
  // L = 3 -> 0; L = 2 -> none (arange(0, 0)).
  EXPECT_EQ(windows_in_map(10, 3), 3);
  EXPECT_EQ(windows_in_map(9, 3), 3);
  EXPECT_EQ(windows_in_map(8, 3), 2);
  EXPECT_EQ(windows_in_map(3, 3), 1);
  EXPECT_EQ(windows_in_map(2, 3), 0);
  EXPECT_EQ(windows_in_map(0, 3), 0);
  EXPECT_THROW(windows_in_map(10, 0), std::invalid_argument);
}

TEST(WindowPlan, CountsOrderAndNoOverlap) {
  const TrainingCorpus c = toy_corpus(20);
  const auto maps = all_maps(c);
  const int64_t seq = 128, bs = 5;
  const EpochPlan p = plan_epoch(c, maps, seq, bs, 42, 0);
  int64_t total = 0;
  for (int32_t m : maps) total += c.map_frames(static_cast<size_t>(m)) / seq;
  EXPECT_EQ(p.batches, total / bs);
  EXPECT_EQ(p.dropped_windows, total % bs);
  EXPECT_EQ(static_cast<int64_t>(p.windows.size()), p.batches * bs);
  // Each map's windows are consecutive and in order 0, seq, 2·seq, ... and lie inside the map.
  std::map<int32_t, std::vector<int64_t>> starts;
  std::set<int32_t> finished;
  int32_t current = -1;
  for (const WindowRef& w : p.windows) {
    if (w.map != current) {
      EXPECT_FALSE(finished.count(w.map)) << "map " << w.map << " split in two runs";
      if (current >= 0) finished.insert(current);
      current = w.map;
    }
    starts[w.map].push_back(w.start);
    EXPECT_LE(w.start + seq, c.map_frames(static_cast<size_t>(w.map)));
  }
  for (const auto& [m, s] : starts)
    for (size_t i = 0; i < s.size(); ++i) EXPECT_EQ(s[i], static_cast<int64_t>(i) * seq);
}

TEST(WindowPlan, DeterministicPerSeedAndEpoch) {
  const TrainingCorpus c = toy_corpus(30);
  const auto maps = all_maps(c);
  auto order = [&](uint64_t seed, int64_t epoch) {
    std::vector<int32_t> o;
    for (const WindowRef& w : plan_epoch(c, maps, 100, 1, seed, epoch).windows)  // batch 1: none dropped
      if (o.empty() || o.back() != w.map) o.push_back(w.map);
    return o;
  };
  EXPECT_EQ(order(1, 0), order(1, 0));
  EXPECT_NE(order(1, 0), order(1, 1));
  EXPECT_NE(order(1, 0), order(2, 0));
  std::vector<int32_t> sorted = order(1, 3);
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, maps);  // a permutation (every map has windows here)
}

TEST(WindowPlan, ShardsOfAnyRankCountCoverTheBatch) {
  const TrainingCorpus c = toy_corpus(12);
  const EpochPlan p = plan_epoch(c, all_maps(c), 64, 7, 9, 2);
  ASSERT_GT(p.batches, 2);
  for (int64_t b = 0; b < p.batches; ++b) {
    const std::vector<WindowRef> batch(p.windows.begin() + b * 7, p.windows.begin() + (b + 1) * 7);
    for (int ranks : {1, 2, 3, 4, 7, 8}) {
      std::vector<WindowRef> joined;
      for (int r = 0; r < ranks; ++r) {
        auto s = batch_shard(p, b, r, ranks);
        EXPECT_LE(s.size(), static_cast<size_t>(7 / ranks + 1));
        joined.insert(joined.end(), s.begin(), s.end());
      }
      ASSERT_EQ(joined.size(), batch.size());
      for (size_t i = 0; i < joined.size(); ++i) {
        EXPECT_EQ(joined[i].map, batch[i].map);
        EXPECT_EQ(joined[i].start, batch[i].start);
      }
    }
  }
  EXPECT_THROW(batch_shard(p, p.batches, 0, 1), std::invalid_argument);
  EXPECT_THROW(batch_shard(p, 0, 2, 2), std::invalid_argument);
}

TEST(WindowPlan, NoiseKeysNameTheWindowNotItsPlace) {
  const TrainingCorpus c = toy_corpus(6);
  std::set<uint64_t> keys;
  for (const WindowRef& w : plan_epoch(c, all_maps(c), 50, 1, 3, 0).windows)
    EXPECT_TRUE(keys.insert(window_noise_key(c, w, 3, 0)).second);
  const WindowRef w{2, 100};
  EXPECT_EQ(window_noise_key(c, w, 3, 0), window_noise_key(c, w, 3, 0));
  EXPECT_NE(window_noise_key(c, w, 3, 0), window_noise_key(c, w, 3, 1));
  EXPECT_NE(window_noise_key(c, w, 3, 0), window_noise_key(c, w, 4, 0));
}

TEST(WindowPlan, ValidationSplitIsBySong) {
  TrainingCorpus c = toy_corpus(10);
  // Two units of song 3 (another archive of the same song): they must land on one side together.
  c.units.push_back({"z.osz", "audio.ogg", 3, 900, "/y", std::string(32, 'f')});
  c.maps.push_back({static_cast<int32_t>(c.units.size() - 1), 0, "z.osu"});
  for (uint64_t seed = 0; seed < 20; ++seed) {
    const DataSplit s = split_by_song(c, 2, seed);
    EXPECT_EQ(s.val_songs.size(), 2u);
    EXPECT_EQ(s.train_maps.size() + s.val_maps.size(), c.maps.size());
    std::set<int32_t> val(s.val_songs.begin(), s.val_songs.end());
    for (int32_t m : s.train_maps) EXPECT_FALSE(val.count(c.map_song(static_cast<size_t>(m))));
    for (int32_t m : s.val_maps) EXPECT_TRUE(val.count(c.map_song(static_cast<size_t>(m))));
  }
  EXPECT_EQ(split_by_song(c, 0.25, 1).val_songs.size(), 2u);  // floor(10 · 0.25)
  EXPECT_EQ(split_by_song(c, 0.01, 1).val_songs.size(), 1u);  // at least one song
  EXPECT_EQ(split_by_song(c, 2.5, 1).val_songs.size(), 2u);   // round half to even, as Python
  EXPECT_EQ(split_by_song(c, 3, 5).val_songs, split_by_song(c, 3, 5).val_songs);
  EXPECT_THROW(split_by_song(c, 10, 1), std::invalid_argument);  // no training song left
  EXPECT_THROW(split_by_song(c, 0, 1), std::invalid_argument);
  EXPECT_THROW(split_by_song(c, -1, 1), std::invalid_argument);
  EXPECT_THROW(split_by_song(c, std::nan(""), 1), std::invalid_argument);
}

// tests/data/train/window_plan/plans.json: the plan and the split as make_plan_golden.py writes
// them from the specification (torch's arange for the windows, SplitMix64 + Lemire in Python).
TEST(WindowPlan, MatchesTheGoldenPlansAndSplits) {
  nlohmann::json g;
  std::ifstream(std::string(CARTO_TEST_DATA) + "/train/window_plan/plans.json") >> g;
  TrainingCorpus c;
  const auto frames = g["frames"].get<std::vector<int64_t>>();
  const auto song = g["song"].get<std::vector<int32_t>>();
  for (size_t m = 0; m < frames.size(); ++m) {
    while (c.songs.size() <= static_cast<size_t>(song[m])) c.songs.push_back("song " + std::to_string(c.songs.size()));
    c.units.push_back({"a.osz", "audio" + std::to_string(m), song[m], frames[m], "/x", std::string(32, 'a')});
    c.maps.push_back({static_cast<int32_t>(m), 0, "m.osu"});
  }
  for (const auto& want : g["plans"]) {
    const auto maps = want["maps"].get<std::vector<int32_t>>();
    const EpochPlan p = plan_epoch(c, maps, want["seq_len"], want["batch_size"], want["seed"].get<uint64_t>(),
                                   want["epoch"]);
    EXPECT_EQ(p.batches, want["batches"].get<int64_t>());
    EXPECT_EQ(p.dropped_windows, want["dropped"].get<int64_t>());
    std::vector<std::pair<int32_t, int64_t>> got;
    for (const WindowRef& w : p.windows) got.emplace_back(w.map, w.start);
    EXPECT_EQ(got, (want["windows"].get<std::vector<std::pair<int32_t, int64_t>>>())) << want["seed"];
  }
  for (const auto& want : g["splits"]) {
    const DataSplit s = split_by_song(c, want["val_size"].get<double>(), want["seed"].get<uint64_t>());
    EXPECT_EQ(s.val_songs, want["val_songs"].get<std::vector<int32_t>>()) << want["val_size"];
    EXPECT_EQ(s.train_maps, want["train_maps"].get<std::vector<int32_t>>());
    EXPECT_EQ(s.val_maps, want["val_maps"].get<std::vector<int32_t>>());
  }
}

TEST(WindowPlan, ShuffleIsAPermutation) {
  std::vector<int32_t> v(50);
  for (int i = 0; i < 50; ++i) v[static_cast<size_t>(i)] = i;
  std::vector<int32_t> a = v, b = v;
  seeded_shuffle(a, 11);
  seeded_shuffle(b, 11);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, v);
  std::sort(a.begin(), a.end());
  EXPECT_EQ(a, v);
}

}  // namespace
}  // namespace cartography::train
