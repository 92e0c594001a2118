// The training loop of `cartography fit-latent`: the reference's manual-optimization schedule
// (critic and generator steps with gradient accumulation, trainer_plugin.hpp's header comment),
// validation, checkpoints, resume and metrics, over an abstract model (LatentTrainer), an
// abstract data source and an abstract all-reduce, so it runs the same alone, under MPI (the
// pipeline plugin's reducer) and in tests (a fake trainer, in-memory data).
//
// Data-parallel: every rank runs this loop on the same global batches; rank r reads the
// contiguous slice slice(batch_size, r, ranks) of each one, and its gradients carry the weight
// local/global (TrainSamples::weight), so the SUM over ranks of the shard gradients is the
// global batch's gradient. The reducer sums; nothing divides afterwards.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "latent/trainer_plugin.hpp"
#include "train/train_config.hpp"

namespace cartography::train {

// Sums across the ranks of a data-parallel job (MPI_Allreduce), or nothing alone.
struct GradientReducer {
  virtual ~GradientReducer() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // In place: every rank ends with the sum over ranks.
  virtual void sum(float* data, int64_t n) = 0;
  virtual void sum(double* data, int64_t n) = 0;
  // True on every rank when every rank passed the same value.
  virtual bool same_everywhere(uint64_t value) = 0;
};

struct SingleProcess final : GradientReducer {
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void sum(float*, int64_t) override {}
  void sum(double*, int64_t) override {}
  bool same_everywhere(uint64_t) override { return true; }
};

// The windows and validation maps (src/train/training_data.hpp behind it in the real job).
class TrainingSource {
 public:
  virtual ~TrainingSource() = default;
  virtual int64_t batches_per_epoch() const = 0;
  // Windows [first, first + count) of global batch `batch` (0-based within the epoch) of `epoch`:
  // audio [count, 72, seq_len] and chart [count, 9, seq_len], row-major float32, and each
  // window's noise key (TrainSamples::noise_keys: the same whichever rank reads the window).
  virtual void read_batch(int64_t epoch, int64_t batch, int64_t first, int64_t count, float* audio,
                          float* chart, uint64_t* noise_keys) = 0;
  virtual int64_t validation_maps() const = 0;
  // One whole validation map: audio [72, frames] and chart [9, frames].
  virtual void read_validation_map(int64_t index, std::vector<float>& audio, std::vector<float>& chart,
                                   int64_t& frames) = 0;
};

struct LoopOptions {
  TrainConfig config;
  std::string out_dir;            // <out>/checkpoints/{last,best}.ckpt, <out>/metrics.csv, <out>/config.yaml
  uint64_t seed = 0;              // the validation maps' noise keys
  bool resume = false;            // continue from <out>/checkpoints/last.ckpt
  int64_t checkpoint_every = 0;   // training batches between last.ckpt writes; 0: the validation interval
  int64_t check_weights_every = 0;  // > 0: every that many batches, every rank's weights must hash equal
  // The same weights, losses and val/l2_rec to the last bit for any rank count: every window's
  // backward pass runs alone and the windows' gradients are summed in window order on every
  // rank (B × parameters floats exchanged per pass instead of the parameters; batch-1 passes).
  // The caller must give every rank the same intra-op thread count (kernels' float sums depend on it).
  bool deterministic = false;
};

// What the progress line shows (rank 0 prints it).
struct LoopStatus {
  int64_t epoch = 0;
  int64_t global_step = 0, max_steps = -1;
  int64_t batches_this_run = 0, batches_total = 0;
  double elapsed_s = 0;  // since this run's first batch
  double last_val_l2 = -1;
};
using ProgressFn = std::function<void(const LoopStatus&)>;

struct LoopResult {
  int64_t epoch = 0, global_step = 0, batches_total = 0;
  double best_val_l2 = -1;
};

// The checkpoint and metrics files of a run under `out_dir`.
std::string last_checkpoint_path(const std::string& out_dir);
std::string best_checkpoint_path(const std::string& out_dir);
std::string metrics_path(const std::string& out_dir);
std::string config_copy_path(const std::string& out_dir);  // the YAML trained with, verbatim

// The noise key of validation map `map` (the same at every validation, on any rank).
uint64_t validation_noise_key(uint64_t seed, int64_t map);

// Trains until max_steps / max_epochs. Throws std::runtime_error (the trainer's last_error, a
// file and its problem); under MPI the caller aborts the job on an exception, since the other
// ranks may be waiting in a collective.
LoopResult run_train_loop(latent::LatentTrainer& trainer, TrainingSource& source, GradientReducer& reducer,
                          const LoopOptions& options, const ProgressFn& progress = {});

}  // namespace cartography::train
