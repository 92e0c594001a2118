// The Muon optimizer and LR schedule (src/latent/training) against the reference itself
// (tests/data/train/muon, made by make_muon_golden.py from osu_dreamer.modules.muon/lr_schedule
// and torch's LambdaLR under torch 2.7.1).
//
// Tolerances, and why:
// * schedule: the same double operations as Python: |Δ| <= 1e-15 relative (in fact bit-equal).
// * Adam parameters (ndim < 2) and every float32 state tensor (momentum buffers, moments):
//   float32 arithmetic, only the order/fusion of a few operations may differ between
//   libtorch 1.13 and torch 2.7: 1e-6 relative to the array's largest magnitude.
// * Newton–Schulz: bfloat16 keeps 8 significant bits, so one bf16 ulp of a value v is
//   2^(floor(log2 |v|) - 7) (0.4 %-0.8 % of v). muon.cpp writes each bf16 operation as torch 2
//   performs it (float32 compute, one rounding); measured on this machine the outputs are
//   bit-identical to the reference (0 of 134,904 entries differ, eight matrices from 9×64 to
//   300×90 and 128×512, through both matmul paths of muon.cpp). A float32 matmul may sum in
//   another order on other hardware (MKL, cuBLAS), which flips a bf16 rounding only rarely (a
//   float32 ulp is 2^-16 of a bf16 ulp) but a flip propagates through the remaining
//   iterations, so the test allows kNsUlps ulps of the output's largest entry and requires
//   >= 99 % of the entries to be bit-equal. libtorch 1.13's own bf16 ops (scalar rounded to
//   bf16 first, small matmuls' partial sums rounded) missed both: 90-96 % of entries differed,
//   by up to 14 ulps; a float32 iteration misses them too (9 ulps, Fp32NewtonSchulzWouldFail).
// * Muon parameters: p_k = p_{k-1}·(1 − lr_k·wd) − lr_k·u_k with a bf16 update u_k, so their
//   error after step k is bounded by Σ_{t<=k} lr_t · kNsUlps · ulp(max|u_t|), plus float32
//   rounding of p (2^-23·|p| per step). Measured: 0 (bit-identical) for all 3 steps of both
//   cases. A float32 Newton–Schulz misses that bound by 1.5× after one step
//   (Fp32UpdateWouldFailTheParameterTolerance), so the test really checks the bf16 behaviour.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "io/npy.hpp"
#include "latent/training/muon.hpp"
#include "latent_test.hpp"

using namespace cartography::latent::training;

namespace {

// Largest Newton–Schulz difference allowed, in bf16 ulps of the output's largest entry.
constexpr double kNsUlps = 2;
constexpr double kFloatRel = 1e-6;
constexpr int kParams = 7;
constexpr int kSteps = 3;
// Newton–Schulz goldens: small products, exactly 16³ multiply-adds, large ones (see muon.cpp).
constexpr const char* kNsCases[] = {"square", "wide", "tall", "conv", "s16", "h200", "big", "bigtall"};

std::string dir() { return std::string(CARTO_TEST_DATA) + "/train/muon"; }

torch::Tensor load(const std::string& path) {
  auto a = cartography::io::read_npy<float>(path);
  return torch::from_blob(a.data.data(), a.shape, torch::kFloat32).clone();
}
std::vector<double> load_doubles(const std::string& path) { return cartography::io::read_npy<double>(path).data; }

double max_abs(const torch::Tensor& t) { return t.numel() ? t.abs().max().item<double>() : 0.0; }
double max_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return max_abs(a.to(torch::kFloat64) - b.to(torch::kFloat64));
}
// One bfloat16 ulp at magnitude v.
double bf16_ulp(double v) { return std::ldexp(1.0, static_cast<int>(std::floor(std::log2(v))) - 7); }

MuonOptions options_of(const std::string& c) {
  const auto h = load_doubles(dir() + "/" + c + "/hyper.npy");
  MuonOptions o;
  o.lr = h[0], o.adam_lr_factor = h[1], o.weight_decay = h[2], o.momentum = h[3];
  o.adamw_beta1 = h[4], o.adamw_beta2 = h[5], o.adamw_eps = h[6];
  o.schedule.warmup_steps = static_cast<int64_t>(h[7]);
  o.schedule.warmup_init = h[8];
  o.schedule.decay_start = h[9] < 0 ? std::numeric_limits<double>::infinity() : h[9];
  return o;
}

struct Case {
  std::string name;
  std::string file(const std::string& f) const { return dir() + "/" + name + "/" + f + ".npy"; }
  torch::Tensor param(int i, const std::string& what) const { return load(file("p" + std::to_string(i) + "_" + what)); }
};

const Case kCases[] = {{"warmup"}, {"decay_wd"}};

