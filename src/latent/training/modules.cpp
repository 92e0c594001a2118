#include "latent/training/modules.hpp"

#include <ATen/ATen.h>

#include <array>
#include <memory>
#include <string>

namespace cartography::latent::training {

namespace {

// An unnamed container, so that children get Sequential-style names ("gamma.0", "convs.2.0").
std::shared_ptr<torch::nn::Module> container(torch::nn::Module& parent, const std::string& name) {
  return parent.register_module(name, std::make_shared<torch::nn::Module>());
}

}  // namespace

MPConv2dImpl::MPConv2dImpl(int64_t in, int64_t out, int64_t kernel) {
  weight = register_parameter("weight", torch::zeros({out, in, kernel, kernel}));
}

torch::Tensor MPConv2dImpl::forward(const torch::Tensor& x) const { return at::conv2d(x, mp_weight(weight)); }

GainImpl::GainImpl() { g = register_parameter("g", torch::zeros({})); }

GainedConvImpl::GainedConvImpl(int64_t in, int64_t out) {
  conv = register_module("0", MPConv1d(in, out, 1));
  gain = register_module("1", Gain());
}

FiLMImpl::FiLMImpl(int64_t dim, int64_t h_dim) {
  gamma = register_module("gamma", GainedConv(h_dim, dim));
  beta = register_module("beta", GainedConv(h_dim, dim));
}

torch::Tensor FiLMImpl::forward(const torch::Tensor& a, const torch::Tensor& x) const {
  return beta->forward(a) + (1 + gamma->forward(a)) * x.narrow(2, 0, a.size(-1));
}

SepConvImpl::SepConvImpl(Axis ax, int64_t h_dim, int64_t kernel, MPConvGeometry geometry) : axis(ax) {
  geometry.groups = h_dim;
  conv = register_module("conv", MPConv1d(h_dim, h_dim, kernel, geometry));
}

torch::Tensor SepConvImpl::forward(const torch::Tensor& x) const {
  const int64_t b = x.size(0), h = x.size(1), f = x.size(2), l = x.size(3);
  if (axis == Axis::Time) {  // b h f l -> (b f) h l -> conv -> b h f l
    const torch::Tensor y = conv->forward(x.permute({0, 2, 1, 3}).reshape({b * f, h, l}));
    return y.reshape({b, f, h, y.size(-1)}).permute({0, 2, 1, 3});
  }
  // b h f l -> (b l) h f -> conv -> b h f l
  const torch::Tensor y = conv->forward(x.permute({0, 3, 1, 2}).reshape({b * l, h, f}));
  return y.reshape({b, l, h, y.size(-1)}).permute({0, 2, 3, 1});
}

SpecFeaturesImpl::SpecFeaturesImpl(int64_t h_dim) {
  lift = register_module("1", MPConv2d(1, h_dim, 1));
  constexpr std::array<std::array<int64_t, 2>, 3> kTimeFreq = {{{3, 3}, {5, 4}, {9, 6}}};
  int64_t index = 2;
  for (const auto& [t, f] : kTimeFreq) {
    const std::array<SepConv, 2> pair = {SepConv(SepConvImpl::Axis::Time, h_dim, t, MPConvGeometry{1, t / 2}),
                                         SepConv(SepConvImpl::Axis::Frequency, h_dim, f, MPConvGeometry{f, 1})};
    for (const SepConv& sep : pair) {  // conv, Conv2d 1×1, SiLU: three Sequential slots
      seps.push_back(register_module(std::to_string(index), sep));
      mixes.push_back(register_module(std::to_string(index + 1), MPConv2d(h_dim, h_dim, 1)));
      index += 3;
    }
  }
}

torch::Tensor SpecFeaturesImpl::forward(const torch::Tensor& a) const {
  torch::Tensor x = lift->forward(a.unsqueeze(1));  // b f l -> b 1 f l -> b h f l
  for (size_t i = 0; i < seps.size(); ++i) x = mp_silu(mixes[i]->forward(seps[i]->forward(x)));
  TORCH_CHECK(x.size(2) == 1, "SpecFeatures: ", a.size(1), " frequency bins do not reduce to 1");
  return x.squeeze(2);  // b h 1 l -> b h l
}

AudioEncoderImpl::AudioEncoderImpl(int64_t out_dim, int64_t in_dim, int64_t h_dim) {
  encoder = register_module("encoder", SpecFeatures(h_dim));
  film = register_module("film", FiLM(in_dim, h_dim));
  auto decoder = container(*this, "decoder");
  depth = decoder->register_module("0", MPConv1d(in_dim, in_dim, 5, MPConvGeometry{1, 2, in_dim}));
  out = decoder->register_module("1", MPConv1d(in_dim, out_dim, 1));
  gain = decoder->register_module("2", Gain());
}

torch::Tensor AudioEncoderImpl::forward(const torch::Tensor& a, const torch::Tensor& x) const {
  return gain->forward(out->forward(depth->forward(film->forward(encoder->forward(a), x))));
}

CriticImpl::CriticImpl(int64_t dim, const std::vector<CriticConvSpec>& specs, double p) : dropout(p) {
  auto list = container(*this, "convs");
  int64_t in = dim;
  for (size_t i = 0; i < specs.size(); ++i) {
    const CriticConvSpec& s = specs[i];
    auto layer = container(*list, std::to_string(i));  // Sequential(conv "0", SiLU, Dropout)
    convs.push_back(layer->register_module("0", MPConv1d(in, s.out_dim, s.kernel, MPConvGeometry{s.stride, 0, s.groups})));
    in = s.out_dim;
  }
  convs.push_back(list->register_module(std::to_string(specs.size()), MPConv1d(in, 1, 1)));
}

std::vector<torch::Tensor> CriticImpl::forward(torch::Tensor x) const {
  std::vector<torch::Tensor> maps;
  for (size_t i = 0; i < convs.size(); ++i) {
    x = convs[i]->forward(x);
    if (i + 1 < convs.size()) {
      x = mp_silu(x);
      if (is_training() && dropout > 0) x = x * (at::rand_like(x) > dropout).to(x.scalar_type()) / (1 - dropout);
    }
    maps.push_back(x);
  }
  return maps;
}

MultiScaleCriticImpl::MultiScaleCriticImpl(int64_t dim, int64_t spec_features, int64_t scales,
                                           const std::vector<CriticConvSpec>& convs, double dropout) {
  encoder = register_module("encoder", SpecFeatures(spec_features));
  film = register_module("film", FiLM(dim, spec_features));
  auto list = container(*this, "critics");
  for (int64_t i = 0; i < scales; ++i)
    critics.push_back(list->register_module(std::to_string(i), Critic(dim, convs, dropout)));
}

std::vector<std::vector<torch::Tensor>> MultiScaleCriticImpl::forward(const torch::Tensor& a, torch::Tensor x) const {
  std::vector<std::vector<torch::Tensor>> maps;
  for (size_t i = 0; i < critics.size(); ++i) {
    x = i == 0 ? film->forward(encoder->forward(a), x) : at::avg_pool1d(x, {4}, {2}, {1});
    maps.push_back(critics[i]->forward(x));
  }
  return maps;
}

}  // namespace cartography::latent::training
