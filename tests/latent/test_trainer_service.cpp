// The LatentTrainer of the plugin on a tiny configuration: a checkpoint written mid-run and
// loaded into a fresh trainer, with the pending gradients written back through gradient(),
// continues to the same weights as an uninterrupted run; the flat
// gradient a caller all-reduces goes back in unchanged; a batch split into two weighted shards
// whose gradients are summed (what two ranks do) gives the one-shard step's weights.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "latent/trainer_plugin.hpp"
#include "latent/training/trainer_service.hpp"
#include "latent_test.hpp"
#include "tiny_checkpoint.hpp"

namespace latent = cartography::latent;
namespace fs = std::filesystem;

namespace {

// Smaller than the fixture's tiny config (latent_test::tiny_hyper_params), for speed.
latent::LatentHyperParams tiny() {
  latent::LatentHyperParams hp = latent_test::tiny_hyper_params();
  hp.emb_dim = 8;
  hp.h_dim = 16;
  hp.audio_h_dim = 8;
  hp.critic_convs[1] = {16, 5, 3, 4};
  hp.n_critic_convs = 2;
  return hp;
}

struct Batch {
  int32_t size = 0;
  int64_t frames = 0;
  std::vector<float> audio, chart;
  std::vector<uint64_t> keys;

  // Windows [begin, end) of this batch as one shard.
  latent::TrainSamples shard(int32_t begin, int32_t end) const {
    latent::TrainSamples s;
    s.audio = audio.data() + static_cast<size_t>(begin) * latent::kAudioDim * frames;
    s.chart = chart.data() + static_cast<size_t>(begin) * latent::kChartDim * frames;
    s.batch = end - begin;
    s.frames = frames;
    s.noise_keys = keys.data() + begin;
    s.weight = static_cast<double>(end - begin) / size;
    return s;
  }
};

Batch make_batch(uint64_t seed, int32_t size = 4, int64_t frames = 72) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> audio(-2.0f, 0.0f), chart(-1.0f, 1.0f);
  Batch b;
  b.size = size;
  b.frames = frames;
  for (int64_t i = 0; i < size * latent::kAudioDim * frames; ++i) b.audio.push_back(audio(rng));
  for (int64_t i = 0; i < size * latent::kChartDim * frames; ++i) b.chart.push_back(chart(rng));
  for (int32_t i = 0; i < size; ++i) b.keys.push_back(seed * 1000 + static_cast<uint64_t>(i));
  return b;
}

std::unique_ptr<latent::LatentTrainer> open_trainer() {
  latent::TrainerOptions o;
  o.hp = tiny();
  o.seed = 7;
  o.force_cpu = 1;
  return latent::training::make_latent_trainer(o);
}

std::vector<float> all_weights(const latent::LatentTrainer& t) {
  std::vector<float> out;
  for (int32_t g : {latent::kCritic, latent::kGenerator}) {
    std::vector<float> w(static_cast<size_t>(t.parameter_count(g)));
    EXPECT_EQ(t.weights(g, w.data()), 0) << t.last_error();
    out.insert(out.end(), w.begin(), w.end());
  }
  return out;
}

// One reference batch (critic step, generator step), each group's gradient summed over the
// shards as an all-reduce would; `shards` = 1 is a single rank.
void train_batch(latent::LatentTrainer& t, const Batch& b, int shards, bool export_gradient) {
  for (int32_t group : {latent::kCritic, latent::kGenerator}) {
    std::vector<float> sum(static_cast<size_t>(t.parameter_count(group)), 0.0f);
    for (int k = 0; k < shards; ++k) {
      // Each "rank" is the same trainer here: its gradient before this shard is the carry-over
      // (critic weights keep the generator pass's gradient), which must be counted once.
      latent::CriticLosses c;
      latent::GeneratorLosses g;
      const auto s = b.shard(b.size * k / shards, b.size * (k + 1) / shards);
      if (shards > 1) {
        // Start from the carry-over only for the first shard.
        const float* before = t.gradient(group);
        ASSERT_NE(before, nullptr) << t.last_error();
        std::vector<float> base(before, before + sum.size());
        ASSERT_EQ(group == latent::kCritic ? t.critic_backward(s, &c) : t.generator_backward(s, &g), 0)
            << t.last_error();
        const float* after = t.gradient(group);
        for (size_t i = 0; i < sum.size(); ++i) sum[i] += after[i] - (k == 0 ? 0.0f : base[i]);
        if (k + 1 < shards) continue;
        float* flat = t.gradient(group);
        std::copy(sum.begin(), sum.end(), flat);
      } else {
        ASSERT_EQ(group == latent::kCritic ? t.critic_backward(s, &c) : t.generator_backward(s, &g), 0)
            << t.last_error();
        if (export_gradient) ASSERT_NE(t.gradient(group), nullptr) << t.last_error();
      }
      EXPECT_TRUE(std::isfinite(c.adversarial + c.gradient_penalty + g.kl + g.reconstruction));
    }
    ASSERT_EQ(t.step(group), 0) << t.last_error();
  }
}

}  // namespace