std::vector<torch::Tensor> initial_params(const Case& c) {
  std::vector<torch::Tensor> ps;
  for (int i = 0; i < kParams; ++i) ps.push_back(c.param(i, "init"));
  return ps;
}

void set_grads(MuonOptimizer& opt, const Case& c, int step) {
  for (int i = 0; i < kParams; ++i) opt.params()[i].mutable_grad() = c.param(i, "grad" + std::to_string(step));
}

// The reference's update of step s, recovered from its parameters: (p·(1 − lr·wd) − p') / lr.
double reference_update_max(const Case& c, int i, int s, double lr, double wd) {
  const auto before = c.param(i, s ? "after" + std::to_string(s - 1) : "init");
  const auto after = c.param(i, "after" + std::to_string(s));
  return max_abs((before.to(torch::kFloat64) * (1 - lr * wd) - after.to(torch::kFloat64)) / lr);
}

// The bound of the header: Muon parameter i after step s.
double muon_tolerance(const Case& c, int i, int s, const std::vector<double>& lrs, double wd) {
  double tol = 0;
  for (int t = 0; t <= s; ++t)
    tol += lrs[t] * kNsUlps * bf16_ulp(reference_update_max(c, i, t, lrs[t], wd)) +
           std::ldexp(max_abs(c.param(i, "after" + std::to_string(t))), -23);
  return tol;
}

bool is_adam(int i) { return i >= 5; }  // shapes [12] and []

}  // namespace

TEST(LrSchedule, MatchesTheReferenceTable) {
  const auto args = cartography::io::read_npy<double>(dir() + "/schedule/args.npy");
  const auto values = cartography::io::read_npy<double>(dir() + "/schedule/values.npy");
  const int64_t rows = args.shape[0], K = values.shape[1];
  ASSERT_EQ(values.shape[0], rows);
  for (int64_t r = 0; r < rows; ++r) {
    LrScheduleArgs a;
    a.warmup_steps = static_cast<int64_t>(args.data[r * 3]);
    a.warmup_init = args.data[r * 3 + 1];
    a.decay_start = args.data[r * 3 + 2] < 0 ? std::numeric_limits<double>::infinity() : args.data[r * 3 + 2];
    check_lr_schedule(a);
    for (int64_t k = 0; k < K; ++k) {
      const double want = values.data[r * K + k];
      ASSERT_LE(std::fabs(lr_schedule(a, k) - want), 1e-15 * std::fabs(want)) << "row " << r << " step " << k;
    }
  }
}

TEST(LrSchedule, RefusesWhatTheReferenceCannotRun) {
  const auto bad = [](LrScheduleArgs a) { EXPECT_THROW(check_lr_schedule(a), std::invalid_argument); };
  bad({10, 0.1, 5.0});                                        // warmup after the decay starts
  bad({0, 1.0, 0.0});                                         // step / 0
  bad({-1, 1.0, 5.0});
  bad({0, std::nan(""), 5.0});
  bad({0, 1.0, std::nan("")});
  try {
    check_lr_schedule({5, 0.01, 5.0});  // warmup ending where the decay starts is fine
  } catch (const std::invalid_argument& e) {
    ADD_FAILURE() << e.what();
  }
}

TEST(NewtonSchulz, MatchesTheReferenceInBfloat16) {
  for (const char* name : kNsCases) {
    const auto in = load(dir() + "/ns/" + name + "_in.npy");
    const auto want = load(dir() + "/ns/" + name + "_out.npy");
    const auto got = newton_schulz5(in);
    ASSERT_EQ(got.scalar_type(), torch::kBFloat16);
    ASSERT_EQ(got.sizes(), want.sizes());
    const double ulps = max_diff(got, want) / bf16_ulp(max_abs(want));
    const double share = (got.to(torch::kFloat32) != want).to(torch::kFloat64).mean().item<double>();
    std::printf("NS %-6s max |diff| = %.2f ulp(max), %.1f %% of entries differ\n", name, ulps, 100 * share);
    EXPECT_LE(ulps, kNsUlps) << name;
    EXPECT_LE(share, 0.01) << name;
  }
}

// The same iteration in float32: it must miss the tolerance, or the test could not tell.
TEST(NewtonSchulz, Fp32NewtonSchulzWouldFail) {
  double worst = 0;
  for (const char* name : kNsCases) {
    const auto in = load(dir() + "/ns/" + name + "_in.npy");
    const auto want = load(dir() + "/ns/" + name + "_out.npy");
    const bool tall = in.size(0) > in.size(1);
    auto x = in / (in.norm() + 1e-7);
    if (tall) x = x.t();
    for (int i = 0; i < 5; ++i) {
      const auto A = x.matmul(x.t());
      x = x * 3.4445 + (A * -4.7750 + (A * 2.0315).matmul(A)).matmul(x);
    }
    if (tall) x = x.t();
    worst = std::max(worst, max_diff(x, want) / bf16_ulp(max_abs(want)));
  }
  std::printf("fp32 Newton-Schulz: worst %.2f ulp(max)\n", worst);
  EXPECT_GT(worst, kNsUlps);
}

