// The latent model in training form (src/latent/training/training_model.hpp) against the
// reference's own training code: tests/data/train/step (one critic pass and one generator pass
// of osu_dreamer's Model._train_critic_step/_train_gen_step: the logged losses and every
// gradient) and tests/data/train/full_step (two real training_steps with Muon and LambdaLR),
// made by tests/data/train/step/make_step_golden.py from tests/data/train/tiny_lightning252.ckpt.
//
// Tolerances: losses 1e-4 relative; gradients 1e-4 of each tensor's largest |value| (float32
// through a few hundred ops, torch 2.7 vs libtorch 1.13; measured worst 8e-6 except the fan-in-1
// weights, see kFanInOneRel). Full steps: see the comment above TwoFullStepsMatchTheReference.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <ATen/CPUGeneratorImpl.h>

#include "io/npy.hpp"
#include "latent/checkpoint/architecture.hpp"
#include "latent/training/muon.hpp"
#include "latent/training/training_model.hpp"
#include "latent_test.hpp"
#include "tiny_checkpoint.hpp"

using namespace cartography::latent;
using namespace cartography::latent::training;
using latent_test::tiny_hyper_params;

namespace {

constexpr double kLossRel = 1e-4;
constexpr double kGradRel = 1e-4;
// MP weights with fan_in 1 (SpecFeatures' Conv2d(1, h, 1) lift): each output unit normalises to
// w/(1e-4 + |w|) ≈ ±1, whose derivative 1e-4/(1e-4 + |w|)² autograd forms as the difference of
// two terms ~1e4 times larger, so float32 keeps only ~1e-3 of it (measured 1.8e-4 worst).
constexpr double kFanInOneRel = 1e-3;

std::string train_dir() { return std::string(CARTO_TEST_DATA) + "/train"; }
std::string checkpoint_path() { return train_dir() + "/tiny_lightning252.ckpt"; }

torch::Tensor load(const std::string& path) {
  auto a = cartography::io::read_npy<float>(path);
  return torch::from_blob(a.data.data(), {static_cast<int64_t>(a.data.size())}, torch::kFloat).reshape(a.shape).clone();
}


TrainingModel loaded_model(bool resume = true) {
  TrainingModel model(tiny_hyper_params(), /*seed=*/7);
  model->load(Checkpoint(checkpoint_path()), resume);
  return model;
}

double max_abs(const torch::Tensor& t) { return t.numel() ? t.abs().max().item<double>() : 0.0; }

struct Batch {
  torch::Tensor audio, chart;
};
Batch batch(const std::string& folder, int k) {
  const std::string base = train_dir() + "/" + folder + "/batch" + std::to_string(k);
  return {load(base + "_audio.npy"), load(base + "_chart.npy")};
}
torch::Tensor noise(const std::string& folder, int k, const std::string& pass) {
  return load(train_dir() + "/" + folder + "/noise" + std::to_string(k) + "_" + pass + ".npy");
}

void expect_loss(double got, double want, const char* name) {
  EXPECT_NEAR(got, want, kLossRel * std::fabs(want)) << name;
}

// Every parameter of `group` against <folder>/<key>.npy: an undefined grad must be a zero golden
// (the reference's None), else within kGradRel of the golden's largest |value|.
void expect_grads(TrainingModel& model, TrainerGroup group, const std::string& folder) {
  double worst = 0;
  std::string worst_key;
  int compared = 0;
  for (const auto& [key, param] : model->group_named_parameters(group)) {
    torch::Tensor want = load(train_dir() + "/step/" + folder + "/" + key + ".npy");
    ASSERT_EQ(want.numel(), param.numel()) << key;
    want = want.reshape(param.sizes());
    const double scale = max_abs(want);
    if (!param.grad().defined()) {
      EXPECT_EQ(scale, 0.0) << key << ": no gradient here, but the reference has one";
      continue;
    }
    const double diff = max_abs(param.grad() - want);
    const double rel = param.dim() > 1 && param[0].numel() == 1 ? kFanInOneRel : kGradRel;
    EXPECT_LE(diff, rel * scale) << folder << "/" << key << " (max |grad| " << scale << ")";
    if (scale > 0 && diff / scale > worst) worst = diff / scale, worst_key = key;
    ++compared;
  }
  EXPECT_GT(compared, 0);
  std::printf("%s: %d gradients, worst |diff|/max|grad| %.3g (%s)\n", folder.c_str(), compared, worst,
              worst_key.c_str());
}

void clear_grads(TrainingModel& model, TrainerGroup group) {
  for (auto& p : model->group_parameters(group)) p.mutable_grad().reset();
}

}  // namespace

