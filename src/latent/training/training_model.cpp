#include "latent/training/training_model.hpp"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/autograd.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace cartography::latent::training {

namespace {

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("latent model: " + what);
}

std::vector<CriticConvSpec> critic_convs(const LatentHyperParams& hp) {
  std::vector<CriticConvSpec> convs;
  for (int32_t i = 0; i < hp.n_critic_convs; ++i) {
    const CriticConv& c = hp.critic_convs[i];
    convs.push_back({c.out_dim, c.kernel, c.stride, c.groups});
  }
  return convs;
}

void check_critic(const LatentHyperParams& hp) {
  require(hp.critic_spec_features > 0 && hp.critic_scales > 0, "critic spec_features and scales must be positive");
  require(hp.n_critic_convs >= 0 && hp.n_critic_convs <= 16, "critic convs: 0 to 16 layers");
  require(hp.critic_dropout >= 0 && hp.critic_dropout < 1, "critic dropout must lie in [0, 1)");
  int64_t in = kChartDim;
  for (const CriticConvSpec& c : critic_convs(hp)) {
    require(c.out_dim > 0 && c.kernel > 0 && c.stride > 0 && c.groups > 0,
            "critic conv sizes must be positive (out_dim, kernel, stride, groups)");
    require(in % c.groups == 0 && c.out_dim % c.groups == 0,
            "critic conv groups " + std::to_string(c.groups) + " must divide its input (" + std::to_string(in) +
                ") and output (" + std::to_string(c.out_dim) + ") channels");
    in = c.out_dim;
  }
}

void check_losses(const LatentHyperParams& hp) {
  for (double f : {hp.gp_factor, hp.gan_factor, hp.fm_factor, hp.pixel_factor, hp.kl_factor})
    require(std::isfinite(f), "loss factors must be finite");
}

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

double item(const torch::Tensor& t) { return t.detach().to(torch::kCPU).item<double>(); }

std::string shape_of(const torch::Tensor& t) { return c10::str(t.sizes()); }

}  // namespace

LatentArchitecture architecture_of(const LatentHyperParams& hp) {
  require(hp.h_dim > 0 && hp.emb_dim > 0 && hp.audio_h_dim > 0, "h_dim, emb_dim and audio_h_dim must be positive");
  require(hp.n_strides >= 1 && hp.n_strides <= 8, "ae_args.strides: 1 to 8 strides");
  require(hp.ae_expand > 0 && hp.num_stacks > 0 && hp.stack_depth > 0 && hp.stack_depth < 31 && hp.wavenet_expand > 0,
          "expand, num_stacks and stack_depth must be positive (stack_depth < 31)");
  LatentArchitecture a;
  a.x_dim = kChartDim;
  a.h_dim = hp.h_dim;
  a.emb_dim = hp.emb_dim;
  for (int32_t i = 0; i < hp.n_strides; ++i) {
    require(hp.strides[i] > 0 && hp.strides[i] <= 64, "ae_args.strides must lie in 1..64");
    a.strides.push_back(hp.strides[i]);
  }
  a.ae_expand = hp.ae_expand;
  a.num_stacks = hp.num_stacks;
  a.stack_depth = hp.stack_depth;
  a.wavenet_expand = hp.wavenet_expand;
  a.from_hyper_parameters = true;
  return a;
}

torch::Tensor window_noise(uint64_t key, uint64_t pass, int64_t emb_dim, int64_t latent_length) {
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(splitmix64(key ^ splitmix64(pass)));
  return at::randn({emb_dim, latent_length}, generator);
}

TrainingModelImpl::TrainingModelImpl(const LatentHyperParams& hp, uint64_t seed, const torch::Device& device)
    : hp_(hp), arch_(architecture_of(hp)), device_(device) {
  check_critic(hp);
  check_losses(hp);
  encoder = register_module("encoder", Encoder(arch_));
  decoder = register_module("decoder", Decoder(arch_));
  align_audio = register_module("align_audio", AudioEncoder(kChartDim, hp.h_dim, hp.audio_h_dim));
  critic = register_module("critic", MultiScaleCritic(kChartDim, hp.critic_spec_features, hp.critic_scales,
                                                      critic_convs(hp), hp.critic_dropout));
  for (auto& param : parameters()) param.set_requires_grad(true);
  randomize(seed);
  to(device_);
  train();
}

