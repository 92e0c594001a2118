#include "train/train_loop.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>

#include "train/checkpoint_files.hpp"
#include "train/metrics_log.hpp"

namespace cartography::train {
namespace fs = std::filesystem;
using latent::kCritic;
using latent::kGenerator;

std::string last_checkpoint_path(const std::string& out_dir) { return out_dir + "/checkpoints/last.ckpt"; }
std::string best_checkpoint_path(const std::string& out_dir) { return out_dir + "/checkpoints/best.ckpt"; }
std::string metrics_path(const std::string& out_dir) { return out_dir + "/metrics.csv"; }
std::string config_copy_path(const std::string& out_dir) { return out_dir + "/config.yaml"; }

namespace {

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

uint64_t mix(std::initializer_list<uint64_t> parts) {
  uint64_t h = 0x6a09e667f3bcc909ull;
  for (uint64_t p : parts) h = splitmix64(h ^ p);
  return h;
}

// Rank r's contiguous share [begin, end) of n items.
std::pair<int64_t, int64_t> share(int64_t n, int rank, int ranks) {
  return {n * rank / ranks, n * (rank + 1) / ranks};
}

using Clock = std::chrono::steady_clock;

// The losses of one batch, each a global-batch mean once the ranks' weighted shares are summed.
enum Loss { kCriticAdv, kCriticGp, kGenKl, kGenAdv, kGenRec, kGenL2, kLossCount };

class Loop {
 public:
  Loop(latent::LatentTrainer& trainer, TrainingSource& source, GradientReducer& reducer, const LoopOptions& options)
      : t_(trainer), src_(source), red_(reducer), opt_(options), cfg_(options.config) {
    accum_ = std::max(1, cfg_.model.grad_accum_steps);
    critic_steps_ = std::max(1, cfg_.model.critic_steps_per_gen);
    per_epoch_ = src_.batches_per_epoch();
    if (per_epoch_ <= 0)
      throw std::runtime_error("no complete training batch: the training songs hold fewer than batch_size = " +
                               std::to_string(cfg_.batch_size) + " windows of seq_len = " +
                               std::to_string(cfg_.seq_len) + " frames");
    if (cfg_.check_val_every_n_epoch) {
      val_every_ = cfg_.val_check_interval.is_count
                       ? int64_t(cfg_.val_check_interval.value)
                       : std::max<int64_t>(1, int64_t(std::floor(double(per_epoch_) * cfg_.val_check_interval.value)));
      if (val_every_ > per_epoch_)
        throw std::runtime_error("val_check_interval = " + std::to_string(val_every_) +
                                 " is more than the training batches of an epoch (" + std::to_string(per_epoch_) +
                                 "); set check_val_every_n_epoch: null to count batches across epochs");
    } else {
      val_every_ = int64_t(cfg_.val_check_interval.value);
    }
    val_maps_ = cfg_.limit_val_batches.resolve(src_.validation_maps());
    for (int g : {kCritic, kGenerator}) {
      const int64_t n = t_.parameter_count(g);
      if (n < 0) throw std::runtime_error(std::string("the trainer has no parameter count: ") + t_.last_error());
      counts_[g] = n;
    }
    // A rank without a window would call no backward pass, and the trainer steps only the
    // parameters that received a gradient: its weights would part from the others'.
    if (cfg_.batch_size < red_.size())
      throw std::runtime_error("batch_size = " + std::to_string(cfg_.batch_size) + " is below the " +
                               std::to_string(red_.size()) + " ranks: every rank needs a window of each batch "
                               "(the global batch is the config's, whatever the rank count)");
    const auto [first, end] = share(cfg_.batch_size, red_.rank(), red_.size());
    first_ = first;
    local_ = end - first;
    weight_ = double(local_) / double(cfg_.batch_size);
    const size_t frames = size_t(local_) * size_t(cfg_.seq_len);
    audio_.resize(frames * latent::kAudioDim);
    chart_.resize(frames * latent::kChartDim);
    keys_.resize(size_t(local_));
  }

