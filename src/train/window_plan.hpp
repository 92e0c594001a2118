// The frame-count-only core of the epoch plan (training_data.hpp declares the corpus-level
// functions): the reference's windows of one map and the seeded shuffle, exposed for tests and
// for a golden script to repeat.
#pragma once

#include <cstdint>
#include <vector>

namespace cartography::train {

// BatchedSignalDataset's windows of a map of `frames` frames: starts 0, seq_len, 2·seq_len, ...
// while start + seq_len <= frames (th.arange(0, L - seq_len + 1, seq_len)), i.e. frames / seq_len
// of them; no partial window.
int64_t windows_in_map(int64_t frames, int64_t seq_len);

// Fisher-Yates over `items` driven by controls::SplitMix64(stream) and its Lemire draws:
// for i = n-1 down to 1: j = uniform_index(i + 1); swap(items[i], items[j]).
void seeded_shuffle(std::vector<int32_t>& items, uint64_t stream);

// The streams: controls::derive_seed(seed, {tag, epoch}), tag 1 for an epoch's map order and
// tag 2 for the validation split (epoch 0), so the two never share draws.
uint64_t epoch_stream(uint64_t seed, int64_t epoch);
uint64_t split_stream(uint64_t seed);

}  // namespace cartography::train
