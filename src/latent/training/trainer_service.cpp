// The trainer behind the plugin: see trainer_service.hpp and trainer_plugin.hpp.
#include "latent/training/trainer_service.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "latent/checkpoint/checkpoint.hpp"
#include "latent/checkpoint/lightning_writer.hpp"
#include "latent/latent_service.hpp"
#include "latent/training/muon.hpp"
#include "latent/training/training_model.hpp"

namespace cartography::latent::training {
namespace {

// Noise passes of one window (window_noise's `pass`): critic pass i is i, then these.
constexpr uint64_t kGeneratorPass = 0xFFFF;
constexpr uint64_t kValidationPass = 0xFFFE;

torch::Device pick_device(const TrainerOptions& o) {
  if (o.force_cpu || !torch::cuda::is_available()) return torch::kCPU;
  const int count = static_cast<int>(torch::cuda::device_count());
  const int index = o.device_index >= 0 ? o.device_index % count : local_device_index(count);
  return {torch::kCUDA, static_cast<c10::DeviceIndex>(index)};
}

// A group's gradients as one flat float array, so that the caller can all-reduce them. Which
// parameters had a gradient is remembered: those without one (never reached by the loss) stay
// without, as in the reference, whose Muon then skips them.
class FlatGradient {
 public:
  float* export_from(const std::vector<torch::Tensor>& params) {
    // Values written by the caller and not yet taken in are the gradient: hand them out again.
    if (exported_) return flat_.data();
    int64_t total = 0;
    for (const auto& p : params) total += p.numel();
    flat_.assign(static_cast<size_t>(total), 0.0f);
    defined_.assign(params.size(), 0);
    int64_t at = 0;
    for (size_t i = 0; i < params.size(); ++i) {
      const auto& g = params[i].grad();
      if (g.defined()) {
        defined_[i] = 1;
        const auto host = g.detach().to(torch::kCPU, torch::kFloat32).contiguous();
        std::memcpy(flat_.data() + at, host.data_ptr<float>(), sizeof(float) * static_cast<size_t>(host.numel()));
      }
      at += params[i].numel();
    }
    exported_ = true;
    return flat_.data();
  }

  // Copies the values (all-reduced, or restored by a resume) back into the gradients. A
  // parameter that had no gradient gets one only when its values are not all zero, so the
  // parameters no loss reaches keep none, as in the reference.
  void import_into(const std::vector<torch::Tensor>& params) {
    if (!exported_) return;
    int64_t at = 0;
    for (size_t i = 0; i < params.size(); ++i) {
      auto& p = const_cast<torch::Tensor&>(params[i]);
      const float* values = flat_.data() + at;
      const int64_t n = p.numel();
      const bool nonzero = std::any_of(values, values + n, [](float v) { return v != 0.0f; });
      if (defined_[i] || nonzero) {
        const auto host = torch::from_blob(const_cast<float*>(values), p.sizes(), torch::kFloat32);
        if (p.grad().defined()) p.mutable_grad().copy_(host);
        else p.mutable_grad() = host.to(p.device(), /*non_blocking=*/false, /*copy=*/true);
      }
      at += n;
    }
    exported_ = false;
  }


 private:
  std::vector<float> flat_;
  std::vector<char> defined_;
  bool exported_ = false;
};

// Keeps CPU copies alive while the checkpoint writer reads spans of them.
struct HostTensors {
  std::vector<torch::Tensor> held;
  std::span<const float> keep(const torch::Tensor& t) {
    held.push_back(t.detach().to(torch::kCPU, torch::kFloat32).contiguous());
    return {held.back().data_ptr<float>(), static_cast<size_t>(held.back().numel())};
  }
};

torch::Tensor tensor_from(const Checkpoint& ck, const pickle::Ref& value, const std::string& what) {
  const TensorRecord* rec = as_tensor(value);
  if (!rec) ck.fail(what + " is not a tensor");
  auto data = ck.read_float32(*rec);
  return torch::from_blob(data.data(), rec->shape, torch::kFloat32).clone();
}

int64_t int_at(const pickle::Ref& record, std::string_view key) {
  const auto v = pickle::field(record, key);
  return v ? pickle::as_int(v) : 0;
}

class TorchTrainer final : public LatentTrainer {
 public:
  explicit TorchTrainer(const TrainerOptions& o) : hp_(o.hp), device_(pick_device(o)) {
    if (o.threads > 0) at::set_num_threads(o.threads);
    model_ = TrainingModel(hp_, o.seed, device_);
    for (int g = 0; g < 2; ++g) {
      params_[g] = model_->group_parameters(static_cast<TrainerGroup>(g));
      optimizers_[g] = std::make_unique<MuonOptimizer>(params_[g], muon_options_from(hp_));
    }
  }