  LoopResult run(const ProgressFn& progress) {
    if (red_.rank() == 0) {
      fs::create_directories(opt_.out_dir + "/checkpoints");
      write_text_atomically(config_copy_path(opt_.out_dir), cfg_.yaml_text);
    }
    if (opt_.resume) resume();
    else if (red_.rank() == 0) remove_previous_checkpoints();
    if (red_.rank() == 0) metrics_ = std::make_unique<MetricsLog>(metrics_path(opt_.out_dir), opt_.resume ? total_ : -1);
    const auto t0 = Clock::now();
    int64_t this_run = 0;
    bool saved_here = false;
    while (!done()) {
      if (batch_ == per_epoch_) {
        ++epoch_;
        batch_ = 0;
        continue;
      }
      MetricsRow row = train_batch();
      ++batch_;
      ++total_;
      ++this_run;
      const bool due = validation_due();
      const bool validated = due && val_maps_ > 0;
      if (validated) row.val_l2_rec = validate_and_keep_best();
      // last.ckpt after every validation (Lightning's save_last), or every checkpoint_every batches.
      saved_here = opt_.checkpoint_every > 0 ? total_ % opt_.checkpoint_every == 0 : due;
      if (saved_here) save_last();
      if (opt_.check_weights_every > 0 && total_ % opt_.check_weights_every == 0) check_same_weights();
      if (metrics_ && (validated || total_ % cfg_.log_every_n_steps == 0)) metrics_->append(row);
      if (progress) {
        LoopStatus s;
        s.epoch = epoch_;
        s.global_step = step_;
        s.max_steps = cfg_.max_steps;
        s.batches_this_run = this_run;
        s.batches_total = total_;
        s.elapsed_s = std::chrono::duration<double>(Clock::now() - t0).count();
        s.last_val_l2 = last_val_;
        progress(s);
      }
    }
    if (!saved_here) save_last();
    return {epoch_, step_, total_, best_val_};
  }

 private:
  // Lightning stops after the batch in which global_step reaches max_steps, or when the epochs run out.
  bool done() const {
    if (cfg_.max_steps > 0 && step_ >= cfg_.max_steps) return true;
    const int64_t finished_epochs = epoch_ + (batch_ == per_epoch_ ? 1 : 0);
    return cfg_.max_epochs > 0 && finished_epochs >= cfg_.max_epochs;
  }

  void check(int status) const {
    if (status != 0) throw std::runtime_error(std::string("latent trainer: ") + t_.last_error());
  }

  // Every rank ends with the sum of `group`'s gradient, then steps.
  void reduce_and_step(int group) {
    if (!opt_.deterministic) red_.sum(t_.gradient(group), counts_[group]);  // else already the global sum
    check(t_.step(group));
    ++step_;
  }

  MetricsRow train_batch() {
    MetricsRow row;
    row.epoch = epoch_;
    row.batch = total_;
    row.lr_critic = t_.learning_rate(kCritic);
    row.lr_generator = t_.learning_rate(kGenerator);
    latent::TrainSamples s;
    if (local_ > 0) {
      src_.read_batch(epoch_, batch_, first_, local_, audio_.data(), chart_.data(), keys_.data());
      s.audio = audio_.data();
      s.chart = chart_.data();
      s.batch = int32_t(local_);
      s.frames = cfg_.seq_len;
      s.noise_keys = keys_.data();
      s.weight = weight_;
    }
    double losses[kLossCount] = {};
    // The reference's training_step: C critic passes, each stepping when its running count
    // (b·C + i + 1) reaches a multiple of A; then one generator pass, stepping every A batches.
    for (int i = 0; i < critic_steps_; ++i) {
      s.critic_pass = i;
      if (opt_.deterministic) {
        double pass_losses[kLossCount] = {};
        window_by_window(s, /*critic=*/true, pass_losses);
        if (i == 0) losses[kCriticAdv] = pass_losses[kCriticAdv], losses[kCriticGp] = pass_losses[kCriticGp];
      } else if (local_ > 0) {
        latent::CriticLosses c;
        check(t_.critic_backward(s, &c));
        if (i == 0) {  // the reference logs the first critic pass only
          losses[kCriticAdv] = weight_ * c.adversarial;
          losses[kCriticGp] = weight_ * c.gradient_penalty;
        }
      }
      if ((batch_ * critic_steps_ + i + 1) % accum_ == 0) reduce_and_step(kCritic);
    }
    if (opt_.deterministic) {
      window_by_window(s, /*critic=*/false, losses);
    } else if (local_ > 0) {
      latent::GeneratorLosses g;
      check(t_.generator_backward(s, &g));
      losses[kGenKl] = weight_ * g.kl;
      losses[kGenAdv] = weight_ * g.adversarial;
      losses[kGenRec] = weight_ * g.reconstruction;
      losses[kGenL2] = weight_ * g.l2;
    }
    if ((batch_ + 1) % accum_ == 0) reduce_and_step(kGenerator);
    if (!opt_.deterministic) red_.sum(losses, kLossCount);
    row.step = step_;
    row.critic_adversarial = losses[kCriticAdv];
    row.critic_gradient_penalty = losses[kCriticGp];
    row.gen_kl = losses[kGenKl];
    row.gen_adversarial = losses[kGenAdv];
    row.gen_reconstruction = losses[kGenRec];
    row.gen_l2 = losses[kGenL2];
    return row;
  }