TEST(TrainingModel, NamesAndShapesAreTheLightningStateDict) {
  const Checkpoint ckpt(checkpoint_path());
  TrainingModel model(tiny_hyper_params(), 3);
  const auto ours = model->named_state();
  const auto& theirs = ckpt.state_dict();
  ASSERT_EQ(ours.size(), theirs.size());
  for (size_t i = 0; i < ours.size(); ++i) {
    EXPECT_EQ(ours[i].first, theirs[i].first) << "parameter " << i;
    EXPECT_EQ(ours[i].second.sizes().vec(), theirs[i].second.shape) << ours[i].first;
  }
  // configure_optimizers: the critic's group; the encoder's, decoder's and align_audio's.
  std::vector<std::string> critic, generator;
  for (const auto& [key, record] : theirs) (key.rfind("critic.", 0) == 0 ? critic : generator).push_back(key);
  auto keys = [](const auto& named) {
    std::vector<std::string> k;
    for (const auto& n : named) k.push_back(n.first);
    return k;
  };
  EXPECT_EQ(keys(model->group_named_parameters(kCritic)), critic);
  EXPECT_EQ(keys(model->group_named_parameters(kGenerator)), generator);
  EXPECT_EQ(generator.front().rfind("encoder.", 0), 0u);
  EXPECT_EQ(generator.back().rfind("align_audio.", 0), 0u);
}

TEST(TrainingModel, RandomInitFollowsTheReference) {
  TrainingModel a(tiny_hyper_params(), 5), b(tiny_hyper_params(), 5), c(tiny_hyper_params(), 6);
  const auto sa = a->named_state(), sb = b->named_state(), sc = c->named_state();
  bool any_differs = false;
  for (size_t i = 0; i < sa.size(); ++i) {
    const std::string& key = sa[i].first;
    EXPECT_TRUE(torch::equal(sa[i].second, sb[i].second)) << key << ": same seed, same weights";
    any_differs = any_differs || !torch::equal(sa[i].second, sc[i].second);
    EXPECT_TRUE(sa[i].second.requires_grad()) << key;
    if (key.size() > 2 && key.compare(key.size() - 2, 2, ".g") == 0) EXPECT_EQ(max_abs(sa[i].second), 0.0) << key;
  }
  EXPECT_TRUE(any_differs);
  // A big MP weight is N(0, 1) (not renormalised in place: the reference leaves it at version 2).
  const torch::Tensor w = a->encoder->trunk->blocks[0]->layers[0]->res->weight.detach();
  EXPECT_NEAR(w.std().item<double>(), 1.0, 0.05);
  EXPECT_GT(max_abs(w), 3.0);
  // Sum logits: renormalised (twice) to unit RMS.
  const torch::Tensor logits = a->encoder->trunk->blocks[0]->sum->weight_logits.detach();
  EXPECT_NEAR(logits.pow(2).mean().sqrt().item<double>(), 1.0, 1e-3);
}

TEST(TrainingModel, EncodeEqualsTheInferencePath) {
  const Checkpoint ckpt(checkpoint_path());
  TrainingModel model = loaded_model(/*resume=*/false);
  LatentModel inference(read_architecture(ckpt), /*with_decoder=*/false);
  inference->load(ckpt);
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(3);
  const torch::Tensor chart = torch::rand({2, 9, 576}, generator) * 2 - 1;
  torch::NoGradGuard no_grad;
  ASSERT_TRUE(model->encoder->is_training());
  const auto [mu, logvar] = model->encoder->forward(chart);
  const auto [mu0, logvar0] = inference->encoder->forward(chart);
  EXPECT_EQ(max_abs(mu - mu0), 0.0);
  EXPECT_EQ(max_abs(logvar - logvar0), 0.0);
}