  int64_t parameter_count(int32_t group) const override {
    int64_t n = 0;
    for (const auto& p : params_.at(checked(group))) n += p.numel();
    return n;
  }

  int critic_backward(const TrainSamples& s, CriticLosses* out) override {
    return guard([&] {
      const auto [audio, chart] = inputs(s);
      flush();
      if (s.critic_pass < 0 || uint64_t(s.critic_pass) >= kValidationPass) throw std::invalid_argument("bad critic pass index");
      const auto noise = model_->batch_noise(keys(s), uint64_t(s.critic_pass), s.frames);
      const auto losses = model_->critic_backward(audio, chart, noise, s.weight);
      if (out) *out = losses;
    });
  }

  int generator_backward(const TrainSamples& s, GeneratorLosses* out) override {
    return guard([&] {
      const auto [audio, chart] = inputs(s);
      flush();
      const auto noise = model_->batch_noise(keys(s), kGeneratorPass, s.frames);
      const auto losses = model_->generator_backward(audio, chart, noise, s.weight);
      if (out) *out = losses;
    });
  }

  float* gradient(int32_t group) override {
    float* result = nullptr;
    guard([&] { result = flat_[checked(group)].export_from(params_[group]); });
    return result;
  }

  int step(int32_t group) override {
    return guard([&] {
      const int g = checked(group);
      flat_[g].import_into(params_[g]);
      optimizers_[g]->step();
      optimizers_[g]->zero_grad();
    });
  }

  double learning_rate(int32_t group) const override { return optimizers_.at(checked(group))->lr(); }

  int validate(const float* audio, const float* chart, int64_t frames, uint64_t noise_key, double* l2) override {
    return guard([&] {
      TrainSamples s;
      s.audio = audio;
      s.chart = chart;
      s.batch = 1;
      s.frames = frames;
      s.noise_keys = &noise_key;
      const auto [a, c] = inputs(s);
      const auto noise = model_->batch_noise({noise_key}, kValidationPass, frames);
      *l2 = model_->validate(a, c, noise);
    });
  }

  int save(const char* path, const CheckpointMeta& meta) override {
    return guard([&] { write_lightning_checkpoint(path, checkpoint_of(meta, path)); });
  }

  int load(const char* path, CheckpointMeta* meta) override {
    return guard([&] {
      const Checkpoint ck(path);
      // Our resume continues exactly where the run stopped; the reference's Lightning resume
      // would renormalise the Sum logits once more (their version counter restarts at load),
      // a small difference an uninterrupted run never sees.
      model_->load(ck, /*resume=*/false);
      const auto optimizers = pickle::lookup(ck.root(), "optimizer_states");
      const auto schedulers = pickle::lookup(ck.root(), "lr_schedulers");
      if (!optimizers || !schedulers) ck.fail("no optimizer_states / lr_schedulers: not a training checkpoint");
      const auto& opt_list = pickle::as_sequence(optimizers);
      const auto& sch_list = pickle::as_sequence(schedulers);
      if (opt_list.size() != 2 || sch_list.size() != 2) ck.fail("expected two optimizers and two schedulers");
      for (int g = 0; g < 2; ++g) restore_optimizer(ck, g, opt_list[g], sch_list[g]);
      for (int g = 0; g < 2; ++g) {
        for (auto& p : params_[g]) p.mutable_grad() = torch::Tensor();
        flat_[g] = FlatGradient{};
      }
      if (meta) read_meta(ck, meta);
    });
  }