  // Deterministic mode: one backward pass per window (weight 1/B), each window's gradients and
  // losses put in its own slot of a batch-wide buffer; one sum over ranks fills every slot
  // exactly (each slot is written by one rank, the others add zeros); then every rank adds the
  // slots in window order to the gradients accumulated so far. Same operations, same order, for
  // any rank count. Leaves the global sums in the trainer (reduce_and_step then only steps).
  void window_by_window(const latent::TrainSamples& s, bool critic, double* losses) {
    const int64_t per_window = counts_[kCritic] + counts_[kGenerator];
    std::vector<float> slots(size_t(cfg_.batch_size) * size_t(per_window), 0.0f);
    std::vector<double> loss_slots(size_t(cfg_.batch_size) * kLossCount, 0.0);
    const auto copy_out = [&](int g) {
      const float* flat = t_.gradient(g);
      return std::vector<float>(flat, flat + counts_[g]);
    };
    const auto write_in = [&](int g, const float* values) { std::copy(values, values + counts_[g], t_.gradient(g)); };
    const std::vector<float> base_critic = copy_out(kCritic), base_gen = copy_out(kGenerator);
    const std::vector<float> zeros(size_t(std::max(counts_[kCritic], counts_[kGenerator])), 0.0f);
    const double w = 1.0 / double(cfg_.batch_size);
    for (int64_t k = 0; k < local_; ++k) {
      write_in(kCritic, zeros.data());
      write_in(kGenerator, zeros.data());
      latent::TrainSamples one = s;
      one.audio = s.audio + size_t(k) * latent::kAudioDim * size_t(s.frames);
      one.chart = s.chart + size_t(k) * latent::kChartDim * size_t(s.frames);
      one.batch = 1;
      one.noise_keys = s.noise_keys + k;
      one.weight = w;
      double* l = loss_slots.data() + size_t(first_ + k) * kLossCount;
      if (critic) {
        latent::CriticLosses c;
        check(t_.critic_backward(one, &c));
        l[kCriticAdv] = w * c.adversarial, l[kCriticGp] = w * c.gradient_penalty;
      } else {
        latent::GeneratorLosses g;
        check(t_.generator_backward(one, &g));
        l[kGenKl] = w * g.kl, l[kGenAdv] = w * g.adversarial, l[kGenRec] = w * g.reconstruction, l[kGenL2] = w * g.l2;
      }
      float* slot = slots.data() + size_t(first_ + k) * size_t(per_window);
      std::copy_n(t_.gradient(kCritic), counts_[kCritic], slot);
      std::copy_n(t_.gradient(kGenerator), counts_[kGenerator], slot + counts_[kCritic]);
    }
    red_.sum(slots.data(), int64_t(slots.size()));
    red_.sum(loss_slots.data(), int64_t(loss_slots.size()));
    std::vector<float> critic_sum = base_critic, gen_sum = base_gen;
    for (int64_t j = 0; j < cfg_.batch_size; ++j) {
      const float* slot = slots.data() + size_t(j) * size_t(per_window);
      for (int64_t i = 0; i < counts_[kCritic]; ++i) critic_sum[size_t(i)] += slot[i];
      for (int64_t i = 0; i < counts_[kGenerator]; ++i) gen_sum[size_t(i)] += slot[counts_[kCritic] + i];
      for (int i = 0; i < kLossCount; ++i) losses[i] += loss_slots[size_t(j) * kLossCount + size_t(i)];
    }
    write_in(kCritic, critic_sum.data());
    write_in(kGenerator, gen_sum.data());
  }