TEST(TrainingModel, CriticPassMatchesTheReference) {
  TrainingModel model = loaded_model();
  const Batch b = batch("step", 1);
  const auto want = cartography::io::read_npy<double>(train_dir() + "/step/losses.npy").data;
  const CriticLosses got = model->critic_backward(b.audio, b.chart, noise("step", 1, "critic"), 1.0);
  expect_loss(got.adversarial, want[0], "train/critic/adversarial");
  expect_loss(got.gradient_penalty, want[1], "train/critic/gradient_penalty");
  expect_grads(model, kCritic, "critic_grad");
  for (const auto& p : model->group_parameters(kGenerator)) EXPECT_FALSE(p.grad().defined());
}

TEST(TrainingModel, GeneratorPassMatchesTheReferenceAndReachesTheCritic) {
  TrainingModel model = loaded_model();
  const Batch b = batch("step", 1);
  const auto want = cartography::io::read_npy<double>(train_dir() + "/step/losses.npy").data;
  const GeneratorLosses got = model->generator_backward(b.audio, b.chart, noise("step", 1, "gen"), 1.0);
  expect_loss(got.kl, want[2], "train/gen/kl");
  expect_loss(got.adversarial, want[3], "train/gen/adversarial");
  expect_loss(got.reconstruction, want[4], "train/gen/reconstruction");
  expect_loss(got.l2, want[5], "train/gen/l2");
  expect_grads(model, kGenerator, "gen_grad");
  expect_grads(model, kCritic, "gen_critic_grad");
}

TEST(TrainingModel, WeightScalesTheGradientsAndAccumulates) {
  TrainingModel model = loaded_model();
  const Batch b = batch("step", 1);
  const torch::Tensor n = noise("step", 1, "critic");
  model->critic_backward(b.audio, b.chart, n, 0.25);
  model->critic_backward(b.audio, b.chart, n, 0.75);
  const std::string key = "critic.critics.0.convs.0.0.weight";
  const torch::Tensor want = load(train_dir() + "/step/critic_grad/" + key + ".npy");
  const torch::Tensor got = model->critic->critics[0]->convs[0]->weight.grad();
  EXPECT_LE(max_abs(got - want), kGradRel * max_abs(want));
}

TEST(TrainingModel, ValidateIsTheMeanSquaredError) {
  TrainingModel model = loaded_model();
  const Batch b = batch("step", 1);
  const torch::Tensor n = noise("step", 1, "gen");
  const double l2 = model->validate(b.audio, b.chart, n);
  const auto want = cartography::io::read_npy<double>(train_dir() + "/step/losses.npy").data;
  EXPECT_NEAR(l2, want[5], kLossRel * want[5]);  // the generator pass's l2 on the same input and noise
  for (const auto& p : model->group_parameters(kGenerator)) EXPECT_FALSE(p.grad().defined());
}

TEST(TrainingModel, HostileInputsAreRefused) {
  TrainingModel model = loaded_model();
  const Batch b = batch("step", 1);
  const torch::Tensor n = noise("step", 1, "gen");
  EXPECT_THROW(model->validate(b.audio.narrow(1, 0, 71), b.chart, n), std::invalid_argument);
  EXPECT_THROW(model->validate(b.audio, b.chart.narrow(2, 0, 500), n), std::invalid_argument);
  EXPECT_THROW(model->validate(b.audio, b.chart, n.narrow(2, 0, 31)), std::invalid_argument);
  torch::Tensor bad = b.chart.clone();
  bad[0][0][5] = NAN;
  EXPECT_THROW(model->validate(b.audio, bad, n), std::invalid_argument);
  EXPECT_THROW(model->critic_backward(b.audio, b.chart, n, NAN), std::invalid_argument);
  // Too short for the critic's unpadded convs (the autoencoder alone would take it).
  const int64_t few = 12;
  const torch::Tensor short_audio = b.audio.narrow(2, 0, few), short_chart = b.chart.narrow(2, 0, few);
  const torch::Tensor short_noise = n.narrow(2, 0, 1);
  EXPECT_NO_THROW(model->validate(short_audio, short_chart, short_noise));
  EXPECT_THROW(model->critic_backward(short_audio, short_chart, short_noise, 1.0), std::invalid_argument);
  EXPECT_THROW(model->generator_backward(short_audio, short_chart, short_noise, 1.0), std::invalid_argument);
  LatentHyperParams hp = tiny_hyper_params();
  hp.critic_convs[1].groups = 5;
  EXPECT_THROW(TrainingModel(hp, 1), std::invalid_argument);
  hp = tiny_hyper_params();
  hp.n_strides = 0;
  EXPECT_THROW(TrainingModel(hp, 1), std::invalid_argument);
}

