#include "train/train_config.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <vector>

namespace cartography::train {
namespace {

// One mapping of the file with its key path: reads keys by name, remembers which it read, and
// at the end refuses every key it was not asked for.
class Section {
 public:
  // `allowed`: every key this mapping may hold; any other is refused at once, before a missing
  // key is reported (a misspelt key is the likelier cause of both).
  Section(YAML::Node node, std::string path, const std::string* file, std::initializer_list<const char*> allowed)
      : node_(node), path_(std::move(path)), file_(file) {
    if (node_ && !node_.IsNull() && !node_.IsMap()) fail(path_, "expected a mapping");
    if (!node_ || !node_.IsMap()) return;
    for (const auto& kv : node_) {
      const std::string key = kv.first.as<std::string>();
      bool known = false;
      for (const char* a : allowed) known = known || key == a;
      if (!known) fail(join(key), "unknown key");
    }
  }

  bool has(const char* key) {
    return node_ && node_.IsMap() && node_[key] && !node_[key].IsNull();
  }
  // Present (even as null), for keys where null means something.
  bool present(const char* key) {
    return node_ && node_.IsMap() && node_[key];
  }
  YAML::Node raw(const char* key) {
    return node_ && node_.IsMap() ? node_[key] : YAML::Node();
  }
  Section child(const char* key, std::initializer_list<const char*> allowed) {
    return Section(raw(key), join(key), file_, allowed);
  }
  std::string join(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

  int64_t integer(const char* key, int64_t low, int64_t high) { return to_integer(scalar(key), join(key), low, high); }
  double number(const char* key, double low, double high) { return to_number(scalar(key), join(key), low, high); }
  bool boolean(const char* key) { return to_boolean(scalar(key), join(key)); }
  std::string text(const char* key) { return scalar(key); }
  [[noreturn]] void fail(const std::string& path, const std::string& problem) const {
    throw ConfigError(*file_ + ": " + (path.empty() ? "" : path + ": ") + problem);
  }

  std::string scalar(const char* key) {
    YAML::Node n = raw(key);
    if (!n || n.IsNull()) fail(join(key), "missing");
    if (!n.IsScalar()) fail(join(key), "expected a single value");
    return n.Scalar();
  }
  int64_t to_integer(const std::string& s, const std::string& path, int64_t low, int64_t high) const {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) fail(path, "expected an integer, got '" + s + "'");
    if (v < low || v > high)
      fail(path, s + " is out of range [" + std::to_string(low) + ", " + std::to_string(high) + "]");
    return v;
  }
  double to_number(const std::string& s, const std::string& path, double low, double high) const {
    // YAML floats: ".002", "5e-3", "10.", "-1"; std::from_chars has no leading '+'.
    double v = 0;
    const char* b = s.data() + (s.size() > 1 && s[0] == '+' ? 1 : 0);
    auto [end, ec] = std::from_chars(b, s.data() + s.size(), v);
    if (s == ".inf" || s == "inf") v = INFINITY;
    else if (ec != std::errc() || end != s.data() + s.size()) fail(path, "expected a number, got '" + s + "'");
    if (!(v >= low && v <= high)) fail(path, s + " is out of range [" + fmt(low) + ", " + fmt(high) + "]");
    return v;
  }
  bool to_boolean(const std::string& s, const std::string& path) const {
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    fail(path, "expected true or false, got '" + s + "'");
  }
  static bool is_integer_text(const std::string& s) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && end == s.data() + s.size();
  }
  static std::string fmt(double v) {
    std::ostringstream o;
    o << v;
    return o.str();
  }

  const std::string& file() const { return *file_; }