  // Lightning's cadence: every val_check_interval batches counted across epochs when
  // check_val_every_n_epoch is null, otherwise within the epoch, on every n-th epoch.
  bool validation_due() const {
    if (!cfg_.check_val_every_n_epoch) return total_ % val_every_ == 0;
    if ((epoch_ + 1) % *cfg_.check_val_every_n_epoch != 0) return false;
    return batch_ % val_every_ == 0 || (!cfg_.val_check_interval.is_count && batch_ == per_epoch_);
  }

  // val/l2_rec: the mean over the first limit_val_batches validation maps (one map per batch, as
  // the reference's val loader), each rank taking a contiguous share.
  double validate_and_keep_best() {
    const auto [begin, end] = share(val_maps_, red_.rank(), red_.size());
    // Each map's value in its own slot, summed over ranks (exact: one writer per slot) and then
    // in map order, so the mean does not depend on the rank count.
    std::vector<double> per_map(size_t(val_maps_), 0.0);
    std::vector<float> audio, chart;
    for (int64_t m = begin; m < end; ++m) {
      int64_t frames = 0;
      src_.read_validation_map(m, audio, chart, frames);
      check(t_.validate(audio.data(), chart.data(), frames, validation_noise_key(opt_.seed, m), &per_map[size_t(m)]));
    }
    red_.sum(per_map.data(), int64_t(per_map.size()));
    double sum = 0;
    for (const double l2 : per_map) sum += l2;
    last_val_ = sum / double(val_maps_);
    if (!std::isfinite(last_val_))
      throw std::runtime_error("val/l2_rec is " + std::to_string(last_val_) + " at global step " + std::to_string(step_) +
                               ": training diverged");
    if (best_val_ < 0 || last_val_ < best_val_) {
      best_val_ = last_val_;
      on_root([&] { save_checkpoint_atomically(t_, best_checkpoint_path(opt_.out_dir), meta()); });
    }
    return last_val_;
  }

  latent::CheckpointMeta meta() const {
    latent::CheckpointMeta m;
    m.epoch = epoch_;
    m.global_step = step_;
    m.batches_seen = total_;
    m.batches_in_epoch = batch_;
    m.best_val_l2 = best_val_;
    m.best_path = best_val_ >= 0 ? "best.ckpt" : "";
    m.config_yaml = cfg_.yaml_text.c_str();
    return m;
  }

  // last.ckpt and the gradients still waiting for a step, summed over ranks (a copy: the
  // trainer's own buffers keep this rank's share).
  void save_last() {
    PendingGradients g;
    g.global_step = step_;
    g.batches_seen = total_;
    g.critic.assign(t_.gradient(kCritic), t_.gradient(kCritic) + counts_[kCritic]);
    g.generator.assign(t_.gradient(kGenerator), t_.gradient(kGenerator) + counts_[kGenerator]);
    if (!opt_.deterministic) {  // else every rank already holds the sum
      red_.sum(g.critic.data(), counts_[kCritic]);
      red_.sum(g.generator.data(), counts_[kGenerator]);
    }
    on_root([&] {
      const std::string last = last_checkpoint_path(opt_.out_dir);
      // The gradients first: a crash between the two renames leaves a pair whose steps differ,
      // which resume refuses, never a silently wrong one.
      write_pending_gradients(pending_gradients_path(last), g);
      save_checkpoint_atomically(t_, last, meta());
    });
  }

  // Rank 0 writes; every rank then learns whether it could (no rank waits for a rank that
  // stopped) and none goes on before the file is complete (a resume in the same session reads it).
  template <typename Fn>
  void on_root(Fn write) {
    std::string error;
    if (red_.rank() == 0) {
      try {
        write();
      } catch (const std::exception& e) {
        error = e.what();
      }
    }
    double failed = error.empty() ? 0 : 1;
    red_.sum(&failed, 1);
    if (!error.empty()) throw std::runtime_error(error);
    if (failed > 0) throw std::runtime_error("rank 0 could not write a checkpoint (its log says why)");
  }

