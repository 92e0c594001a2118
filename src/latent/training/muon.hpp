// The reference's Muon optimizer (osu_dreamer/modules/muon.py) together with the LambdaLR that
// latent_model/model.py attaches to it, over one ordered list of parameters (one param group).
//
// Per parameter, when its grad is defined:
//   ndim < 2 (biases, gains, 0-dim scalars): Adam with lr × adam_lr_factor: moments by lerp,
//     bias correction from a per-parameter step counter, update m̂ / (√v̂ + eps);
//   ndim >= 2: Muon: momentum.lerp_(g, 1 − β); update = g.lerp_(momentum, β) (Nesterov, written
//     into the gradient as the reference does); viewed as [rows, −1]; orthogonalised by five
//     Newton–Schulz steps in bfloat16; scaled by √max(1, rows/cols);
//   then p ← p·(1 − lr·weight_decay) − lr·update (the Muon update stays bfloat16 until the add).
// step() uses the scheduled LR and then advances the schedule (opt.step(); sch.step()).
//
// Checkpoints: a Lightning checkpoint stores, per optimizer, torch's Optimizer.state_dict():
//   state: {index: {'momentum_buffer': Tensor}} or {index: {'step': int (a Python int, not a
//          tensor), 'moment1': Tensor, 'moment2': Tensor}}; parameters never stepped have none;
//   param_groups: [{'lr', 'adam_lr_factor', 'momentum', 'weight_decay', 'adamw_betas': (b1, b2),
//          'adamw_eps', 'initial_lr', 'params': [0..n-1]}]   (in that order)
// and per scheduler LambdaLR.state_dict():
//   {'base_lrs': [initial_lr], 'last_epoch', '_step_count' (= last_epoch + 1),
//    '_get_lr_called_within_step': False, '_last_lr': [lr], 'lr_lambdas': [None]}
// (tests/data/train/muon/*/state_dict.txt has the reference's own). state(), schedule_state()
// and their setters give exactly these values.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "latent/trainer_plugin.hpp"
#include "latent/training/lr_schedule.hpp"

namespace cartography::latent::training {

// Muon's keyword arguments (the YAML's opt_args) and the schedule's.
struct MuonOptions {
  double lr = 0.02;  // base LR (LambdaLR's base_lrs / initial_lr)
  double adam_lr_factor = 0.01;
  double weight_decay = 0.1;
  double momentum = 0.95;
  double adamw_beta1 = 0.9, adamw_beta2 = 0.95, adamw_eps = 1e-10;
  LrScheduleArgs schedule;
};

// The options of the hyper-parameters' opt_args and lr_schedule_args (decay_start < 0: none).
MuonOptions muon_options_from(const LatentHyperParams& hp);

// One parameter's optimizer state; undefined tensors: not stepped yet.
struct MuonParamState {
  torch::Tensor momentum_buffer;  // ndim >= 2
  int64_t step = 0;               // ndim < 2: Adam's step counter and moments
  torch::Tensor moment1, moment2;
};

// The param group's LR and the scheduler's counters.
struct MuonScheduleState {
  double lr = 0;          // param_groups[0]['lr'] == _last_lr[0]: the LR of the next step
  double initial_lr = 0;  // param_groups[0]['initial_lr'] == base_lrs[0]
  int64_t last_epoch = 0; // optimizer steps taken; the next step's LR is initial_lr × schedule(last_epoch)
};

// Five quintic Newton–Schulz iterations in bfloat16 (coefficients 3.4445, −4.7750, 2.0315) on a
// matrix normalised by its Frobenius norm + 1e-7, transposed while rows > cols. Returns bfloat16.
torch::Tensor newton_schulz5(const torch::Tensor& g);

class MuonOptimizer {
 public:
  // Parameters: defined floating-point tensors, in the order the checkpoint indexes them.
  // Throws std::invalid_argument on a bad parameter or option.
  MuonOptimizer(std::vector<torch::Tensor> params, MuonOptions options);

  // One optimizer step with lr(), then the schedule advances. Parameters whose grad is
  // undefined are skipped (no state is created for them, as in the reference); the Muon
  // parameters' gradients are overwritten with the Nesterov mix. Throws std::invalid_argument
  // when a gradient's shape, dtype or device differs from its parameter's (nothing is changed then).
  void step();
  // Sets every gradient undefined (torch's zero_grad(set_to_none=True)).
  void zero_grad();

  double lr() const { return schedule_.lr; }
  const MuonOptions& options() const { return options_; }
  const std::vector<torch::Tensor>& params() const { return params_; }

  const std::vector<MuonParamState>& state() const { return state_; }
  // Restores one parameter's state (from a checkpoint); tensors are copied. Throws
  // std::invalid_argument, naming the parameter, when the state does not fit it (wrong kind
  // for its ndim, shape, dtype, a negative step, moments without a step ...).
  void set_state(size_t index, const MuonParamState& s);

  const MuonScheduleState& schedule_state() const { return schedule_; }
  // Throws std::invalid_argument for a negative last_epoch or a non-finite LR.
  void set_schedule_state(const MuonScheduleState& s);

 private:
  void check_gradients() const;

  std::vector<torch::Tensor> params_;
  MuonOptions options_;
  std::vector<MuonParamState> state_;
  MuonScheduleState schedule_;
};

}  // namespace cartography::latent::training