TEST(TrainerService, ExportedGradientGoesBackUnchanged) {
  auto a = open_trainer(), b = open_trainer();
  ASSERT_EQ(all_weights(*a), all_weights(*b));
  for (uint64_t i = 0; i < 2; ++i) {
    const auto batch = make_batch(i + 1);
    train_batch(*a, batch, 1, false);
    train_batch(*b, batch, 1, true);
  }
  EXPECT_EQ(all_weights(*a), all_weights(*b));
}

TEST(TrainerService, ResumeFromCheckpointEqualsUninterrupted) {
  const fs::path dir = fs::temp_directory_path() / ("trainer_service_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto whole = open_trainer();
  auto first = open_trainer();
  for (uint64_t i = 0; i < 2; ++i) {
    train_batch(*whole, make_batch(i + 1), 1, false);
    train_batch(*first, make_batch(i + 1), 1, false);
  }
  latent::CheckpointMeta meta;
  meta.global_step = 4;
  meta.batches_seen = 2;
  meta.batches_in_epoch = 2;
  meta.best_val_l2 = 0.25;
  meta.best_path = "best.ckpt";
  const std::string path = (dir / "mid.ckpt").string();
  ASSERT_EQ(first->save(path.c_str(), meta), 0) << first->last_error();
  // What fit-latent keeps beside last.ckpt: the gradients still waiting for a step (the critic's
  // from the last generator pass, which the reference does not clear).
  std::vector<std::vector<float>> pending;
  for (int32_t g : {latent::kCritic, latent::kGenerator}) {
    const float* flat = first->gradient(g);
    pending.emplace_back(flat, flat + first->parameter_count(g));
  }

  auto resumed = open_trainer();
  latent::CheckpointMeta read;
  ASSERT_EQ(resumed->load(path.c_str(), &read), 0) << resumed->last_error();
  EXPECT_EQ(read.global_step, 4);
  EXPECT_EQ(read.batches_seen, 2);
  EXPECT_NEAR(read.best_val_l2, 0.25, 1e-7);
  EXPECT_EQ(std::string(read.best_path), "best.ckpt");
  EXPECT_EQ(all_weights(*resumed), all_weights(*first));
  EXPECT_EQ(resumed->learning_rate(latent::kCritic), first->learning_rate(latent::kCritic));
  for (int32_t g : {latent::kCritic, latent::kGenerator}) std::copy(pending[g].begin(), pending[g].end(), resumed->gradient(g));

  for (uint64_t i = 2; i < 4; ++i) {
    train_batch(*whole, make_batch(i + 1), 1, false);
    train_batch(*resumed, make_batch(i + 1), 1, false);
  }
  // Bit-equal once the pending gradients are given back (without them, the critic's next step
  // would miss the generator pass's share, as a Lightning resume does).
  EXPECT_EQ(all_weights(*whole), all_weights(*resumed));
  fs::remove_all(dir);
}

TEST(TrainerService, TwoWeightedShardsEqualOneBatch) {
  auto one = open_trainer(), two = open_trainer();
  for (uint64_t i = 0; i < 2; ++i) {
    const auto batch = make_batch(i + 1);
    train_batch(*one, batch, 1, false);
    train_batch(*two, batch, 2, false);
  }
  const auto w1 = all_weights(*one), w2 = all_weights(*two);
  double worst = 0;
  for (size_t i = 0; i < w1.size(); ++i) worst = std::max(worst, std::abs(double(w1[i]) - w2[i]));
  EXPECT_LT(worst, 1e-4);
}

TEST(TrainerService, RefusesBadInput) {
  auto t = open_trainer();
  latent::TrainSamples empty;
  EXPECT_EQ(t->critic_backward(empty, nullptr), -1);
  EXPECT_NE(std::string(t->last_error()).find("empty"), std::string::npos);
  EXPECT_EQ(t->step(7), -1);
  EXPECT_EQ(t->load("/nonexistent/x.ckpt", nullptr), -1);
  EXPECT_NE(std::string(t->last_error()).find("/nonexistent/x.ckpt"), std::string::npos);
}