TEST(TrainingModel, PaddedChartsAndWindowNoise) {
  TrainingModel model = loaded_model();
  // 580 frames: padded to 594 inside, the prediction cut back to 580.
  const torch::Tensor audio = torch::rand({1, 72, 580}) * 2 - 2, chart = torch::rand({1, 9, 580}) * 2 - 1;
  const torch::Tensor n = model->batch_noise({42}, 0, 580);
  EXPECT_EQ(n.sizes(), (std::vector<int64_t>{1, 16, 33}));
  torch::NoGradGuard no_grad;
  EXPECT_EQ(model->forward(audio, chart, n).pred_chart.sizes(), chart.sizes());
  // The same key and pass give the same draw wherever the window is in the batch.
  const torch::Tensor pair = model->batch_noise({7, 42}, 0, 580);
  EXPECT_TRUE(torch::equal(pair[1], n[0]));
  EXPECT_FALSE(torch::equal(model->batch_noise({42}, 1, 580), n));
  EXPECT_FALSE(torch::equal(pair[0], n[0]));
}

// ---- full training steps: the model's passes with H3's MuonOptimizer ----
//
// Weights move by Δ = −lr·u per step (weight_decay 0 in this config). For Muon parameters u is
// bfloat16 Newton–Schulz output, so Δ may differ by kNsUlps bf16 ulps of max|u| (times lr), as
// in test_muon.cpp (torch 1.13 and 2.7 round bf16 matmuls differently). Adam parameters
// (ndim < 2): m̂/(√v̂ + eps) in float32: 1e-3 of max|Δ|. Compared per tensor against
// full_step/delta{1,2}/<key>.npy: step 1 on batch 1, step 2 on batch 2, where the critic's
// step-2 gradient includes what the generator pass of step 1 left on it.
namespace {

constexpr double kNsUlps = 4;
// Step 1's gradients agree to ~1e-5 (see above); step 2 starts from weights that already differ
// by step 1's tolerance, so its gradients agree less (measured: 1.6× the step-1 allowance for
// the bottleneck's logvar weight).
constexpr double kSensitivityFactor[2] = {2, 4};
constexpr double kAdamRel = 1e-3;

double bf16_ulp(double v) { return v > 0 ? std::ldexp(1.0, static_cast<int>(std::floor(std::log2(v))) - 7) : 0.0; }


std::vector<torch::Tensor> snapshot(TrainingModel& model) {
  std::vector<torch::Tensor> out;
  for (const auto& [key, p] : model->named_state()) out.push_back(p.detach().clone());
  return out;
}

// Worst |Δ − Δ_ref| / tolerance over the parameters of `prefix` ("" for all), printed.
double worst_step_ratio(TrainingModel& model, const std::vector<torch::Tensor>& before, int step, double lr,
                        const std::string& prefix = "") {
  const auto state = model->named_state();
  const auto sensitivity = cartography::io::read_npy<double>(train_dir() + "/full_step/update_sensitivity.npy");
  EXPECT_EQ(sensitivity.shape, (std::vector<int64_t>{2, static_cast<int64_t>(state.size())}));
  double worst = 0;
  std::string worst_key;
  for (size_t i = 0; i < state.size(); ++i) {
    const auto& [key, p] = state[i];
    if (key.rfind(prefix, 0) != 0) continue;
    const torch::Tensor want = load(train_dir() + "/full_step/delta" + std::to_string(step) + "/" + key + ".npy");
    const torch::Tensor got = p.detach() - before[i];
    const double scale = max_abs(want);
    // + float32 rounding of both weights: Δ is a few dozen ulps of the weight here.
    const double moved_by_noise = kSensitivityFactor[step - 1] * sensitivity.data[(step - 1) * state.size() + i];
    const double tol = (p.dim() < 2 ? kAdamRel * scale : std::max(lr * kNsUlps * bf16_ulp(scale / lr), moved_by_noise)) +
                       std::ldexp(max_abs(p.detach()), -22);
    const double ratio = max_abs(got - want) / std::max(tol, 1e-30);
    if (ratio > 1)
      std::printf("  %s: max|Δref| %.3g, |Δ − Δref| %.3g, tolerance %.3g\n", key.c_str(), scale, max_abs(got - want), tol);
    if (ratio > worst) worst = ratio, worst_key = key;
  }
  std::printf("step %d%s: worst |Δ − Δref| / tolerance %.3g (%s)\n", step, prefix.c_str(), worst, worst_key.c_str());
  return worst;
}

struct Trainer {
  TrainingModel model = loaded_model();
  MuonOptimizer c_opt{model->group_parameters(kCritic), muon_options_from(tiny_hyper_params())};
  MuonOptimizer g_opt{model->group_parameters(kGenerator), muon_options_from(tiny_hyper_params())};

