#include "latent/checkpoint/lightning_writer.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <stdexcept>
#include <unordered_set>

#include "common/checked.hpp"
#include "latent/checkpoint/checkpoint_error.hpp"
#include "latent/checkpoint/pickle_writer.hpp"
#include "latent/checkpoint/zip_writer.hpp"

namespace cartography::latent {

using pickle::Ref;

namespace {

constexpr const char* kLightningVersion = "2.5.2";
constexpr const char* kInstantiator = "pytorch_lightning.cli.instantiate_module";

Ref num(double v) { return pickle::make(v); }
Ref integer(int64_t v) { return pickle::make(v); }
Ref boolean(bool v) { return pickle::make(v); }
Ref s(std::string v) { return pickle::str(std::move(v)); }
Ref none() { return pickle::make(pickle::None{}); }
using Items = std::vector<std::pair<Ref, Ref>>;
Ref d(std::vector<std::pair<std::string, Ref>> items) {
  Items out;
  for (auto& [k, v] : items) out.emplace_back(s(k), std::move(v));
  return pickle::dict(std::move(out));
}
Ref ints(const std::vector<int64_t>& values, bool as_tuple) {
  std::vector<Ref> items;
  for (int64_t v : values) items.push_back(integer(v));
  return as_tuple ? pickle::tuple(std::move(items)) : pickle::list(std::move(items));
}

// Python's repr of a str (the quotes it picks, the escapes it writes), for the callback key.
std::string py_repr(const std::string& text) {
  const bool dq = text.find('\'') != std::string::npos && text.find('"') == std::string::npos;
  const char quote = dq ? '"' : '\'';
  std::string out(1, quote);
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == quote || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\r') {
      out += "\\r";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += ch;
    }
  }
  return out + quote;
}

int64_t numel_of(const std::vector<int64_t>& shape, const std::string& what) {
  for (int64_t n : shape)
    if (n < 0) throw std::invalid_argument(what + ": negative dimension");
  const auto n = checked::product<int64_t>(shape);
  if (!n) throw std::invalid_argument(what + ": element count overflows");
  return *n;
}

std::vector<int64_t> contiguous_stride(const std::vector<int64_t>& shape) {
  std::vector<int64_t> stride(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;) stride[i - 1] = stride[i] * std::max<int64_t>(shape[i], 1);
  return stride;
}

// The float32 storages of the checkpoint, keyed "0", "1", ... in the order the pickle meets them.
class Storages {
 public:
  Ref tensor(std::span<const float> data, const std::vector<int64_t>& shape, const std::string& what) {
    const int64_t n = numel_of(shape, what);
    if (static_cast<uint64_t>(n) != data.size())
      throw std::invalid_argument(what + ": shape " + shape_text(shape) + " needs " + std::to_string(n) +
                                  " values, " + std::to_string(data.size()) + " given");
    const std::string key = std::to_string(data_.size());
    data_.push_back(data);
    Ref pid = pickle::tuple({storage_, float_storage_, s(key), cpu_, integer(n)});
    return pickle::reduce("torch._utils._rebuild_tensor_v2",
                          {pickle::persistent_id(std::move(pid)), integer(0), ints(shape, true),
                           ints(contiguous_stride(shape), true), boolean(false), pickle::ordered_dict({})});
  }
  // A float32 scalar tensor; equal values share one tensor, as Lightning's scores do.
  Ref scalar(double value) {
    const float f = static_cast<float>(value);
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    auto it = scalars_.find(bits);
    if (it != scalars_.end()) return it->second;
    owned_.push_back(f);
    Ref t = tensor(std::span<const float>(&owned_.back(), 1), {}, "scalar");
    scalars_.emplace(bits, t);
    return t;
  }
  const std::vector<std::span<const float>>& data() const { return data_; }

