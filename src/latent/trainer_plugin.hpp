// The training side of the latent plugin (`cartography fit-latent`): libcartography_latent.so
// also exports `cartography_latent_open_trainer`, which returns a LatentTrainer holding the
// whole osu-dreamer latent model (encoder, decoder, audio FiLM head `align_audio`, critic),
// its two Muon optimizers and their LR schedules, and `cartography_latent_cqt`, the
// reference's audio features. Same C-like boundary as latent_plugin.hpp: plain structs,
// status codes, last_error(); no MPI inside. The caller (src/train, src/pipeline) plans the
// data, all-reduces the gradients between ranks and decides when to step and to checkpoint.
//
// One optimizer step of the reference (osu_dreamer/latent_model/model.py, manual optimization)
// maps onto these calls, per batch index b (grad_accum_steps A, critic_steps_per_gen C):
//   for i in 0..C-1: critic_backward(batch)
//                    if (b·C + i + 1) % A == 0: all-reduce gradient(kCritic); step(kCritic)
//   generator_backward(batch)
//   if (b + 1) % A == 0: all-reduce gradient(kGenerator); step(kGenerator)
// As in the reference, the generator's backward pass also reaches the critic's weights (the
// critic is not frozen) and those gradients stay accumulated until the critic's next step;
// step(kCritic) clears only the critic's, step(kGenerator) only the generator's.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cartography::latent {

// Bumped whenever the structs or the virtual functions below change.
inline constexpr int kTrainerAbiVersion = 2;

inline constexpr int kAudioDim = 72;  // CQT bins: 9 per octave × 8 octaves
inline constexpr int kChartDim = 9;   // X_DIM

struct CriticConv {
  int32_t out_dim = 0, kernel = 0, stride = 0, groups = 0;
};

// The `model:` section of the seed's experiment/config/latent_model.yml, key for key.
struct LatentHyperParams {
  // opt_args (Muon's keyword arguments; the YAML sets lr and weight_decay)
  double lr = 0.02, adam_lr_factor = 0.01, weight_decay = 0.1, momentum = 0.95;
  double adamw_beta1 = 0.9, adamw_beta2 = 0.95, adamw_eps = 1e-10;
  // lr_schedule_args (decay_start < 0 means infinity: no decay)
  int64_t warmup_steps = 0;
  double warmup_init = 1.0;
  double decay_start = -1.0;
  int32_t grad_accum_steps = 1, critic_steps_per_gen = 1;
  double gp_factor = 10, gan_factor = 5e-3, fm_factor = 1, pixel_factor = 0, kl_factor = 1e-4;
  int32_t emb_dim = 32, h_dim = 360, audio_h_dim = 32;
  // ae_args
  int32_t strides[8] = {2, 3, 3};
  int32_t n_strides = 3;
  int32_t ae_expand = 1;
  int32_t num_stacks = 1, stack_depth = 4, wavenet_expand = 1;
  // critic_args
  int32_t critic_spec_features = 32, critic_scales = 3;
  CriticConv critic_convs[16] = {};
  int32_t n_critic_convs = 0;
  double critic_dropout = 0;
};

struct TrainerOptions {
  LatentHyperParams hp;
  uint64_t seed = 0;       // initial weights (torch.manual_seed(seed) then the reference's init)
  int force_cpu = 0;       // 1: CPU even when CUDA is available
  int device_index = -1;   // CUDA device; -1: node-local rank mod device count
  int threads = 0;         // > 0: intra-op threads
};

// A shard of one batch: `batch` windows of `frames` frames, row-major float32
// audio [batch, 72, frames] and chart [batch, 9, frames].
struct TrainSamples {
  const float* audio = nullptr;
  const float* chart = nullptr;
  int32_t batch = 0;
  int64_t frames = 0;
  // One key per window: the bottleneck noise of a window is drawn from its key (and the pass),
  // never from a global generator, so a window gets the same noise whichever rank holds it.
  const uint64_t* noise_keys = nullptr;
  // This shard's share of the global batch (local windows / global windows): the losses are
  // batch means, so weighted shard gradients summed over ranks equal the global batch's.
  double weight = 1.0;
  // Which critic pass of the batch this is (0 .. critic_steps_per_gen − 1): each draws fresh
  // noise, and a pass split over several calls (one window at a time) draws the same.
  int32_t critic_pass = 0;
};

