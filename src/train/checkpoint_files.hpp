// The files a training run keeps besides metrics.csv: checkpoints written under a temporary name
// and renamed (a crash never leaves a partial file at the final name), and the gradients still
// accumulated at a checkpoint (the reference lets the generator's backward pass reach the
// critic's weights, and those gradients wait for the critic's next step; with grad_accum_steps > 1
// the generator's wait too). A Lightning checkpoint does not hold them, so without this file a
// resumed run would lose them and drift from the uninterrupted one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "latent/trainer_plugin.hpp"

namespace cartography::train {

// trainer.save() to `path`.tmp, then rename over `path`. Throws std::runtime_error naming the
// path and the trainer's or the OS's reason.
void save_checkpoint_atomically(latent::LatentTrainer& trainer, const std::string& path,
                                const latent::CheckpointMeta& meta);

// Gradients waiting for their group's step, summed over ranks, tied to one checkpoint by its
// global step and batch count.
struct PendingGradients {
  int64_t global_step = 0, batches_seen = 0;
  std::vector<float> critic, generator;
};

// <checkpoint>.grad
std::string pending_gradients_path(const std::string& checkpoint_path);
// Written atomically (tmp + rename) with a magic, the sizes and a checksum.
void write_pending_gradients(const std::string& path, const PendingGradients& g);
// Validates everything; throws std::runtime_error naming the file and the problem.
PendingGradients read_pending_gradients(const std::string& path);

// `text` to `path` through `path`.tmp and a rename; std::runtime_error naming the path.
void write_text_atomically(const std::string& path, const std::string& text);

// FNV-1a over bytes (the weight-equality check between ranks).
uint64_t fnv1a(const void* data, size_t bytes, uint64_t h = 1469598103934665603ull);

}  // namespace cartography::train