 private:
  YAML::Node node_;
  std::string path_;
  const std::string* file_;
};

constexpr int64_t kBig = int64_t(1) << 40;

// Lightning's int-or-float arguments: "1" is one batch, "1.0" all of them.
CountOrFraction count_or_fraction(Section& s, const char* key) {
  const std::string text = s.scalar(key);
  if (Section::is_integer_text(text)) return {true, double(s.to_integer(text, s.join(key), 1, kBig))};
  return {false, s.to_number(text, s.join(key), 1e-12, 1.0)};
}

// One sequence of integers ("strides: [2, 3, 3]"), at most `capacity` of them.
std::vector<int64_t> integers(Section& s, const char* key, size_t capacity, int64_t low, int64_t high) {
  YAML::Node n = s.raw(key);
  if (!n.IsSequence() || n.size() == 0) s.fail(s.join(key), "expected a non-empty list of integers");
  if (n.size() > capacity) s.fail(s.join(key), "at most " + std::to_string(capacity) + " entries are supported");
  std::vector<int64_t> out;
  for (size_t i = 0; i < n.size(); ++i) {
    const std::string path = s.join(key) + "[" + std::to_string(i) + "]";
    if (!n[i].IsScalar()) s.fail(path, "expected an integer");
    out.push_back(s.to_integer(n[i].Scalar(), path, low, high));
  }
  return out;
}

void read_opt_args(Section o, latent::LatentHyperParams& hp) {
  if (o.has("lr")) hp.lr = o.number("lr", 0, 1e3);
  if (o.has("adam_lr_factor")) hp.adam_lr_factor = o.number("adam_lr_factor", 0, 1e6);
  if (o.has("weight_decay")) hp.weight_decay = o.number("weight_decay", 0, 1e3);
  if (o.has("momentum")) hp.momentum = o.number("momentum", 0, 1);
  if (o.has("adamw_betas")) {
    YAML::Node b = o.raw("adamw_betas");
    if (!b.IsSequence() || b.size() != 2 || !b[0].IsScalar() || !b[1].IsScalar())
      o.fail(o.join("adamw_betas"), "expected two numbers [beta1, beta2]");
    hp.adamw_beta1 = o.to_number(b[0].Scalar(), o.join("adamw_betas[0]"), 0, 1);
    hp.adamw_beta2 = o.to_number(b[1].Scalar(), o.join("adamw_betas[1]"), 0, 1);
  }
  if (o.has("adamw_eps")) hp.adamw_eps = o.number("adamw_eps", 0, 1);
}

void read_lr_schedule(Section l, latent::LatentHyperParams& hp) {
  if (l.has("warmup_steps")) hp.warmup_steps = l.integer("warmup_steps", 0, kBig);
  if (l.has("warmup_init")) hp.warmup_init = l.number("warmup_init", 1e-30, 1);
  if (l.has("decay_start")) {
    const double d = l.number("decay_start", 0, INFINITY);
    hp.decay_start = std::isinf(d) ? -1.0 : d;
  }
  // The reference asserts warmup_steps <= decay_start.
  if (hp.decay_start >= 0 && double(hp.warmup_steps) > hp.decay_start)
    l.fail(l.join("decay_start"), "must not be below warmup_steps");
}

void read_ae_args(Section a, latent::LatentHyperParams& hp) {
  if (!a.has("strides")) a.fail(a.join("strides"), "missing");
  const auto strides = integers(a, "strides", 8, 1, 64);
  hp.n_strides = int32_t(strides.size());
  for (size_t i = 0; i < strides.size(); ++i) hp.strides[i] = int32_t(strides[i]);
  if (a.has("expand")) hp.ae_expand = int32_t(a.integer("expand", 1, 64));
  if (!a.has("layer_args")) a.fail(a.join("layer_args"), "missing");
  Section l = a.child("layer_args", {"num_stacks", "stack_depth", "expand"});
  hp.num_stacks = int32_t(l.integer("num_stacks", 1, 64));
  hp.stack_depth = int32_t(l.integer("stack_depth", 1, 64));
  if (l.has("expand")) hp.wavenet_expand = int32_t(l.integer("expand", 1, 64));
}

void read_critic_args(Section c, latent::LatentHyperParams& hp) {
  hp.critic_spec_features = int32_t(c.integer("spec_features", 1, 65536));
  hp.critic_scales = int32_t(c.integer("scales", 1, 16));
  if (c.has("dropout")) hp.critic_dropout = c.number("dropout", 0, 1);
  YAML::Node convs = c.raw("convs");
  const std::string path = c.join("convs");
  if (!convs.IsSequence() || convs.size() == 0) c.fail(path, "expected a list of [out_dim, kernel, stride, groups]");
  if (convs.size() > 16) c.fail(path, "at most 16 convolutions are supported");
  hp.n_critic_convs = int32_t(convs.size());
  for (size_t i = 0; i < convs.size(); ++i) {
    const std::string p = path + "[" + std::to_string(i) + "]";
    YAML::Node v = convs[i];
    if (!v.IsSequence() || v.size() != 4) c.fail(p, "expected [out_dim, kernel, stride, groups]");
    int64_t f[4];
    for (size_t k = 0; k < 4; ++k) {
      if (!v[k].IsScalar()) c.fail(p, "expected integers");
      f[k] = c.to_integer(v[k].Scalar(), p + "[" + std::to_string(k) + "]", 1, 65536);
    }
    if (f[0] % f[3] != 0) c.fail(p, "out_dim must be a multiple of groups");
    hp.critic_convs[i] = {int32_t(f[0]), int32_t(f[1]), int32_t(f[2]), int32_t(f[3])};
  }
}

void read_model(Section m, latent::LatentHyperParams& hp) {
  read_opt_args(m.child("opt_args", {"lr", "adam_lr_factor", "weight_decay", "momentum", "adamw_betas", "adamw_eps"}), hp);
  read_lr_schedule(m.child("lr_schedule_args", {"warmup_steps", "warmup_init", "decay_start"}), hp);
  // The reference clamps both to at least 1 (max(1, ...)).
  if (m.has("grad_accum_steps")) hp.grad_accum_steps = int32_t(std::max<int64_t>(1, m.integer("grad_accum_steps", -kBig, 1 << 20)));
  if (m.has("critic_steps_per_gen"))
    hp.critic_steps_per_gen = int32_t(std::max<int64_t>(1, m.integer("critic_steps_per_gen", -kBig, 1 << 20)));
  if (m.has("gp_factor")) hp.gp_factor = m.number("gp_factor", -1e9, 1e9);
  if (m.has("gan_factor")) hp.gan_factor = m.number("gan_factor", -1e9, 1e9);
  if (m.has("fm_factor")) hp.fm_factor = m.number("fm_factor", -1e9, 1e9);
  if (m.has("pixel_factor")) hp.pixel_factor = m.number("pixel_factor", -1e9, 1e9);
  if (m.has("kl_factor")) hp.kl_factor = m.number("kl_factor", -1e9, 1e9);
  hp.emb_dim = int32_t(m.integer("emb_dim", 1, 65536));
  hp.h_dim = int32_t(m.integer("h_dim", 1, 65536));
  hp.audio_h_dim = int32_t(m.integer("audio_h_dim", 1, 65536));
  if (!m.has("ae_args")) m.fail(m.join("ae_args"), "missing");
  read_ae_args(m.child("ae_args", {"strides", "layer_args", "expand"}), hp);
  if (!m.has("critic_args")) m.fail(m.join("critic_args"), "missing");
  read_critic_args(m.child("critic_args", {"spec_features", "scales", "convs", "dropout"}), hp);
}

bool is_class(const std::string& class_path, const std::string& name) {
  return class_path == name || (class_path.size() > name.size() &&
                                class_path.compare(class_path.size() - name.size() - 1, std::string::npos, "." + name) == 0);
}

// The callbacks the seed uses: ModelCheckpoint on val/l2_rec (min, top 1) and LearningRateMonitor.
void read_callbacks(Section& t, TrainConfig& c) {
  YAML::Node list = t.raw("callbacks");
  if (!list || list.IsNull()) return;
  if (!list.IsSequence()) t.fail(t.join("callbacks"), "expected a list");
  for (size_t i = 0; i < list.size(); ++i) {
    Section cb(list[i], t.join("callbacks[" + std::to_string(i) + "]"), &t.file(), {"class_path", "init_args"});
    const std::string cls = cb.text("class_path");
    if (is_class(cls, "ModelCheckpoint")) {
      // dirpath, filename, save_last...: the files are <out>/checkpoints/{last,best}.ckpt.
      Section args = cb.child("init_args", {"monitor", "mode", "save_top_k", "dirpath", "filename", "save_last",
                                            "verbose", "auto_insert_metric_name", "save_weights_only"});
      if (args.has("monitor") && args.text("monitor") != "val/l2_rec")
        args.fail(args.join("monitor"), "only val/l2_rec is logged by validation");
      if (args.has("mode") && args.text("mode") != "min") args.fail(args.join("mode"), "only min is supported");
      if (args.has("save_top_k") && args.integer("save_top_k", -1, kBig) != 1)
        args.fail(args.join("save_top_k"), "only 1 is supported (best.ckpt)");
    } else if (is_class(cls, "LearningRateMonitor")) {
      Section args = cb.child("init_args", {"logging_interval", "log_momentum", "log_weight_decay"});
      if (args.has("logging_interval") && args.text("logging_interval") != "step")
        args.fail(args.join("logging_interval"), "only step is supported");
    } else {
      cb.fail(cb.join("class_path"), "unsupported callback '" + cls + "' (ModelCheckpoint, LearningRateMonitor)");
    }
  }
}

void read_trainer(Section t, TrainConfig& c) {
  if (t.has("max_steps")) c.max_steps = t.integer("max_steps", -1, kBig);
  if (t.has("max_epochs")) c.max_epochs = t.integer("max_epochs", -1, kBig);
  else c.max_epochs = c.max_steps == -1 ? 1000 : -1;  // Lightning's default when neither is set
  if (c.max_epochs == 0 || c.max_steps == 0) t.fail("", "max_steps and max_epochs must not be 0");
  if (t.has("val_check_interval")) c.val_check_interval = count_or_fraction(t, "val_check_interval");
  if (t.present("check_val_every_n_epoch"))
    c.check_val_every_n_epoch = t.has("check_val_every_n_epoch")
                                    ? std::optional<int64_t>(t.integer("check_val_every_n_epoch", 1, kBig))
                                    : std::nullopt;
  if (!c.check_val_every_n_epoch && !c.val_check_interval.is_count)
    t.fail(t.join("val_check_interval"), "with check_val_every_n_epoch: null it must be a number of batches");
  if (t.has("limit_val_batches")) c.limit_val_batches = count_or_fraction(t, "limit_val_batches");
  if (t.has("log_every_n_steps")) c.log_every_n_steps = t.integer("log_every_n_steps", 1, kBig);
  if (t.has("enable_checkpointing") && !t.boolean("enable_checkpointing"))
    t.fail(t.join("enable_checkpointing"), "fit-latent always writes checkpoints (last.ckpt, best.ckpt)");
  if (t.has("enable_progress_bar")) c.enable_progress_bar = t.boolean("enable_progress_bar");
  if (t.has("precision")) {
    const std::string p = t.text("precision");
    if (p != "32" && p != "32-true")
      t.fail(t.join("precision"), "'" + p + "': training runs in float32 ('32-true') only");
  }
  read_callbacks(t, c);
  // Devices come from the ranks (one device per rank); logging is metrics.csv.
}

void read_data(Section d, TrainConfig& c) {
  c.seq_len = d.integer("seq_len", 1, 1 << 24);
  c.batch_size = d.integer("batch_size", 1, 1 << 20);
  c.val_size = count_or_fraction(d, "val_size");  // the dataset is the command's argument; no loader workers
}

}  // namespace