TEST(Muon, FollowsTheReferenceForThreeSteps) {
  for (const Case& c : kCases) {
    const MuonOptions o = options_of(c.name);
    MuonOptimizer opt(initial_params(c), o);
    const auto lrs = load_doubles(c.file("lr"));
    ASSERT_EQ(static_cast<int>(lrs.size()), kSteps);
    for (int s = 0; s < kSteps; ++s) {
      EXPECT_NEAR(opt.lr(), lrs[s], 1e-15 * lrs[s]) << c.name << " step " << s;
      set_grads(opt, c, s);
      opt.step();
      opt.zero_grad();
      for (int i = 0; i < kParams; ++i) {
        const auto want = c.param(i, "after" + std::to_string(s));
        const double diff = max_diff(opt.params()[i], want);
        const double tol = is_adam(i) ? kFloatRel * max_abs(want) : muon_tolerance(c, i, s, lrs, o.weight_decay);
        std::printf("%s step %d p%d: |diff| %.3g, tolerance %.3g (%.2f)\n", c.name.c_str(), s, i, diff, tol, diff / tol);
        EXPECT_LE(diff, tol) << c.name << " step " << s << " parameter " << i;
        EXPECT_FALSE(opt.params()[i].grad().defined());
      }
    }
    for (int i = 0; i < kParams; ++i) {
      const MuonParamState& st = opt.state()[i];
      if (is_adam(i)) {
        EXPECT_EQ(st.step, static_cast<int64_t>(load_doubles(c.file("p" + std::to_string(i) + "_step"))[0]));
        for (const auto& [got, name] : {std::pair{st.moment1, "moment1"}, std::pair{st.moment2, "moment2"}}) {
          const auto want = c.param(i, name);
          EXPECT_LE(max_diff(got, want), kFloatRel * max_abs(want)) << c.name << " p" << i << " " << name;
        }
        EXPECT_FALSE(st.momentum_buffer.defined());
      } else {
        // The momentum is float32 arithmetic on the given gradients only (no bf16 on its path).
        const auto want = c.param(i, "momentum_buffer");
        EXPECT_LE(max_diff(st.momentum_buffer, want), kFloatRel * max_abs(want)) << c.name << " p" << i;
        EXPECT_FALSE(st.moment1.defined());
      }
    }
    // LambdaLR after three sch.step(): last_epoch, _step_count, base_lr, _last_lr, lr, initial_lr.
    const auto sched = load_doubles(c.file("sched"));
    const MuonScheduleState& ss = opt.schedule_state();
    EXPECT_EQ(ss.last_epoch, static_cast<int64_t>(sched[0]));
    EXPECT_EQ(ss.last_epoch + 1, static_cast<int64_t>(sched[1]));
    EXPECT_EQ(ss.initial_lr, sched[2]);
    EXPECT_NEAR(ss.lr, sched[3], 1e-15 * sched[3]);
    EXPECT_NEAR(ss.lr, sched[4], 1e-15 * sched[4]);
    EXPECT_EQ(ss.initial_lr, sched[5]);
  }
}

// The same first Muon step with a float32 Newton–Schulz misses the parameters' tolerance.
TEST(Muon, Fp32UpdateWouldFailTheParameterTolerance) {
  const Case& c = kCases[0];
  const MuonOptions o = options_of(c.name);
  const auto lrs = load_doubles(c.file("lr"));
  double worst = 0;
  for (int i = 0; i < 5; ++i) {
    const auto g = c.param(i, "grad0");
    const auto momentum = torch::zeros_like(g).lerp(g, 1 - o.momentum);
    auto u = g.lerp(momentum, o.momentum).reshape({g.size(0), -1});
    const bool tall = u.size(0) > u.size(1);
    auto x = u / (u.norm() + 1e-7);
    if (tall) x = x.t();
    for (int k = 0; k < 5; ++k) {
      const auto A = x.matmul(x.t());
      x = x * 3.4445 + (A * -4.7750 + (A * 2.0315).matmul(A)).matmul(x);
    }
    if (tall) x = x.t();
    x = x * std::sqrt(std::max(1.0, double(u.size(0)) / double(u.size(1))));
    const auto p = c.param(i, "init") * (1 - lrs[0] * o.weight_decay) - lrs[0] * x.reshape(g.sizes());
    worst = std::max(worst, max_diff(p, c.param(i, "after0")) / muon_tolerance(c, i, 0, lrs, o.weight_decay));
  }
  std::printf("fp32 Muon step: worst |diff| / tolerance = %.2f\n", worst);
  EXPECT_GT(worst, 1.0);
}