  static std::string shape_text(const std::vector<int64_t>& shape) {
    std::string out = "[";
    for (size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
    return out + "]";
  }

 private:
  // One object each, shared by every storage id, as torch.save's are.
  Ref storage_ = s("storage"), cpu_ = s("cpu");
  Ref float_storage_ = pickle::global("torch", "FloatStorage");
  std::vector<std::span<const float>> data_;
  std::deque<float> owned_;  // a deque keeps addresses stable
  std::map<uint32_t, Ref> scalars_;
};

Ref state_dict_value(const LightningCheckpoint& c, Storages& storages) {
  Items items;
  std::unordered_set<std::string> seen;
  for (const NamedTensor& t : c.state_dict) {
    if (t.name.empty()) throw std::invalid_argument("state_dict: a tensor without a name");
    if (!seen.insert(t.name).second) throw std::invalid_argument("state_dict: duplicate tensor " + t.name);
    items.emplace_back(s(t.name), storages.tensor(t.data, t.shape, "state_dict tensor " + t.name));
  }
  std::vector<std::string> modules = c.module_names;
  if (modules.empty()) {
    std::unordered_set<std::string> known{""};
    modules.push_back("");
    for (const NamedTensor& t : c.state_dict)
      for (size_t dot = t.name.find('.'); dot != std::string::npos; dot = t.name.find('.', dot + 1))
        if (known.insert(t.name.substr(0, dot)).second) modules.push_back(t.name.substr(0, dot));
  }
  Ref version = s("version");  // one key object shared by every entry, as Python interns it
  Items metadata;
  for (const std::string& m : modules)
    metadata.emplace_back(s(m), pickle::dict({{version, integer(1)}}));
  return pickle::ordered_dict(std::move(items), d({{"_metadata", pickle::ordered_dict(std::move(metadata))}}));
}

Ref progress(const Progress& p, bool processed = true) {
  std::vector<std::pair<std::string, Ref>> items{{"ready", integer(p.ready)}, {"completed", integer(p.completed)},
                                                 {"started", integer(p.started)}};
  if (processed) items.emplace_back("processed", integer(p.processed));
  return d(std::move(items));
}
Ref ready_completed(int64_t ready, int64_t completed) {
  return d({{"ready", integer(ready)}, {"completed", integer(completed)}});
}
Ref batch_progress(const Progress& total, const Progress& current, std::optional<bool> last) {
  std::vector<std::pair<std::string, Ref>> items{{"total", progress(total)}, {"current", progress(current)}};
  if (last) items.emplace_back("is_last_batch", boolean(*last));
  return d(std::move(items));
}

Ref loops_value(const FitLoopState& f) {
  const Progress zero;
  Ref fit = d({
      {"state_dict", d({})},
      {"epoch_loop.state_dict", d({{"_batches_that_stepped", integer(f.batches_that_stepped)}})},
      {"epoch_loop.batch_progress", batch_progress(f.batches_total, f.batches_current, f.last_batch)},
      {"epoch_loop.scheduler_progress",
       d({{"total", ready_completed(f.scheduler_steps_total, f.scheduler_steps_total)},
          {"current", ready_completed(f.scheduler_steps_current, f.scheduler_steps_current)}})},
      {"epoch_loop.automatic_optimization.state_dict", d({})},
      {"epoch_loop.automatic_optimization.optim_progress",
       d({{"optimizer",
           d({{"step", d({{"total", ready_completed(0, 0)}, {"current", ready_completed(0, 0)}})},
              {"zero_grad", d({{"total", progress(zero, false)}, {"current", progress(zero, false)}})}})}})},
      {"epoch_loop.manual_optimization.state_dict", d({})},
      {"epoch_loop.manual_optimization.optim_step_progress",
       d({{"total", ready_completed(f.optimizer_steps_total, f.optimizer_steps_total)},
          {"current", ready_completed(f.optimizer_steps_current, f.optimizer_steps_current)}})},
      {"epoch_loop.val_loop.state_dict", d({})},
      {"epoch_loop.val_loop.batch_progress",
       batch_progress(f.val_batches_total, f.val_batches_current, f.val_last_batch)},
      {"epoch_progress", d({{"total", progress(f.epochs_total)}, {"current", progress(f.epochs_current)}})},
  });
  auto idle_loop = [&](bool has_last_batch) {
    return d({{"state_dict", d({})},
              {"batch_progress", batch_progress(zero, zero, has_last_batch ? std::optional<bool>(false) : std::nullopt)}});
  };
  return d({{"fit_loop", fit},
            {"validate_loop", idle_loop(true)},
            {"test_loop", idle_loop(true)},
            {"predict_loop", idle_loop(false)}});
}

Ref callbacks_value(const std::optional<ModelCheckpointState>& mc, Storages& storages) {
  if (!mc) return d({});
  if (mc->mode != "min" && mc->mode != "max")
    throw std::invalid_argument("ModelCheckpoint mode '" + mc->mode + "' (expected min or max)");
  auto score = [&](const std::optional<double>& v) { return v ? storages.scalar(*v) : none(); };
  const double start = mc->mode == "min" ? std::numeric_limits<double>::infinity()
                                         : -std::numeric_limits<double>::infinity();
  Items best_k;
  for (const auto& [path, value] : mc->best_k_models) best_k.emplace_back(s(path), storages.scalar(value));
  Ref state = d({{"monitor", s(mc->monitor)},
                 {"best_model_score", score(mc->best_model_score)},
                 {"best_model_path", s(mc->best_model_path)},
                 {"current_score", score(mc->current_score)},
                 {"dirpath", s(mc->dirpath)},
                 {"best_k_models", pickle::dict(std::move(best_k))},
                 {"kth_best_model_path", s(mc->kth_best_model_path)},
                 {"kth_value", storages.scalar(mc->kth_value.value_or(start))},
                 {"last_model_path", s(mc->last_model_path)}});
  return d({{model_checkpoint_state_key(*mc), state}});
}

Ref optimizer_value(const MuonState& o, size_t which, Storages& storages) {
  const std::string what = "optimizer " + std::to_string(which);
  Items state;
  std::unordered_set<int64_t> seen;
  for (const MuonParamState& p : o.params) {
    const std::string pwhat = what + " parameter " + std::to_string(p.index);
    if (p.index < 0 || p.index >= o.param_count)
      throw std::invalid_argument(pwhat + ": index outside [0, " + std::to_string(o.param_count) + ")");
    if (!seen.insert(p.index).second) throw std::invalid_argument(pwhat + ": state given twice");
    const bool momentum = !p.momentum_buffer.empty(), adam = !p.moment1.empty() || !p.moment2.empty();
    if (momentum && adam) throw std::invalid_argument(pwhat + ": both a momentum buffer and AdamW moments");
    Ref entry = momentum ? d({{"momentum_buffer", storages.tensor(p.momentum_buffer, p.shape, pwhat + " momentum_buffer")}})
                : adam   ? d({{"step", integer(p.step)},
                              {"moment1", storages.tensor(p.moment1, p.shape, pwhat + " moment1")},
                              {"moment2", storages.tensor(p.moment2, p.shape, pwhat + " moment2")}})
                         : d({});
    state.emplace_back(integer(p.index), entry);
  }
  std::vector<int64_t> indices(static_cast<size_t>(o.param_count));
  for (int64_t i = 0; i < o.param_count; ++i) indices[static_cast<size_t>(i)] = i;
  Ref group = d({{"lr", num(o.lr)},
                 {"adam_lr_factor", num(o.adam_lr_factor)},
                 {"momentum", num(o.momentum)},
                 {"weight_decay", num(o.weight_decay)},
                 {"adamw_betas", pickle::tuple({num(o.adamw_beta1), num(o.adamw_beta2)})},
                 {"adamw_eps", num(o.adamw_eps)},
                 {"initial_lr", num(o.initial_lr)},
                 {"params", ints(indices, false)}});
  return d({{"state", pickle::dict(std::move(state))}, {"param_groups", pickle::list({group})}});
}

Ref scheduler_value(const LambdaLRState& l) {
  return d({{"base_lrs", pickle::list({num(l.base_lr)})},
            {"last_epoch", integer(l.last_epoch)},
            {"_step_count", integer(l.step_count)},
            {"_get_lr_called_within_step", boolean(false)},
            {"_last_lr", pickle::list({num(l.last_lr)})},
            {"lr_lambdas", pickle::list({none()})}});
}

Ref root_value(const LightningCheckpoint& c, Storages& storages) {
  if (c.schedulers.size() != c.optimizers.size())
    throw std::invalid_argument(std::to_string(c.optimizers.size()) + " optimizers but " +
                                std::to_string(c.schedulers.size()) + " LR schedulers");
  Ref state_dict = state_dict_value(c, storages);
  Ref loops = loops_value(c.loops);
  Ref callbacks = callbacks_value(c.model_checkpoint, storages);
  std::vector<Ref> optimizers, schedulers;
  for (size_t i = 0; i < c.optimizers.size(); ++i) optimizers.push_back(optimizer_value(c.optimizers[i], i, storages));
  for (const LambdaLRState& l : c.schedulers) schedulers.push_back(scheduler_value(l));
  Ref root = d({{"epoch", integer(c.epoch)},
                 {"global_step", integer(c.global_step)},
                 {"pytorch-lightning_version", s(kLightningVersion)},
                 {"state_dict", state_dict},
                 {"loops", loops},
                 {"callbacks", callbacks},
                 {"optimizer_states", pickle::list(std::move(optimizers))},
                 {"lr_schedulers", pickle::list(std::move(schedulers))},
                 {"hparams_name", s("kwargs")},
                 {"hyper_parameters", hyper_parameters_value(c.hparams)}});
  return root;
}

}  // namespace

