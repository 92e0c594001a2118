#include "latent/training/muon.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

namespace cartography::latent::training {
namespace {

std::string shape_text(c10::IntArrayRef s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

[[noreturn]] void fail(const std::string& what) { throw std::invalid_argument("Muon: " + what); }

void check_options(const MuonOptions& o) {
  for (double v : {o.lr, o.adam_lr_factor, o.weight_decay, o.momentum, o.adamw_beta1, o.adamw_beta2, o.adamw_eps})
    if (!std::isfinite(v)) fail("an option is not finite");
  if (o.lr < 0 || o.adam_lr_factor < 0 || o.weight_decay < 0 || o.adamw_eps < 0) fail("lr, adam_lr_factor, weight_decay and adamw_eps must be >= 0");
  // β = 1 would divide by zero in Adam's bias correction.
  for (double b : {o.momentum, o.adamw_beta1, o.adamw_beta2})
    if (b < 0 || b >= 1) fail("momentum and adamw betas must lie in [0, 1) (got " + std::to_string(b) + ")");
  check_lr_schedule(o.schedule);
}

// bfloat16 arithmetic as torch 2 does it (the reference ran on torch 2.7): compute in float32,
// round once to bfloat16. libtorch 1.13 differs in two places, measured on the goldens
// (tests/data/train/muon/ns): it rounds a Python/C++ scalar factor to bfloat16 before
// multiplying (-4.775 becomes -4.78125), and its CPU bf16 matmul rounds partial sums to bf16
// for products of up to 16³ multiply-adds (larger ones go to oneDNN, which accumulates in float32;
// a 9×9 product differed in half its entries). Both changed 90 % of the Newton–Schulz outputs
// by up to 14 bf16 ulps; written out like this the outputs are bit-identical. Adding or
// dividing two bf16 tensors already computes in float32 and rounds once in both versions.
torch::Tensor to_bf16(const torch::Tensor& t) { return t.to(torch::kBFloat16); }
torch::Tensor bf16_scale(const torch::Tensor& t, double s) { return to_bf16(t.to(torch::kFloat32) * s); }

// Whether the device's own bf16 matmul (for products of more than 16³ multiply-adds) accumulates
// in float32 and rounds once: 256 products of 1 × (1 + 2^-7) sum to 258 exactly in float32
// (any order) and so in bf16, but a bf16 running sum stops gaining the 2^-7 beyond 128 and
// ends at 256. Checked once per device type, with a plain and a transposed operand as the
// iteration uses them.
bool native_bf16_matmul_accumulates_in_float(const torch::Device& device) {
  static std::mutex mutex;
  static std::map<c10::DeviceType, bool> known;
  std::lock_guard lock(mutex);
  const auto found = known.find(device.type());
  if (found != known.end()) return found->second;
  const auto bf16 = torch::TensorOptions().dtype(torch::kBFloat16).device(device);
  const torch::Tensor ones = torch::ones({16, 256}, bf16);
  const torch::Tensor w = torch::full({16, 256}, 1.0078125, bf16);
  const bool exact = (ones.matmul(w.t()) == 258).all().item<bool>() &&
                     (ones.matmul(w.t().contiguous()) == 258).all().item<bool>();
  return known[device.type()] = exact;
}

// A bf16 product rounded once from float32 sums: the device's bf16 matmul where the probe
// above vouches for it (oneDNN on the CPU: about 40× faster than Debian's reference BLAS in
// float32), otherwise a float32 matmul of the upcast operands.
torch::Tensor bf16_matmul(const torch::Tensor& x, const torch::Tensor& y) {
  // libtorch 1.13 uses oneDNN above this size (measured: at exactly 16³, 64 % of entries differ).
  constexpr int64_t kOneDnnMacs = 16 * 16 * 16;
  if (x.size(0) * x.size(1) * y.size(1) > kOneDnnMacs && native_bf16_matmul_accumulates_in_float(x.device()))
    return x.matmul(y);
  return to_bf16(x.to(torch::kFloat32).matmul(y.to(torch::kFloat32)));
}

// Adam's update from bias-corrected moments (the moments are updated in place).
torch::Tensor adam_update(const torch::Tensor& grad, MuonParamState& s, const MuonOptions& o) {
  s.moment1.lerp_(grad, 1 - o.adamw_beta1);
  s.moment2.lerp_(grad.square(), 1 - o.adamw_beta2);
  const double k = static_cast<double>(s.step);
  const torch::Tensor m = s.moment1 / (1 - std::pow(o.adamw_beta1, k));
  const torch::Tensor v = s.moment2 / (1 - std::pow(o.adamw_beta2, k));
  return m / (v.sqrt() + o.adamw_eps);
}

// Muon's orthogonalised Nesterov momentum, bfloat16, in the parameter's shape.
torch::Tensor muon_update(torch::Tensor& grad, torch::Tensor& momentum, double beta) {
  momentum.lerp_(grad, 1 - beta);
  torch::Tensor update = grad.lerp_(momentum, beta);
  const auto shape = update.sizes().vec();
  if (update.dim() > 2) update = update.reshape({update.size(0), -1});
  update = newton_schulz5(update);
  const double rows_per_col = static_cast<double>(update.size(0)) / static_cast<double>(update.size(1));
  update = bf16_scale(update, std::sqrt(std::max(1.0, rows_per_col)));
  return update.reshape(shape);
}

bool same_layout(const torch::Tensor& t, const torch::Tensor& p) {
  return t.sizes() == p.sizes() && t.scalar_type() == p.scalar_type() && t.device() == p.device();
}

}  // namespace

torch::Tensor newton_schulz5(const torch::Tensor& g) {
  TORCH_CHECK(g.dim() == 2, "newton_schulz5 needs a matrix");
  constexpr double a = 3.4445, b = -4.7750, c = 2.0315;
  // Each operation rounds to bfloat16 where the reference's does, in its order (its
  // `c * A @ A` is (c·A)@A), so the result is bit-identical to it.
  torch::Tensor x = g.to(torch::kBFloat16);
  // X /= X.norm() + eps: a bf16 norm (accumulated in float32), plus eps, rounded again.
  const torch::Tensor norm = to_bf16(x.to(torch::kFloat32).norm());
  x = x / to_bf16(norm.to(torch::kFloat32) + 1e-7);
  const bool tall = g.size(0) > g.size(1);
  if (tall) x = x.t();
  for (int i = 0; i < 5; ++i) {
    const torch::Tensor A = bf16_matmul(x, x.t());
    const torch::Tensor B = bf16_scale(A, b) + bf16_matmul(bf16_scale(A, c), A);
    x = bf16_scale(x, a) + bf16_matmul(B, x);
  }
  return tall ? x.t() : x;
}

MuonOptimizer::MuonOptimizer(std::vector<torch::Tensor> params, MuonOptions options)
    : params_(std::move(params)), options_(options), state_(params_.size()) {
  check_options(options_);
  for (size_t i = 0; i < params_.size(); ++i) {
    const auto& p = params_[i];
    if (!p.defined()) fail("parameter " + std::to_string(i) + " is undefined");
    if (!p.is_floating_point()) fail("parameter " + std::to_string(i) + " is not floating-point");
  }
  // LambdaLR's constructor: initial_lr = lr, then its first step sets lr for step 0.
  schedule_.initial_lr = options_.lr;
  schedule_.last_epoch = 0;
  schedule_.lr = options_.lr * lr_schedule(options_.schedule, 0);
}

void MuonOptimizer::check_gradients() const {
  for (size_t i = 0; i < params_.size(); ++i) {
    const auto& g = params_[i].grad();
    if (g.defined() && !same_layout(g, params_[i]))
      fail("the gradient of parameter " + std::to_string(i) + " " + shape_text(g.sizes()) + " " +
           std::string(c10::toString(g.scalar_type())) + " does not match the parameter " +
           shape_text(params_[i].sizes()) + " " + std::string(c10::toString(params_[i].scalar_type())));
  }
}

void MuonOptimizer::step() {
  check_gradients();
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < params_.size(); ++i) {
    torch::Tensor& p = params_[i];
    torch::Tensor grad = p.mutable_grad();
    if (!grad.defined()) continue;
    MuonParamState& s = state_[i];
    double lr = schedule_.lr;
    torch::Tensor update;
    if (p.dim() < 2) {
      lr *= options_.adam_lr_factor;
      if (!s.moment1.defined()) {
        s.step = 0;
        s.moment1 = torch::zeros_like(grad);
        s.moment2 = torch::zeros_like(grad);
      }
      ++s.step;
      update = adam_update(grad, s, options_);
    } else {
      if (!s.momentum_buffer.defined()) s.momentum_buffer = torch::zeros_like(grad);
      update = muon_update(grad, s.momentum_buffer, options_.momentum);
    }
    p.mul_(1 - lr * options_.weight_decay);
    p.add_(update, -lr);
  }
  // LambdaLR.step(): last_epoch += 1; lr = base_lr × schedule(last_epoch).
  ++schedule_.last_epoch;
  schedule_.lr = schedule_.initial_lr * lr_schedule(options_.schedule, schedule_.last_epoch);
}

void MuonOptimizer::zero_grad() {
  for (auto& p : params_) p.mutable_grad() = torch::Tensor();
}

void MuonOptimizer::set_state(size_t index, const MuonParamState& s) {
  if (index >= params_.size())
    fail("state for parameter " + std::to_string(index) + " of " + std::to_string(params_.size()));
  const torch::Tensor& p = params_[index];
  const std::string who = "parameter " + std::to_string(index) + " " + shape_text(p.sizes());
  const auto check = [&](const torch::Tensor& t, const char* name) {
    if (!t.defined()) return torch::Tensor();
    if (t.sizes() != p.sizes() || t.scalar_type() != p.scalar_type())
      fail(who + ": " + name + " is " + shape_text(t.sizes()) + " " + std::string(c10::toString(t.scalar_type())));
    return t.detach().to(p.device()).clone();
  };
  MuonParamState copy;
  if (p.dim() < 2) {
    if (s.momentum_buffer.defined()) fail(who + " is stepped by Adam but the state has a momentum_buffer");
    if (s.moment1.defined() != s.moment2.defined()) fail(who + ": moment1 and moment2 must come together");
    if (s.moment1.defined() ? s.step < 1 : s.step != 0)
      fail(who + ": step " + std::to_string(s.step) + " does not fit the moments");
    copy.step = s.step;
    copy.moment1 = check(s.moment1, "moment1");
    copy.moment2 = check(s.moment2, "moment2");
  } else {
    if (s.moment1.defined() || s.moment2.defined() || s.step != 0)
      fail(who + " is stepped by Muon but the state has Adam's step/moments");
    copy.momentum_buffer = check(s.momentum_buffer, "momentum_buffer");
  }
  state_[index] = std::move(copy);
}

void MuonOptimizer::set_schedule_state(const MuonScheduleState& s) {
  if (s.last_epoch < 0) fail("scheduler last_epoch is negative (" + std::to_string(s.last_epoch) + ")");
  if (!std::isfinite(s.lr) || !std::isfinite(s.initial_lr) || s.lr < 0 || s.initial_lr < 0)
    fail("scheduler lr / initial_lr must be finite and >= 0");
  schedule_ = s;
}

MuonOptions muon_options_from(const LatentHyperParams& hp) {
  MuonOptions o;
  o.lr = hp.lr;
  o.adam_lr_factor = hp.adam_lr_factor;
  o.weight_decay = hp.weight_decay;
  o.momentum = hp.momentum;
  o.adamw_beta1 = hp.adamw_beta1;
  o.adamw_beta2 = hp.adamw_beta2;
  o.adamw_eps = hp.adamw_eps;
  o.schedule.warmup_steps = hp.warmup_steps;
  o.schedule.warmup_init = hp.warmup_init;
  if (hp.decay_start >= 0) o.schedule.decay_start = hp.decay_start;
  return o;
}

}  // namespace cartography::latent::training