  int weights(int32_t group, float* out) const override {
    return const_cast<TorchTrainer*>(this)->guard([&] {
      int64_t at = 0;
      for (const auto& p : params_.at(checked(group))) {
        const auto host = p.detach().to(torch::kCPU, torch::kFloat32).contiguous();
        std::memcpy(out + at, host.data_ptr<float>(), sizeof(float) * static_cast<size_t>(host.numel()));
        at += host.numel();
      }
    });
  }

  const char* last_error() const override { return error_.c_str(); }

 private:
  template <typename F>
  int guard(F&& f) {
    try {
      f();
      return 0;
    } catch (const std::exception& e) {
      error_ = e.what();
    } catch (...) {
      error_ = "unknown error in the latent trainer";
    }
    return -1;
  }

  static int checked(int32_t group) {
    if (group != kCritic && group != kGenerator)
      throw std::invalid_argument("no optimizer group " + std::to_string(group));
    return group;
  }

  std::pair<torch::Tensor, torch::Tensor> inputs(const TrainSamples& s) const {
    if (!s.audio || !s.chart || !s.noise_keys || s.batch <= 0 || s.frames <= 0)
      throw std::invalid_argument("empty training samples");
    if (!(s.weight > 0) || s.weight > 1) throw std::invalid_argument("shard weight must be in (0, 1]");
    auto* audio = const_cast<float*>(s.audio);
    auto* chart = const_cast<float*>(s.chart);
    return {torch::from_blob(audio, {s.batch, kAudioDim, s.frames}, torch::kFloat32).to(device_),
            torch::from_blob(chart, {s.batch, kChartDim, s.frames}, torch::kFloat32).to(device_)};
  }

  // Gradients the caller wrote through gradient() (an all-reduce, a resume's pending
  // gradients) become the parameters' before any further backward pass adds to them.
  void flush() {
    for (int g = 0; g < 2; ++g) flat_[g].import_into(params_[g]);
  }

  static std::vector<uint64_t> keys(const TrainSamples& s) { return {s.noise_keys, s.noise_keys + s.batch}; }

  LightningCheckpoint checkpoint_of(const CheckpointMeta& meta, const char* path) {
    host_ = HostTensors{};
    LightningCheckpoint ck;
    ck.epoch = meta.epoch;
    ck.global_step = meta.global_step;
    ck.hparams = hp_;
    for (const auto& [name, t] : model_->named_state())
      ck.state_dict.push_back({name, t.sizes().vec(), host_.keep(t)});
    for (int g = 0; g < 2; ++g) {
      const auto& opt = *optimizers_[g];
      MuonState st = muon_state_from(hp_, static_cast<int64_t>(params_[g].size()));
      st.lr = opt.lr();
      st.initial_lr = opt.schedule_state().initial_lr;
      for (size_t i = 0; i < opt.state().size(); ++i) {
        const auto& s = opt.state()[i];
        cartography::latent::MuonParamState ps;
        ps.index = static_cast<int64_t>(i);
        ps.shape = params_[g][i].sizes().vec();
        if (s.momentum_buffer.defined()) {
          ps.momentum_buffer = host_.keep(s.momentum_buffer);
        } else if (s.moment1.defined()) {
          ps.step = s.step;
          ps.moment1 = host_.keep(s.moment1);
          ps.moment2 = host_.keep(s.moment2);
        } else {
          continue;  // never stepped: no state, as torch keeps it
        }
        st.params.push_back(ps);
      }
      ck.optimizers.push_back(st);
      const auto& sch = opt.schedule_state();
      ck.schedulers.push_back({sch.initial_lr, sch.last_epoch, sch.last_epoch + 1, sch.lr});
    }
    ck.loops = fit_loop_state(meta.epoch, meta.batches_in_epoch, meta.batches_seen, meta.global_step);
    ModelCheckpointState mc;
    if (meta.best_val_l2 >= 0) mc.best_model_score = meta.best_val_l2;
    mc.best_model_path = meta.best_path ? meta.best_path : "";
    mc.dirpath = std::filesystem::path(path).parent_path().string();
    mc.last_model_path = std::filesystem::path(path).string();
    if (!mc.best_model_path.empty() && mc.best_model_score) mc.best_k_models = {{mc.best_model_path, *mc.best_model_score}};
    ck.model_checkpoint = mc;
    return ck;
  }