MuonState muon_state_from(const LatentHyperParams& hp, int64_t param_count) {
  MuonState o;
  o.param_count = param_count;
  o.lr = o.initial_lr = hp.lr;
  o.adam_lr_factor = hp.adam_lr_factor;
  o.momentum = hp.momentum;
  o.weight_decay = hp.weight_decay;
  o.adamw_beta1 = hp.adamw_beta1;
  o.adamw_beta2 = hp.adamw_beta2;
  o.adamw_eps = hp.adamw_eps;
  return o;
}

FitLoopState fit_loop_state(int64_t epoch, int64_t batches_in_epoch, int64_t batches_total, int64_t optimizer_steps) {
  FitLoopState f;
  f.batches_total = Progress::all(batches_total);
  f.batches_current = Progress::all(batches_in_epoch);
  f.batches_that_stepped = batches_total;
  f.optimizer_steps_total = f.optimizer_steps_current = optimizer_steps;
  // Epoch `epoch` has started (ready, started) but not finished (processed, completed).
  f.epochs_total = f.epochs_current = Progress{epoch + 1, epoch + 1, epoch, epoch};
  return f;
}

std::string model_checkpoint_state_key(const ModelCheckpointState& m) {
  return "ModelCheckpoint{'monitor': " + py_repr(m.monitor) + ", 'mode': " + py_repr(m.mode) +
         ", 'every_n_train_steps': " + std::to_string(m.every_n_train_steps) +
         ", 'every_n_epochs': " + std::to_string(m.every_n_epochs) + ", 'train_time_interval': None}";
}