// A checkpoint's round trip: state and schedule read after one step, written into a fresh
// optimizer over copies of the parameters; the next steps are identical to the last bit.
TEST(Muon, RestoredStateContinuesExactly) {
  for (const Case& c : kCases) {
    const MuonOptions o = options_of(c.name);
    MuonOptimizer run(initial_params(c), o);
    set_grads(run, c, 0);
    run.step();
    run.zero_grad();
    std::vector<torch::Tensor> copies;
    for (const auto& p : run.params()) copies.push_back(p.clone());
    MuonOptimizer resumed(copies, o);
    for (int i = 0; i < kParams; ++i) resumed.set_state(i, run.state()[i]);
    resumed.set_schedule_state(run.schedule_state());
    for (int s = 1; s < kSteps; ++s) {
      EXPECT_EQ(resumed.lr(), run.lr());
      set_grads(run, c, s);
      set_grads(resumed, c, s);
      run.step();
      resumed.step();
      for (int i = 0; i < kParams; ++i)
        EXPECT_TRUE(torch::equal(run.params()[i], resumed.params()[i])) << c.name << " step " << s << " p" << i;
    }
    EXPECT_EQ(resumed.schedule_state().last_epoch, kSteps);
  }
}

TEST(Muon, SkipsParametersWithoutGradient) {
  const Case& c = kCases[0];
  MuonOptimizer opt(initial_params(c), options_of(c.name));
  opt.params()[0].mutable_grad() = c.param(0, "grad0");
  opt.params()[6].mutable_grad() = c.param(6, "grad0");
  opt.step();
  EXPECT_TRUE(opt.state()[0].momentum_buffer.defined());
  EXPECT_EQ(opt.state()[6].step, 1);
  for (int i = 1; i < 6; ++i) {
    EXPECT_FALSE(opt.state()[i].momentum_buffer.defined() || opt.state()[i].moment1.defined()) << i;
    EXPECT_TRUE(torch::equal(opt.params()[i], c.param(i, "init"))) << i;
  }
  EXPECT_EQ(opt.schedule_state().last_epoch, 1);
}

TEST(Muon, RefusesMismatchedGradientsAndStates) {
  const Case& c = kCases[0];
  MuonOptimizer opt(initial_params(c), options_of(c.name));
  set_grads(opt, c, 0);
  opt.params()[3].mutable_grad() = torch::zeros({9, 64, 1});
  try {
    opt.step();
    ADD_FAILURE() << "a [9, 64, 1] gradient for a [64, 9, 1] parameter was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("parameter 3"), std::string::npos) << e.what();
  }
  // Nothing moved: the check runs before any parameter is updated.
  for (int i = 0; i < kParams; ++i) EXPECT_TRUE(torch::equal(opt.params()[i], c.param(i, "init"))) << i;
  EXPECT_EQ(opt.schedule_state().last_epoch, 0);

  MuonParamState wrong_shape;
  wrong_shape.momentum_buffer = torch::zeros({16, 8});
  EXPECT_THROW(opt.set_state(0, wrong_shape), std::invalid_argument);
  MuonParamState adam_on_matrix;
  adam_on_matrix.step = 1, adam_on_matrix.moment1 = torch::zeros({9, 64}), adam_on_matrix.moment2 = torch::zeros({9, 64});
  EXPECT_THROW(opt.set_state(4, adam_on_matrix), std::invalid_argument);
  MuonParamState no_step;
  no_step.moment1 = torch::zeros({12}), no_step.moment2 = torch::zeros({12});
  EXPECT_THROW(opt.set_state(5, no_step), std::invalid_argument);
  MuonParamState half;
  half.step = 2, half.moment1 = torch::zeros({});
  EXPECT_THROW(opt.set_state(6, half), std::invalid_argument);
  EXPECT_THROW(opt.set_state(kParams, MuonParamState{}), std::invalid_argument);
  EXPECT_THROW(opt.set_schedule_state({std::nan(""), 0.002, 1}), std::invalid_argument);
  EXPECT_THROW(opt.set_schedule_state({0.002, 0.002, -1}), std::invalid_argument);

  MuonOptions bad = options_of(c.name);
  bad.adamw_beta2 = 1.0;
  EXPECT_THROW(MuonOptimizer(initial_params(c), bad), std::invalid_argument);
  EXPECT_THROW(MuonOptimizer({torch::zeros({3}, torch::kInt64)}, options_of(c.name)), std::invalid_argument);
}
