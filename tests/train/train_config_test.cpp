// The config reader against the seed's YAML files as PyYAML reads them with the reference's
// defaults applied (tests/data/train/loop/make_goldens.py), and its refusals.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "train/train_config.hpp"

namespace cartography::train {
namespace {

const std::string kRoot = std::string(CARTO_TEST_DATA) + "/../..";

nlohmann::json golden(const std::string& name) {
  std::ifstream in(std::string(CARTO_TEST_DATA) + "/train/loop/config_" + name + ".json");
  return nlohmann::json::parse(in);
}

void expect_count_or_fraction(const CountOrFraction& got, const nlohmann::json& want, const char* what) {
  SCOPED_TRACE(what);
  ASSERT_TRUE(want.is_number());
  EXPECT_EQ(got.is_count, want.is_number_integer());
  EXPECT_DOUBLE_EQ(got.value, want.get<double>());
}

void expect_matches(const std::string& name) {
  SCOPED_TRACE(name);
  const TrainConfig c = read_train_config(kRoot + "/config/" + name + ".yml");
  const nlohmann::json g = golden(name);
  if (g["seed"].is_null()) EXPECT_FALSE(c.seed.has_value());
  else EXPECT_EQ(c.seed.value(), g["seed"].get<uint64_t>());
  EXPECT_EQ(c.max_steps, g["max_steps"].get<int64_t>());
  EXPECT_EQ(c.max_epochs, g["max_epochs"].get<int64_t>());
  expect_count_or_fraction(c.val_check_interval, g["val_check_interval"], "val_check_interval");
  if (g["check_val_every_n_epoch"].is_null()) EXPECT_FALSE(c.check_val_every_n_epoch.has_value());
  else EXPECT_EQ(c.check_val_every_n_epoch.value(), g["check_val_every_n_epoch"].get<int64_t>());
  expect_count_or_fraction(c.limit_val_batches, g["limit_val_batches"], "limit_val_batches");
  EXPECT_EQ(c.log_every_n_steps, g["log_every_n_steps"].get<int64_t>());
  EXPECT_EQ(c.seq_len, g["seq_len"].get<int64_t>());
  EXPECT_EQ(c.batch_size, g["batch_size"].get<int64_t>());
  expect_count_or_fraction(c.val_size, g["val_size"], "val_size");
  const auto& m = c.model;
  EXPECT_DOUBLE_EQ(m.lr, g["lr"].get<double>());
  EXPECT_DOUBLE_EQ(m.adam_lr_factor, g["adam_lr_factor"].get<double>());
  EXPECT_DOUBLE_EQ(m.weight_decay, g["weight_decay"].get<double>());
  EXPECT_DOUBLE_EQ(m.momentum, g["momentum"].get<double>());
  EXPECT_DOUBLE_EQ(m.adamw_beta1, g["adamw_beta1"].get<double>());
  EXPECT_DOUBLE_EQ(m.adamw_beta2, g["adamw_beta2"].get<double>());
  EXPECT_DOUBLE_EQ(m.adamw_eps, g["adamw_eps"].get<double>());
  EXPECT_EQ(m.warmup_steps, g["warmup_steps"].get<int64_t>());
  EXPECT_DOUBLE_EQ(m.warmup_init, g["warmup_init"].get<double>());
  EXPECT_DOUBLE_EQ(m.decay_start, g["decay_start"].get<double>());
  EXPECT_EQ(m.grad_accum_steps, g["grad_accum_steps"].get<int>());
  EXPECT_EQ(m.critic_steps_per_gen, g["critic_steps_per_gen"].get<int>());
  EXPECT_DOUBLE_EQ(m.gp_factor, g["gp_factor"].get<double>());
  EXPECT_DOUBLE_EQ(m.gan_factor, g["gan_factor"].get<double>());
  EXPECT_DOUBLE_EQ(m.fm_factor, g["fm_factor"].get<double>());
  EXPECT_DOUBLE_EQ(m.pixel_factor, g["pixel_factor"].get<double>());
  EXPECT_DOUBLE_EQ(m.kl_factor, g["kl_factor"].get<double>());
  EXPECT_EQ(m.emb_dim, g["emb_dim"].get<int>());
  EXPECT_EQ(m.h_dim, g["h_dim"].get<int>());
  EXPECT_EQ(m.audio_h_dim, g["audio_h_dim"].get<int>());
  ASSERT_EQ(m.n_strides, int(g["strides"].size()));
  for (int i = 0; i < m.n_strides; ++i) EXPECT_EQ(m.strides[i], g["strides"][size_t(i)].get<int>());
  EXPECT_EQ(m.ae_expand, g["ae_expand"].get<int>());
  EXPECT_EQ(m.num_stacks, g["num_stacks"].get<int>());
  EXPECT_EQ(m.stack_depth, g["stack_depth"].get<int>());
  EXPECT_EQ(m.wavenet_expand, g["wavenet_expand"].get<int>());
  EXPECT_EQ(m.critic_spec_features, g["critic_spec_features"].get<int>());
  EXPECT_EQ(m.critic_scales, g["critic_scales"].get<int>());
  EXPECT_DOUBLE_EQ(m.critic_dropout, g["critic_dropout"].get<double>());
  ASSERT_EQ(m.n_critic_convs, int(g["critic_convs"].size()));
  for (int i = 0; i < m.n_critic_convs; ++i) {
    const auto& w = g["critic_convs"][size_t(i)];
    EXPECT_EQ(m.critic_convs[i].out_dim, w[0].get<int>());
    EXPECT_EQ(m.critic_convs[i].kernel, w[1].get<int>());
    EXPECT_EQ(m.critic_convs[i].stride, w[2].get<int>());
    EXPECT_EQ(m.critic_convs[i].groups, w[3].get<int>());
  }
  EXPECT_FALSE(c.yaml_text.empty());
}

TEST(TrainConfig, SeedConfigReadsAsTheReference) { expect_matches("latent_model"); }
TEST(TrainConfig, TinyConfigReadsAsTheReference) { expect_matches("latent_tiny"); }

std::string tiny_text() {
  std::ifstream in(kRoot + "/config/latent_tiny.yml");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The message of the error `text` raises (empty: none).
std::string error_of(const std::string& text) {
  try {
    parse_train_config(text, "my.yml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(TrainConfig, UnknownKeyIsNamedWithItsPath) {
  const std::string e = error_of(replaced(tiny_text(), "strides:", "stridez:"));
  EXPECT_NE(e.find("my.yml"), std::string::npos) << e;
  EXPECT_NE(e.find("model.ae_args.stridez"), std::string::npos) << e;
  const std::string top = error_of(tiny_text() + "\noptimizer: adam\n");
  EXPECT_NE(top.find("optimizer: unknown key"), std::string::npos) << top;
  const std::string trainer = error_of(replaced(tiny_text(), "max_epochs:", "max_epoch:"));
  EXPECT_NE(trainer.find("trainer.max_epoch"), std::string::npos) << trainer;
  const std::string cb = error_of(replaced(tiny_text(), "mode: min", "mode: min\n              patience: 3"));
  EXPECT_NE(cb.find("trainer.callbacks[0].init_args.patience"), std::string::npos) << cb;
}

TEST(TrainConfig, BadValuesAreNamed) {
  const std::string h = error_of(replaced(tiny_text(), "h_dim: 64", "h_dim: sixty"));
  EXPECT_NE(h.find("model.h_dim: expected an integer, got 'sixty'"), std::string::npos) << h;
  const std::string neg = error_of(replaced(tiny_text(), "batch_size: 2", "batch_size: -2"));
  EXPECT_NE(neg.find("data.batch_size"), std::string::npos) << neg;
  const std::string conv = error_of(replaced(tiny_text(), "[ 32, 5, 3, 4]", "[ 32, 5, 3]"));
  EXPECT_NE(conv.find("model.critic_args.convs[1]"), std::string::npos) << conv;
  const std::string mon = error_of(replaced(tiny_text(), "monitor: val/l2_rec", "monitor: val/loss"));
  EXPECT_NE(mon.find("init_args.monitor"), std::string::npos) << mon;
  const std::string prec = error_of(replaced(tiny_text(), "precision: '32-true'", "precision: 16-mixed"));
  EXPECT_NE(prec.find("trainer.precision"), std::string::npos) << prec;
  EXPECT_NE(error_of("[1, 2]").find("my.yml"), std::string::npos);
  EXPECT_NE(error_of("trainer: {a: [").find("my.yml: not YAML"), std::string::npos);
  const std::string missing = error_of(replaced(tiny_text(), "seq_len: 576", ""));
  EXPECT_NE(missing.find("data.seq_len"), std::string::npos) << missing;
}

TEST(TrainConfig, UnreadableFileIsNamed) {
  try {
    read_train_config("/nonexistent/x.yml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/x.yml"), std::string::npos);
  }
}

TEST(TrainConfig, CountOrFractionResolvesAsLightning) {
  EXPECT_EQ((CountOrFraction{true, 3}.resolve(10)), 3);
  EXPECT_EQ((CountOrFraction{true, 30}.resolve(10)), 10);
  EXPECT_EQ((CountOrFraction{false, 0.25}.resolve(10)), 2);
  EXPECT_EQ((CountOrFraction{false, 1.0}.resolve(10)), 10);
}

}  // namespace
}  // namespace cartography::train