pickle::Ref hyper_parameters_value(const LatentHyperParams& hp) {
  // Muon's own defaults: only what differs from them needs to be in opt_args.
  const LatentHyperParams muon_defaults;
  std::vector<std::pair<std::string, Ref>> opt{{"lr", num(hp.lr)}, {"weight_decay", num(hp.weight_decay)}};
  if (hp.adam_lr_factor != muon_defaults.adam_lr_factor) opt.emplace_back("adam_lr_factor", num(hp.adam_lr_factor));
  if (hp.momentum != muon_defaults.momentum) opt.emplace_back("momentum", num(hp.momentum));
  if (hp.adamw_beta1 != muon_defaults.adamw_beta1 || hp.adamw_beta2 != muon_defaults.adamw_beta2)
    opt.emplace_back("adamw_betas", pickle::list({num(hp.adamw_beta1), num(hp.adamw_beta2)}));
  if (hp.adamw_eps != muon_defaults.adamw_eps) opt.emplace_back("adamw_eps", num(hp.adamw_eps));

  if (hp.n_strides < 0 || hp.n_strides > 8) throw std::invalid_argument("n_strides outside 0..8");
  if (hp.n_critic_convs < 0 || hp.n_critic_convs > 16) throw std::invalid_argument("n_critic_convs outside 0..16");
  std::vector<int64_t> strides(hp.strides, hp.strides + hp.n_strides);
  std::vector<Ref> convs;
  for (int i = 0; i < hp.n_critic_convs; ++i) {
    const CriticConv& c = hp.critic_convs[i];
    convs.push_back(ints({c.out_dim, c.kernel, c.stride, c.groups}, false));
  }
  const double decay_start = hp.decay_start < 0 ? std::numeric_limits<double>::infinity() : hp.decay_start;
  return d({
      {"opt_args", d(std::move(opt))},
      {"lr_schedule_args",
       d({{"warmup_steps", integer(hp.warmup_steps)},
          {"warmup_init", num(hp.warmup_init)},
          {"decay_start", num(decay_start)}})},
      {"grad_accum_steps", integer(hp.grad_accum_steps)},
      {"critic_steps_per_gen", integer(hp.critic_steps_per_gen)},
      {"gp_factor", num(hp.gp_factor)},
      {"gan_factor", num(hp.gan_factor)},
      {"fm_factor", num(hp.fm_factor)},
      {"pixel_factor", num(hp.pixel_factor)},
      {"kl_factor", num(hp.kl_factor)},
      {"emb_dim", integer(hp.emb_dim)},
      {"h_dim", integer(hp.h_dim)},
      {"audio_h_dim", integer(hp.audio_h_dim)},
      {"ae_args",
       d({{"strides", ints(strides, false)},
          {"layer_args",
           d({{"num_stacks", integer(hp.num_stacks)},
              {"stack_depth", integer(hp.stack_depth)},
              {"expand", integer(hp.wavenet_expand)}})},
          {"expand", integer(hp.ae_expand)}})},
      {"critic_args",
       d({{"spec_features", integer(hp.critic_spec_features)},
          {"scales", integer(hp.critic_scales)},
          {"convs", pickle::list(std::move(convs))},
          {"dropout", num(hp.critic_dropout)}})},
      {"_instantiator", s(kInstantiator)},
  });
}

void write_lightning_checkpoint(const std::string& path, const LightningCheckpoint& checkpoint) {
  static_assert(std::endian::native == std::endian::little, "storages are written in host order, torch expects little");
  // Everything is checked and pickled before the file is created.
  Storages storages;
  std::string pkl;
  try {
    pkl = pickle::write_pickle(root_value(checkpoint, storages));
  } catch (const std::invalid_argument& e) {
    throw CheckpointError(path, std::string("cannot write the checkpoint: ") + e.what());
  }
  TorchZipWriter zip(path);
  zip.add("data.pkl", pkl);
  zip.add(".format_version", "1");
  zip.add(".storage_alignment", "64");
  zip.add("byteorder", "little");
  for (size_t i = 0; i < storages.data().size(); ++i)
    zip.add("data/" + std::to_string(i), std::as_bytes(storages.data()[i]));
  zip.add("version", "3\n");
  zip.finish();
}

}  // namespace cartography::latent
