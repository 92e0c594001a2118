#include "train/window_plan.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "controls/rng.hpp"
#include "train/training_data.hpp"

namespace cartography::train {

int64_t windows_in_map(int64_t frames, int64_t seq_len) {
  if (seq_len < 1) throw std::invalid_argument("seq_len must be at least 1, got " + std::to_string(seq_len));
  return frames >= seq_len ? frames / seq_len : 0;
}

void seeded_shuffle(std::vector<int32_t>& items, uint64_t stream) {
  controls::SplitMix64 rng(stream);
  for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[rng.uniform_index(i)]);
}

uint64_t epoch_stream(uint64_t seed, int64_t epoch) { return controls::derive_seed(seed, {1, epoch}); }
uint64_t split_stream(uint64_t seed) { return controls::derive_seed(seed, {2, 0}); }

DataSplit split_by_song(const TrainingCorpus& corpus, double val_size, uint64_t seed) {
  const auto songs = static_cast<int64_t>(corpus.songs.size());
  if (!std::isfinite(val_size) || val_size <= 0)
    throw std::invalid_argument("val_size must be a positive number of songs or a fraction, got " +
                                std::to_string(val_size));
  // >= 1: a count (rounded half to even, as Python's round); < 1: a fraction of the songs, at least one.
  const int64_t n_val = val_size >= 1 ? static_cast<int64_t>(std::nearbyint(std::min(val_size, 1e15)))
                                      : std::max<int64_t>(1, static_cast<int64_t>(std::floor(val_size * songs)));
  if (n_val >= songs)
    throw std::invalid_argument("val_size " + std::to_string(val_size) + " leaves no training song (" +
                                std::to_string(songs) + " songs, " + std::to_string(n_val) + " for validation)");
  std::vector<int32_t> order(static_cast<size_t>(songs));
  for (int32_t s = 0; s < songs; ++s) order[static_cast<size_t>(s)] = s;
  seeded_shuffle(order, split_stream(seed));
  DataSplit split;
  split.val_songs.assign(order.begin(), order.begin() + n_val);
  std::sort(split.val_songs.begin(), split.val_songs.end());
  for (int32_t m = 0; m < static_cast<int32_t>(corpus.maps.size()); ++m) {
    const bool val = std::binary_search(split.val_songs.begin(), split.val_songs.end(), corpus.map_song(m));
    (val ? split.val_maps : split.train_maps).push_back(m);
  }
  return split;
}

EpochPlan plan_epoch(const TrainingCorpus& corpus, std::span<const int32_t> maps, int64_t seq_len, int64_t batch_size,
                     uint64_t seed, int64_t epoch) {
  if (batch_size < 1) throw std::invalid_argument("batch_size must be at least 1, got " + std::to_string(batch_size));
  EpochPlan plan;
  plan.seq_len = seq_len;
  plan.batch_size = batch_size;
  std::vector<int32_t> order(maps.begin(), maps.end());
  for (int32_t m : order)
    if (m < 0 || static_cast<size_t>(m) >= corpus.maps.size())
      throw std::invalid_argument("map index " + std::to_string(m) + " outside the corpus");
  seeded_shuffle(order, epoch_stream(seed, epoch));
  for (int32_t m : order) {
    const int64_t n = windows_in_map(corpus.map_frames(static_cast<size_t>(m)), seq_len);
    for (int64_t w = 0; w < n; ++w) plan.windows.push_back({m, w * seq_len});
  }
  plan.batches = static_cast<int64_t>(plan.windows.size()) / batch_size;
  plan.dropped_windows = static_cast<int64_t>(plan.windows.size()) - plan.batches * batch_size;
  plan.windows.resize(static_cast<size_t>(plan.batches * batch_size));
  return plan;
}

std::span<const WindowRef> batch_shard(const EpochPlan& plan, int64_t batch, int rank, int ranks) {
  if (batch < 0 || batch >= plan.batches || ranks < 1 || rank < 0 || rank >= ranks)
    throw std::invalid_argument("batch " + std::to_string(batch) + " of " + std::to_string(plan.batches) +
                                ", rank " + std::to_string(rank) + " of " + std::to_string(ranks));
  const int64_t b = plan.batch_size;
  const int64_t lo = rank * b / ranks, hi = (rank + 1) * b / ranks;
  return std::span<const WindowRef>(plan.windows).subspan(static_cast<size_t>(batch * b + lo),
                                                           static_cast<size_t>(hi - lo));
}

void read_window(const TrainingCorpus& corpus, const WindowRef& w, int64_t len, float* audio, float* chart) {
  const TrainingMap& m = corpus.maps.at(static_cast<size_t>(w.map));
  const SongUnit& u = corpus.units.at(static_cast<size_t>(m.unit));
  FeatureFile f(u.cache_path);
  if (f.frames() != u.frames || f.content_key() != u.content_key)
    throw FeatureFileError(u.cache_path, "holds " + std::to_string(f.frames()) + " frames of " + f.content_key() +
                                             ", the corpus expects " + std::to_string(u.frames) + " of " + u.content_key);
  f.read_audio(w.start, len, audio);
  f.read_chart(m.chart, w.start, len, chart);
}

uint64_t window_noise_key(const TrainingCorpus& corpus, const WindowRef& w, uint64_t seed, int64_t epoch) {
  const TrainingMap& m = corpus.maps.at(static_cast<size_t>(w.map));
  const std::string& key = corpus.units.at(static_cast<size_t>(m.unit)).content_key;
  const auto half = [&](size_t at) {
    return static_cast<int64_t>(key.size() >= at + 16 ? std::stoull(key.substr(at, 16), nullptr, 16) : 0);
  };
  return controls::derive_seed(seed, {3, epoch, half(0), half(16), m.chart, w.start});
}

}  // namespace cartography::train