struct CriticLosses {
  double adversarial = 0, gradient_penalty = 0;  // train/critic/*
};
struct GeneratorLosses {
  double kl = 0, adversarial = 0, reconstruction = 0, l2 = 0;  // train/gen/* (reconstruction = feature matching)
};

enum TrainerGroup : int32_t { kCritic = 0, kGenerator = 1 };

// What a checkpoint records besides the weights and optimizer states (Lightning's fields).
struct CheckpointMeta {
  int64_t epoch = 0;
  int64_t global_step = 0;      // optimizer steps of both optimizers, as Lightning counts them
  int64_t batches_seen = 0;     // batch index the next batch will have (resume point)
  int64_t batches_in_epoch = 0; // of which in the current epoch
  double best_val_l2 = -1;      // best val/l2_rec so far (< 0: none)
  const char* best_path = "";   // the best checkpoint's file name (ModelCheckpoint's best_model_path)
  const char* config_yaml = ""; // unused by the container (fit-latent keeps <out>/config.yaml)
};

class LatentTrainer {
 public:
  virtual ~LatentTrainer() = default;
  // Each returns 0 on success, -1 on failure with the reason in last_error().
  // Floats in the flat gradient of `group` (parameters in state_dict order).
  virtual int64_t parameter_count(int32_t group) const = 0;
  // One critic pass (softplus adversarial + R1 penalty); adds weight·∂L/A into the gradients.
  virtual int critic_backward(const TrainSamples& s, CriticLosses* out) = 0;
  // One generator pass (feature matching + pixel + adversarial + KL); adds weight·∂L/A.
  virtual int generator_backward(const TrainSamples& s, GeneratorLosses* out) = 0;
  // The accumulated gradient of `group`, contiguous, parameter_count(group) floats. The caller
  // may overwrite it (the all-reduced average) before step(group).
  virtual float* gradient(int32_t group) = 0;
  // The optimizer step of `group` with the scheduled LR, then clears the group's gradients and
  // advances its schedule.
  virtual int step(int32_t group) = 0;
  // Current LR of `group` (for the log).
  virtual double learning_rate(int32_t group) const = 0;
  // val/l2_rec of one whole map: mean (chart − model(audio, chart))², noise from `noise_key`.
  virtual int validate(const float* audio, const float* chart, int64_t frames, uint64_t noise_key,
                       double* l2) = 0;
  // Writes a Lightning checkpoint (state_dict, hyper_parameters, both optimizers and schedulers)
  // to exactly `path` (the caller writes to a temporary name and renames).
  virtual int save(const char* path, const CheckpointMeta& meta) = 0;
  // Loads weights, optimizer and scheduler states from a checkpoint written by save() (or by
  // Lightning); `meta` receives what it recorded.
  virtual int load(const char* path, CheckpointMeta* meta) = 0;
  // All weights of `group`, contiguous, in state_dict order (tests compare ranks with this).
  virtual int weights(int32_t group, float* out) const = 0;
  virtual const char* last_error() const = 0;
};

// Symbols exported by libcartography_latent.so.
inline constexpr const char* kTrainerAbiSymbol = "cartography_latent_trainer_abi_version";
inline constexpr const char* kTrainerOpenSymbol = "cartography_latent_open_trainer";
inline constexpr const char* kCqtSymbol = "cartography_latent_cqt";
using TrainerAbiVersionFn = int();
using TrainerOpenFn = LatentTrainer*(const TrainerOptions* options, char* error, size_t error_size);
// The reference's audio features of mono 16384 Hz s16 samples: out receives [72, n/98 + 1]
// row-major (log10 power clamped at 1e-10, floored at max − 6, divided by 3). 0 or -1.
using CqtFn = int(const int16_t* samples, int64_t n, float* out, int threads, char* error,
                  size_t error_size);

}  // namespace cartography::latent

extern "C" {
int cartography_latent_trainer_abi_version();
cartography::latent::LatentTrainer* cartography_latent_open_trainer(
    const cartography::latent::TrainerOptions* options, char* error, size_t error_size);
int cartography_latent_cqt(const int16_t* samples, int64_t n, float* out, int threads, char* error,
                           size_t error_size);
}
