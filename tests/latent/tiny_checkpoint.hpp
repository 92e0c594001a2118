// A checkpoint of the tiny latent model (tools/trainref's latent_tiny.yml) with the layout of the
// Lightning fixture (tests/data/train/ckpt_writer/tiny_layout.txt: names, shapes, optimizer
// parameters, the fixture's counters) and pattern values that check_lightning_load.py recomputes
// on its own: element i of the tensor with seed s is pattern_value(s, i).
//   state_dict tensor j (file order)          seed j + 1
//   optimizer o, parameter index p            momentum_buffer / moment1: 1,000,000·(o+1) + 4p,
//                                             moment1: that + 1; moment2: that + 2, absolute
//                                             values (a second moment is never negative: the
//                                             file must also resume training without NaN)
#pragma once

#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "latent/checkpoint/lightning_writer.hpp"

namespace latent_test {

inline uint64_t splitmix64(uint64_t x) {
  uint64_t z = x + 0x9E3779B97F4A7C15u;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}
// In [-1, 1), a multiple of 2^-23: exact in float32 and float64 alike.
inline float pattern_value(uint64_t seed, uint64_t i) {
  return static_cast<float>(static_cast<double>(splitmix64((seed << 32) | i) >> 40) / 8388608.0 - 1.0);
}
inline std::vector<float> pattern(uint64_t seed, int64_t n) {
  std::vector<float> out(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) out[static_cast<size_t>(i)] = pattern_value(seed, static_cast<uint64_t>(i));
  return out;
}
inline uint64_t state_seed(int optimizer, int64_t index) {
  return 1000000u * static_cast<uint64_t>(optimizer + 1) + 4u * static_cast<uint64_t>(index);
}

// The tiny config of tools/trainref/configs/latent_tiny.yml (Muon defaults elsewhere).
inline cartography::latent::LatentHyperParams tiny_hyper_params() {
  cartography::latent::LatentHyperParams hp;
  hp.lr = 0.002;
  hp.weight_decay = 0;
  hp.warmup_steps = 500;
  hp.warmup_init = 0.01;
  hp.decay_start = -1;
  hp.grad_accum_steps = 1;
  hp.critic_steps_per_gen = 1;
  hp.gp_factor = 10;
  hp.gan_factor = 5e-3;
  hp.fm_factor = 1;
  hp.pixel_factor = 0;
  hp.kl_factor = 1e-4;
  hp.emb_dim = 16;
  hp.h_dim = 64;
  hp.audio_h_dim = 16;
  hp.n_strides = 3;
  hp.strides[0] = 2, hp.strides[1] = 3, hp.strides[2] = 3;
  hp.ae_expand = 1;
  hp.num_stacks = 1;
  hp.stack_depth = 2;
  hp.wavenet_expand = 1;
  hp.critic_spec_features = 8;
  hp.critic_scales = 2;
  hp.n_critic_convs = 3;
  hp.critic_convs[0] = {16, 3, 1, 1};
  hp.critic_convs[1] = {32, 5, 3, 4};
  hp.critic_convs[2] = {16, 3, 1, 1};
  hp.critic_dropout = 0;
  return hp;
}

// The checkpoint and the buffers its spans point into.
struct TinyCheckpoint {
  cartography::latent::LightningCheckpoint checkpoint;
  std::vector<std::unique_ptr<std::vector<float>>> buffers;
  std::span<const float> keep(std::vector<float> values) {
    buffers.push_back(std::make_unique<std::vector<float>>(std::move(values)));
    return *buffers.back();
  }
};

inline std::vector<int64_t> parse_shape(const std::string& text) {
  std::vector<int64_t> shape;
  if (text == "-") return shape;
  std::stringstream ss(text);
  for (std::string part; std::getline(ss, part, ',');) shape.push_back(std::stoll(part));
  return shape;
}

inline int64_t numel(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

inline TinyCheckpoint make_tiny_checkpoint(const std::string& layout_path) {
  using namespace cartography::latent;
  std::ifstream in(layout_path);
  if (!in) throw std::runtime_error(layout_path + ": cannot open");
  TinyCheckpoint t;
  LightningCheckpoint& c = t.checkpoint;
  c.hparams = tiny_hyper_params();
  std::map<std::string, std::vector<int64_t>> shapes;
  std::map<std::string, std::string> set;
  struct Param {
    int optimizer;
    int64_t index;
    std::string name, step;
  };
  std::vector<Param> params;
  for (std::string line; std::getline(in, line);) {
    std::istringstream ls(line);
    std::string kind;
    ls >> kind;
    if (kind == "tensor") {
      std::string name, shape;
      ls >> name >> shape;
      const uint64_t seed = c.state_dict.size() + 1;
      NamedTensor nt{name, parse_shape(shape), {}};
      nt.data = t.keep(pattern(seed, numel(nt.shape)));
      shapes[name] = nt.shape;
      c.state_dict.push_back(std::move(nt));
    } else if (kind == "module") {
      std::string name;
      ls >> name;
      c.module_names.push_back(name == "-" ? "" : name);
    } else if (kind == "param") {
      Param p;
      ls >> p.optimizer >> p.index >> p.name >> p.step;
      params.push_back(p);
    } else if (kind == "set") {
      std::string key, value;
      ls >> key;
      std::getline(ls >> std::ws, value);
      set[key] = value;
    }
  }
  auto number = [&](const std::string& key) {
    if (!set.count(key)) throw std::runtime_error(layout_path + ": no 'set " + key + "'");
    return std::stod(set[key]);
  };
  auto integer = [&](const std::string& key) { return static_cast<int64_t>(number(key)); };

  for (int o = 0; o < 2; ++o) {
    int64_t count = 0;
    for (const Param& p : params) count += p.optimizer == o;
    MuonState m = muon_state_from(c.hparams, count);
    m.lr = number("lr");
    m.initial_lr = number("initial_lr");
    for (const Param& p : params) {
      if (p.optimizer != o || p.step == "absent") continue;
      MuonParamState s;
      s.index = p.index;
      s.shape = shapes.at(p.name);
      const uint64_t seed = state_seed(o, p.index);
      if (p.step == "empty") {
        // no tensors: an empty state
      } else if (p.step == "-") {
        s.momentum_buffer = t.keep(pattern(seed, numel(s.shape)));
      } else {
        s.step = std::stoll(p.step);
        s.moment1 = t.keep(pattern(seed + 1, numel(s.shape)));
        std::vector<float> second = pattern(seed + 2, numel(s.shape));
        for (float& v : second) v = std::fabs(v);
        s.moment2 = t.keep(std::move(second));
      }
      m.params.push_back(std::move(s));
    }
    c.optimizers.push_back(std::move(m));
    c.schedulers.push_back({number("base_lr"), integer("last_epoch"), integer("step_count"), number("last_lr")});
  }
  c.epoch = integer("epoch");
  c.global_step = integer("global_step");
  c.loops = fit_loop_state(c.epoch, integer("batches"), integer("batches"), integer("optimizer_steps"));
  c.loops.batches_that_stepped = integer("batches_that_stepped");
  c.loops.val_batches_total = Progress::all(integer("val_batches_total"));
  c.loops.val_batches_current = Progress::all(integer("val_batches_current"));
  c.loops.val_last_batch = true;
  ModelCheckpointState mc;
  const double score = number("score");
  mc.best_model_score = mc.current_score = mc.kth_value = score;
  mc.best_model_path = mc.kth_best_model_path = set["best_model_path"];
  mc.dirpath = set["dirpath"];
  mc.last_model_path = set["last_model_path"];
  mc.best_k_models = {{mc.best_model_path, score}};
  c.model_checkpoint = mc;
  return t;
}

}  // namespace latent_test