  void restore_optimizer(const Checkpoint& ck, int g, const pickle::Ref& opt_state, const pickle::Ref& sch_state) {
    auto& opt = *optimizers_[g];
    const std::string where = std::string("optimizer_states[") + std::to_string(g) + "]";
    const auto state = pickle::lookup(opt_state, "state");
    const auto* dict = state ? state->get<pickle::Dict>() : nullptr;
    if (!dict) ck.fail(where + ".state is missing");
    for (const auto& [k, v] : dict->items) {
      const int64_t index = pickle::as_int(k);
      if (index < 0 || index >= static_cast<int64_t>(params_[g].size()))
        ck.fail(where + ": state for parameter " + std::to_string(index) + " of " + std::to_string(params_[g].size()));
      training::MuonParamState s;
      const std::string at = where + ".state[" + std::to_string(index) + "]";
      if (const auto m = pickle::lookup(v, "momentum_buffer")) s.momentum_buffer = tensor_from(ck, m, at + ".momentum_buffer").to(device_);
      if (const auto m1 = pickle::lookup(v, "moment1")) {
        s.step = int_at(v, "step");
        s.moment1 = tensor_from(ck, m1, at + ".moment1").to(device_);
        s.moment2 = tensor_from(ck, pickle::lookup(v, "moment2"), at + ".moment2").to(device_);
      }
      opt.set_state(static_cast<size_t>(index), s);
    }
    const auto groups = pickle::lookup(opt_state, "param_groups");
    if (!groups || pickle::as_sequence(groups).empty()) ck.fail(where + ".param_groups is missing");
    const auto& group = pickle::as_sequence(groups).front();
    MuonScheduleState sch;
    sch.lr = pickle::as_number(pickle::lookup(group, "lr"));
    sch.initial_lr = pickle::as_number(pickle::lookup(group, "initial_lr"));
    sch.last_epoch = int_at(sch_state, "last_epoch");
    opt.set_schedule_state(sch);
  }

  void read_meta(const Checkpoint& ck, CheckpointMeta* meta) {
    *meta = CheckpointMeta{};
    meta->epoch = int_at(ck.root(), "epoch");
    meta->global_step = int_at(ck.root(), "global_step");
    const auto fit = pickle::lookup(pickle::lookup(ck.root(), "loops"), "fit_loop");
    const auto progress = pickle::lookup(fit, "epoch_loop.batch_progress");
    meta->batches_seen = int_at(pickle::lookup(progress, "total"), "completed");
    meta->batches_in_epoch = int_at(pickle::lookup(progress, "current"), "completed");
    best_path_.clear();
    const auto callbacks = pickle::lookup(ck.root(), "callbacks");
    if (const auto* cb = callbacks ? callbacks->get<pickle::Dict>() : nullptr) {
      for (const auto& [k, v] : cb->items) {
        const auto* name = k->get<std::string>();
        if (!name || name->rfind("ModelCheckpoint", 0) != 0) continue;
        if (const auto score = pickle::lookup(v, "best_model_score"); score && as_tensor(score))
          meta->best_val_l2 = tensor_from(ck, score, "best_model_score").item<double>();
        if (const auto p = pickle::lookup(v, "best_model_path"); p && p->get<std::string>()) best_path_ = *p->get<std::string>();
      }
    }
    meta->best_path = best_path_.c_str();
  }

  LatentHyperParams hp_;
  torch::Device device_;
  TrainingModel model_{nullptr};
  std::array<std::vector<torch::Tensor>, 2> params_;
  std::array<std::unique_ptr<MuonOptimizer>, 2> optimizers_;
  std::array<FlatGradient, 2> flat_;
  HostTensors host_;
  std::string best_path_;
  std::string error_;
};

}  // namespace

std::unique_ptr<LatentTrainer> make_latent_trainer(const TrainerOptions& options) {
  return std::make_unique<TorchTrainer>(options);
}

}  // namespace cartography::latent::training