int64_t CountOrFraction::resolve(int64_t total) const {
  if (is_count) return std::min<int64_t>(total, int64_t(value));
  return int64_t(std::floor(double(total) * value));
}

TrainConfig parse_train_config(const std::string& text, const std::string& name) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(name + ": not YAML: " + e.what());
  }
  if (!root.IsMap()) throw ConfigError(name + ": expected a mapping (trainer:, data:, model:)");
  TrainConfig c;
  c.yaml_text = text;
  try {
    Section top(root, "", &name, {"seed_everything", "trainer", "data", "model"});
    if (top.has("seed_everything")) {
      const std::string s = top.text("seed_everything");
      if (Section::is_integer_text(s)) c.seed = uint64_t(top.to_integer(s, "seed_everything", 0, INT64_MAX));
      else top.to_boolean(s, "seed_everything");
    }
    for (const char* section : {"trainer", "data", "model"})
      if (!top.has(section)) top.fail(section, "missing");
    read_trainer(top.child("trainer", {"max_steps", "max_epochs", "val_check_interval", "check_val_every_n_epoch",
                                     "limit_val_batches", "log_every_n_steps", "enable_checkpointing",
                                     "enable_progress_bar", "precision", "callbacks",
                                     // Devices come from the ranks (one per rank); the log is metrics.csv.
                                     "accelerator", "devices", "num_nodes", "strategy", "logger",
                                     "enable_model_summary", "default_root_dir", "deterministic", "benchmark"}), c);
    read_data(top.child("data", {"seq_len", "batch_size", "val_size",
                               // The dataset is the command's argument; there are no loader workers.
                               "data_path", "num_workers"}), c);
    read_model(top.child("model", {"opt_args", "lr_schedule_args", "grad_accum_steps", "critic_steps_per_gen",
                                "gp_factor", "gan_factor", "fm_factor", "pixel_factor", "kl_factor", "emb_dim",
                                "h_dim", "audio_h_dim", "ae_args", "critic_args"}), c.model);
  } catch (const YAML::Exception& e) {
    throw ConfigError(name + ": " + e.what());
  }
  return c;
}

TrainConfig read_train_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > (1 << 20)) throw ConfigError(path + ": larger than 1 MiB, not a config");
  return parse_train_config(text.str(), path);
}

}  // namespace cartography::train