void TrainingModelImpl::randomize(uint64_t seed) {
  randomize_parameters(*this, seed, arch_.h_dim);
  // Fresh Sum logits are renormalised by the reference's first two training forwards.
  normalize_sum_logits();
  normalize_sum_logits();
}

void TrainingModelImpl::normalize_sum_logits() {
  for (const auto& module : modules(/*include_self=*/false))
    if (auto* sum = dynamic_cast<MPSumImpl*>(module.get())) sum->normalize_logits_in_place();
}

void TrainingModelImpl::load(const Checkpoint& checkpoint, bool resume) {
  load_parameters(*this, checkpoint, "latent training (" + arch_.describe() + ")");
  if (resume) normalize_sum_logits();
}

void TrainingModelImpl::check_inputs(const torch::Tensor& audio, const torch::Tensor& chart,
                                     const torch::Tensor& noise) const {
  require(audio.defined() && chart.defined() && noise.defined(), "audio, chart and noise are required");
  require(audio.dim() == 3 && audio.size(1) == kAudioDim,
          "audio must be [B, " + std::to_string(kAudioDim) + ", L], got " + shape_of(audio));
  require(chart.dim() == 3 && chart.size(1) == kChartDim,
          "chart must be [B, " + std::to_string(kChartDim) + ", L], got " + shape_of(chart));
  require(audio.size(0) == chart.size(0) && audio.size(2) == chart.size(2) && chart.size(0) > 0 && chart.size(2) > 0,
          "audio " + shape_of(audio) + " and chart " + shape_of(chart) + " must share B > 0 and L > 0");
  const int64_t latent = (chart.size(2) + chunk() - 1) / chunk();
  require(noise.dim() == 3 && noise.size(0) == chart.size(0) && noise.size(1) == arch_.emb_dim && noise.size(2) == latent,
          "noise must be [" + std::to_string(chart.size(0)) + ", " + std::to_string(arch_.emb_dim) + ", " +
              std::to_string(latent) + "], got " + shape_of(noise));
  for (const torch::Tensor* t : {&audio, &chart, &noise}) {
    require(t->scalar_type() == at::kFloat, "inputs must be float32");
    require(at::isfinite(*t).all().item<bool>(), "inputs hold a non-finite value");
  }
}

void TrainingModelImpl::check_critic_length(int64_t frames) const {
  // Each scale's input is avg_pool1d(4, 2, 1) of the previous scale's input; its convs are
  // unpadded: every output must keep a frame.
  int64_t input = frames;
  for (int32_t scale = 0; scale < hp_.critic_scales; ++scale) {
    if (scale > 0) input = input < 2 ? 0 : (input - 2) / 2 + 1;
    int64_t length = input;
    for (int32_t i = 0; i < hp_.n_critic_convs && length > 0; ++i) {
      const CriticConv& c = hp_.critic_convs[i];
      length = length < c.kernel ? 0 : (length - c.kernel) / c.stride + 1;
    }
    require(length > 0, std::to_string(frames) + " frames are too few for the critic (scale " + std::to_string(scale) +
                            " has no output frame left)");
  }
}

ForwardResult TrainingModelImpl::forward(const torch::Tensor& audio_in, const torch::Tensor& chart_in,
                                         const torch::Tensor& noise_in) {
  check_inputs(audio_in, chart_in, noise_in);
  const torch::Tensor audio = audio_in.to(device_), chart = chart_in.to(device_), noise = noise_in.to(device_);
  auto [mu, logvar] = encoder->forward(pad_to_chunk(chart, chunk()));
  const torch::Tensor z = mu + (0.5 * logvar).exp() * noise;
  const torch::Tensor kl = (-0.5 * (1 + logvar - mu.pow(2) - logvar.exp())).mean();
  return {align_audio->forward(audio, decoder->forward(z)), kl};
}