  void resume() {
    const std::string last = last_checkpoint_path(opt_.out_dir);
    if (!fs::exists(last)) throw std::runtime_error(last + ": no checkpoint to resume from (run without --resume)");
    latent::CheckpointMeta m;
    if (t_.load(last.c_str(), &m) != 0) throw std::runtime_error(last + ": cannot resume: " + t_.last_error());
    epoch_ = m.epoch;
    step_ = m.global_step;
    total_ = m.batches_seen;
    best_val_ = m.best_val_l2;
    batch_ = m.batches_in_epoch;
    if (epoch_ < 0 || batch_ < 0 || batch_ > per_epoch_ || total_ - epoch_ * per_epoch_ != batch_)
      throw std::runtime_error(last + ": epoch " + std::to_string(epoch_) + " after " + std::to_string(total_) +
                               " batches does not fit " + std::to_string(per_epoch_) +
                               " batches per epoch: the dataset or the config changed since it was written");
    const PendingGradients g = read_pending_gradients(pending_gradients_path(last));
    if (g.global_step != step_ || g.batches_seen != total_)
      throw std::runtime_error(pending_gradients_path(last) + ": from global step " + std::to_string(g.global_step) +
                               ", the checkpoint from " + std::to_string(step_) + " (interrupted while saving?)");
    restore(kCritic, g.critic, last);
    restore(kGenerator, g.generator, last);
  }

  // Rank 0 holds the summed pending gradient, the others none: the next all-reduce gives every
  // rank the same sum as in the uninterrupted run.
  void restore(int group, const std::vector<float>& pending, const std::string& last) {
    if (int64_t(pending.size()) != counts_[group])
      throw std::runtime_error(pending_gradients_path(last) + ": " + std::to_string(pending.size()) +
                               " gradients, the model has " + std::to_string(counts_[group]));
    float* grad = t_.gradient(group);
    // Deterministic mode keeps the global sum on every rank (there is no all-reduce before a step).
    if (red_.rank() == 0 || opt_.deterministic) std::memcpy(grad, pending.data(), pending.size() * sizeof(float));
    else std::memset(grad, 0, pending.size() * sizeof(float));
  }

  void remove_previous_checkpoints() {
    const std::string last = last_checkpoint_path(opt_.out_dir);
    for (const std::string& p : {last, pending_gradients_path(last), best_checkpoint_path(opt_.out_dir)}) {
      std::error_code ec;
      fs::remove(p, ec);
      if (ec) throw std::runtime_error(p + ": cannot remove the previous run's file (" + ec.message() + ")");
    }
  }

  void check_same_weights() {
    uint64_t h = 1469598103934665603ull;
    for (int g : {kCritic, kGenerator}) {
      std::vector<float> w(size_t(counts_[g]));
      check(t_.weights(g, w.data()));
      h = fnv1a(w.data(), w.size() * sizeof(float), h);
    }
    if (!red_.same_everywhere(h))
      throw std::runtime_error("the ranks' weights differ after batch " + std::to_string(total_) + " (global step " +
                               std::to_string(step_) + ")");
  }

  latent::LatentTrainer& t_;
  TrainingSource& src_;
  GradientReducer& red_;
  const LoopOptions& opt_;
  const TrainConfig& cfg_;
  int accum_ = 1, critic_steps_ = 1;
  int64_t per_epoch_ = 0, val_every_ = 1, val_maps_ = 0;
  int64_t counts_[2] = {};
  int64_t first_ = 0, local_ = 0;
  double weight_ = 0;
  std::vector<float> audio_, chart_;
  std::vector<uint64_t> keys_;
  int64_t epoch_ = 0, batch_ = 0, total_ = 0, step_ = 0;
  double best_val_ = -1, last_val_ = -1;
  std::unique_ptr<MetricsLog> metrics_;
};

}  // namespace

uint64_t validation_noise_key(uint64_t seed, int64_t map) {
  return mix({seed, 0x56414c4944ull /* "VALID" */, uint64_t(map)});
}

LoopResult run_train_loop(latent::LatentTrainer& trainer, TrainingSource& source, GradientReducer& reducer,
                          const LoopOptions& options, const ProgressFn& progress) {
  Loop loop(trainer, source, reducer, options);
  return loop.run(progress);
}

}  // namespace cartography::train
