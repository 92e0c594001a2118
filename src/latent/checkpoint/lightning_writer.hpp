// A PyTorch Lightning 2.5.2 checkpoint of the osu-dreamer latent model, written natively (no
// Python, no libtorch), in the structure Lightning itself saves for it (the fixture
// tiny_lightning252.ckpt of tools/trainref): epoch, global_step, pytorch-lightning_version,
// state_dict (an OrderedDict of float32 tensors with its _metadata), loops (the counters a resume
// restores), callbacks (ModelCheckpoint's state), optimizer_states (the two Muon optimizers),
// lr_schedulers (the two LambdaLR), hparams_name and hyper_parameters (plain dicts and
// _instantiator, as LightningCLI + save_hyperparameters store them), so that
// Model.load_from_checkpoint and Trainer.fit(ckpt_path=...) accept it.
//
// Tensors are not copied: the struct holds spans into the caller's memory, which must stay
// valid during write_lightning_checkpoint.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "latent/checkpoint/pickle_value.hpp"
#include "latent/trainer_plugin.hpp"

namespace cartography::latent {

struct NamedTensor {
  std::string name;
  std::vector<int64_t> shape;    // {} for a scalar
  std::span<const float> data;   // row-major, product(shape) values
};

// Muon keeps, per parameter, a momentum buffer (ndim >= 2) or AdamW's step and moments; a
// parameter that never had a gradient has an empty state ({}: Muon touches it before skipping).
struct MuonParamState {
  int64_t index = 0;              // position in the optimizer's parameter list
  std::vector<int64_t> shape;     // the parameter's shape (its state tensors have it)
  std::span<const float> momentum_buffer;  // Muon update; empty for an AdamW parameter
  int64_t step = 0;                        // AdamW update: steps taken ...
  std::span<const float> moment1, moment2; // ... and the moments
};

// One Muon optimizer with its single param group (torch.optim's state_dict layout).
struct MuonState {
  int64_t param_count = 0;        // params: [0, param_count)
  double lr = 0, initial_lr = 0;  // the scheduled LR now, and LambdaLR's base
  double adam_lr_factor = 0.01, momentum = 0.95, weight_decay = 0.1;
  double adamw_beta1 = 0.9, adamw_beta2 = 0.95, adamw_eps = 1e-10;
  std::vector<MuonParamState> params;  // parameters that have state, by index
};
// The group values from the hyper-parameters' opt_args (lr = initial_lr = hp.lr).
MuonState muon_state_from(const LatentHyperParams& hp, int64_t param_count);

// torch.optim.lr_scheduler.LambdaLR.state_dict() of a one-group optimizer (lr_lambdas [None]:
// the schedule is a closure, which torch never saves).
struct LambdaLRState {
  double base_lr = 0;
  int64_t last_epoch = 0;  // scheduler steps taken
  int64_t step_count = 1;  // _step_count: last_epoch + 1 (the constructor's step counts)
  double last_lr = 0;
};

// Lightning's progress trackers.
struct Progress {
  int64_t ready = 0, started = 0, processed = 0, completed = 0;
  static Progress all(int64_t n) { return {n, n, n, n}; }
};

// What Lightning's fit loop records; manual optimization (the reference's) counts optimizer
// steps in optimizer_steps, and trainer.global_step is its total on resume.
struct FitLoopState {
  Progress batches_total, batches_current;  // epoch_loop.batch_progress (current: this epoch)
  bool last_batch = false;
  int64_t batches_that_stepped = 0;         // epoch_loop.state_dict (the logger's step)
  int64_t scheduler_steps_total = 0, scheduler_steps_current = 0;  // automatic scheduling only
  int64_t optimizer_steps_total = 0, optimizer_steps_current = 0;  // manual_optimization.optim_step_progress
  Progress val_batches_total, val_batches_current;  // epoch_loop.val_loop.batch_progress
  bool val_last_batch = false;
  Progress epochs_total, epochs_current;    // epoch_progress
};
// The loop state after `batches_in_epoch` batches of epoch `epoch` (counted from 0; the epoch is
// started, not finished), `batches_total` over all epochs and `optimizer_steps` optimizer steps;
// validation counters stay zero.
FitLoopState fit_loop_state(int64_t epoch, int64_t batches_in_epoch, int64_t batches_total, int64_t optimizer_steps);

// ModelCheckpoint.state_dict(); scores are float32 scalar tensors in the file.
struct ModelCheckpointState {
  std::string monitor = "val/l2_rec", mode = "min";
  int64_t every_n_train_steps = 0, every_n_epochs = 1;  // part of the callback's state key
  std::optional<double> best_model_score, current_score;
  std::string best_model_path, dirpath, kth_best_model_path, last_model_path;
  std::vector<std::pair<std::string, double>> best_k_models;
  std::optional<double> kth_value;  // unset: +inf for mode "min", -inf for "max" (Lightning's start)
};
// "ModelCheckpoint{'monitor': ..., 'mode': ..., ...}": the key Lightning files the state under
// and looks it up by on resume.
std::string model_checkpoint_state_key(const ModelCheckpointState& state);

struct LightningCheckpoint {
  int64_t epoch = 0, global_step = 0;
  std::vector<NamedTensor> state_dict;
  // Modules of state_dict._metadata (each {'version': 1}), in named_modules() order; empty:
  // every dotted prefix of the parameter names, "" first.
  std::vector<std::string> module_names;
  LatentHyperParams hparams;
  std::vector<MuonState> optimizers;        // [critic, generator], as configure_optimizers returns them
  std::vector<LambdaLRState> schedulers;    // one per optimizer
  FitLoopState loops;
  std::optional<ModelCheckpointState> model_checkpoint;
};

// The hyper_parameters dict Lightning 2.5 stores for these init arguments: the reference's keys
// and Python types (ints as int, floats as float, lists as list), decay_start inf when unset,
// opt_args holding lr and weight_decay (what the config sets) plus each other Muon argument that
// differs from Muon's default, and '_instantiator'.
pickle::Ref hyper_parameters_value(const LatentHyperParams& hp);

// Writes the checkpoint to exactly `path`. Throws CheckpointError naming the file (and the
// tensor or field at fault) on inconsistent input or a failed write; a partial file is removed.
void write_lightning_checkpoint(const std::string& path, const LightningCheckpoint& checkpoint);

}  // namespace cartography::latent