CriticLosses TrainingModelImpl::critic_backward(const torch::Tensor& audio_in, const torch::Tensor& chart_in,
                                                const torch::Tensor& noise, double weight) {
  require(std::isfinite(weight) && weight >= 0, "the shard weight must be finite and >= 0");
  check_critic_length(chart_in.size(-1));
  torch::Tensor pred_chart;
  {
    torch::NoGradGuard no_grad;
    pred_chart = forward(audio_in, chart_in, noise).pred_chart;
  }
  const torch::Tensor audio = audio_in.to(device_), chart = chart_in.to(device_);
  const auto pred_maps = critic->forward(audio, pred_chart);
  const auto true_maps = critic->forward(audio, chart);
  torch::Tensor adversarial = torch::zeros({}, chart.options());
  for (size_t s = 0; s < pred_maps.size(); ++s)
    adversarial = adversarial + (at::softplus(-true_maps[s].back()).mean() + at::softplus(pred_maps[s].back()).mean());

  // R1: the squared norm of the true score's gradient with respect to the true chart.
  const int64_t batch = chart.size(0);
  const torch::Tensor chart_r1 = chart.detach().requires_grad_(true);
  torch::Tensor penalty = torch::zeros({}, chart.options());
  for (const auto& maps : critic->forward(audio, chart_r1)) {
    const torch::Tensor& score = maps.back();
    const torch::Tensor g = torch::autograd::grad({score}, {chart_r1}, {torch::ones_like(score)},
                                                  /*retain_graph=*/true, /*create_graph=*/true)[0]
                                .view({batch, -1});
    penalty = penalty + g.norm(2, {1}).pow(2).mean();
  }
  penalty = penalty * (hp_.gp_factor / 2);

  ((adversarial + penalty) / std::max(1, hp_.grad_accum_steps) * weight).backward();
  return {item(adversarial), item(penalty)};
}

GeneratorLosses TrainingModelImpl::generator_backward(const torch::Tensor& audio_in, const torch::Tensor& chart_in,
                                                      const torch::Tensor& noise, double weight) {
  require(std::isfinite(weight) && weight >= 0, "the shard weight must be finite and >= 0");
  check_critic_length(chart_in.size(-1));
  const auto [pred_chart, kl] = forward(audio_in, chart_in, noise);
  const torch::Tensor audio = audio_in.to(device_), chart = chart_in.to(device_);
  const torch::Tensor pixel = (pred_chart - chart).pow(2).mean();

  const auto pred_maps = critic->forward(audio, pred_chart);
  std::vector<std::vector<torch::Tensor>> true_maps;
  {
    torch::NoGradGuard no_grad;
    true_maps = critic->forward(audio, chart);
  }
  torch::Tensor adversarial = torch::zeros({}, chart.options());
  torch::Tensor matching = torch::zeros({}, chart.options());
  for (size_t s = 0; s < pred_maps.size(); ++s) {
    adversarial = adversarial + at::softplus(-pred_maps[s].back()).mean();
    for (size_t i = 0; i + 1 < pred_maps[s].size(); ++i)
      matching = matching + (pred_maps[s][i] - true_maps[s][i]).abs().mean();
  }

  const torch::Tensor loss = hp_.fm_factor * matching + hp_.pixel_factor * pixel + hp_.gan_factor * adversarial +
                             hp_.kl_factor * kl;
  (loss / std::max(1, hp_.grad_accum_steps) * weight).backward();
  return {item(kl), item(adversarial), item(matching), item(pixel)};
}

double TrainingModelImpl::validate(const torch::Tensor& audio, const torch::Tensor& chart, const torch::Tensor& noise) {
  torch::NoGradGuard no_grad;
  const torch::Tensor pred_chart = forward(audio, chart, noise).pred_chart;
  return item((chart.to(device_) - pred_chart).pow(2).mean());
}

std::vector<std::pair<std::string, torch::Tensor>> TrainingModelImpl::named_state() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& item : named_parameters(/*recurse=*/true)) out.emplace_back(item.key(), item.value());
  return out;
}

std::vector<std::pair<std::string, torch::Tensor>> TrainingModelImpl::group_named_parameters(TrainerGroup group) const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (auto& [key, param] : named_state())
    if ((key.rfind("critic.", 0) == 0) == (group == kCritic)) out.emplace_back(key, param);
  return out;
}

std::vector<torch::Tensor> TrainingModelImpl::group_parameters(TrainerGroup group) const {
  std::vector<torch::Tensor> out;
  for (auto& named : group_named_parameters(group)) out.push_back(named.second);
  return out;
}

torch::Tensor TrainingModelImpl::batch_noise(const std::vector<uint64_t>& keys, uint64_t pass, int64_t frames) const {
  require(!keys.empty() && frames > 0, "batch_noise needs keys and frames > 0");
  std::vector<torch::Tensor> draws;
  for (uint64_t key : keys) draws.push_back(window_noise(key, pass, arch_.emb_dim, arch_.latent_length(frames)));
  return at::stack(draws).to(device_);
}

}  // namespace cartography::latent::training
