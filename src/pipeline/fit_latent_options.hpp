// What `cartography fit-latent` was asked to do (fit_latent_job.hpp says what it does). Plain
// data: it crosses into the pipeline plugin as PipelineFitLatentOptions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace cartography::pipeline {

struct FitLatentOptions {
  std::string dataset_dir;            // folder of .osz archives
  std::string config;                 // the training YAML (config/latent_model.yml's keys)
  std::string out_dir;                // checkpoints/{last,best}.ckpt, metrics.csv, config.yaml
  std::string cache_dir;              // empty: <out_dir>/cache (feature files, shared by the ranks)
  int64_t max_steps = -1;             // > 0: overrides trainer.max_steps (optimizer steps of both optimizers)
  std::optional<uint64_t> seed;       // overrides seed_everything
  bool resume = false;                // continue from <out_dir>/checkpoints/last.ckpt
  int64_t checkpoint_every = 0;       // training batches between last.ckpt writes; 0: at every validation
  int64_t check_weights_every = 0;    // > 0: compare every rank's weights every that many batches
  double progress_seconds = 10;       // rank 0's progress line
  bool force_cpu = false;             // CPU even where CUDA is available
  int32_t threads = 0;                // > 0: intra-op threads per rank (0: cores / ranks on the node)
  // The same model to the last bit for any rank count (train/train_loop.hpp LoopOptions::
  // deterministic); threads default to 1 then, so that every rank count runs the same kernels.
  bool deterministic = false;
};

}  // namespace cartography::pipeline