  // training_step with critic_steps_per_gen = grad_accum_steps = 1.
  void step(const Batch& b, const torch::Tensor& critic_noise, const torch::Tensor& gen_noise) {
    model->critic_backward(b.audio, b.chart, critic_noise, 1.0);
    c_opt.step();
    c_opt.zero_grad();
    model->generator_backward(b.audio, b.chart, gen_noise, 1.0);
    g_opt.step();
    g_opt.zero_grad();
  }
};

}  // namespace

TEST(TrainingModel, TwoFullStepsMatchTheReference) {
  Trainer t;
  const auto initial = snapshot(t.model);
  const double lr1 = t.c_opt.lr();
  t.step(batch("step", 1), noise("step", 1, "critic"), noise("step", 1, "gen"));
  EXPECT_LE(worst_step_ratio(t.model, initial, 1, lr1), 1.0);
  const auto after1 = snapshot(t.model);
  const double lr2 = t.c_opt.lr();
  t.step(batch("full_step", 2), noise("full_step", 2, "critic"), noise("full_step", 2, "gen"));
  EXPECT_LE(worst_step_ratio(t.model, after1, 2, lr2), 1.0);
}

TEST(TrainingModel, WithoutTheGeneratorsCriticGradientsStepTwoDiffers) {
  // Clearing what the generator pass leaves on the critic (freezing it) must miss the golden.
  Trainer t;
  t.step(batch("step", 1), noise("step", 1, "critic"), noise("step", 1, "gen"));
  clear_grads(t.model, kCritic);
  const auto after1 = snapshot(t.model);
  const double lr2 = t.c_opt.lr();
  t.step(batch("full_step", 2), noise("full_step", 2, "critic"), noise("full_step", 2, "gen"));
  EXPECT_GT(worst_step_ratio(t.model, after1, 2, lr2, "critic."), 1.0);
}

TEST(TrainingModel, CriticLengthCheckAgreesWithTheConvolutions) {
  TrainingModel model = loaded_model();
  const Batch b = batch("step", 1);
  int accepted_from = -1;
  for (int64_t frames = 1; frames <= 80; ++frames) {
    const torch::Tensor audio = b.audio.narrow(2, 0, frames), chart = b.chart.narrow(2, 0, frames);
    bool runs = true;
    try {
      torch::NoGradGuard no_grad;
      model->critic->forward(audio, chart);
    } catch (const c10::Error&) {
      runs = false;
    }
    const torch::Tensor n = model->batch_noise({1, 2}, 0, frames);
    bool accepted = true;
    try {
      model->generator_backward(audio, chart, n, 1.0);
    } catch (const std::invalid_argument& e) {
      accepted = false;
      if (runs) ADD_FAILURE() << e.what();
    }
    EXPECT_EQ(accepted, runs) << frames << " frames";
    if (accepted && accepted_from < 0) accepted_from = static_cast<int>(frames);
  }
  EXPECT_GT(accepted_from, 1);
}
