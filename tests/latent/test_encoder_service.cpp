// Chunked long maps equal the whole-map pass, batches equal single maps, the seeded sample is
// chunk-independent, the plugin's C boundary, and errors.
#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "latent/latent_service.hpp"
#include "latent_test.hpp"
#include "test_support.hpp"

using namespace cartography::latent;
using namespace latent_test;

namespace {

std::unique_ptr<LatentEncoder> open_encoder(const std::string& model, int64_t window, bool modules = false) {
  LatentOptions o;
  const std::string path = checkpoint_path(model);
  o.checkpoint = path.c_str();
  o.force_cpu = 1;
  o.window_frames = window;
  o.use_modules = modules ? 1 : 0;
  return make_latent_encoder(o);
}

// A long map: the 19,085-frame golden case repeated with a shift to `frames` frames.
std::vector<double> long_map(int64_t frames) {
  const auto x = golden<float>("small", 5, "x");
  const int64_t L = x.shape.at(1);
  std::vector<double> out(static_cast<size_t>(9 * frames));
  for (int64_t c = 0; c < 9; ++c)
    for (int64_t t = 0; t < frames; ++t) out[c * frames + t] = x.data[c * L + (t * 7 + t / L) % L];
  return out;
}

double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(double(a[i]) - double(b[i])));
  return worst;
}

struct Encoded {
  std::vector<float> mu, logvar;
};

Encoded encode(LatentEncoder& enc, const std::vector<double>& x, int64_t frames) {
  LatentInfo info;
  enc.info(&info);
  const size_t n = static_cast<size_t>(info.emb_dim * latent_length(frames));
  Encoded e{std::vector<float>(n), std::vector<float>(n)};
  EXPECT_EQ(enc.encode(x.data(), frames, e.mu.data(), e.logvar.data()), 0) << enc.last_error();
  return e;
}

}  // namespace

TEST(EncoderService, ChunkedLongMapEqualsWholePass) {
  const int64_t frames = 40003;  // not a multiple of 18
  const std::vector<double> x = long_map(frames);
  auto whole = open_encoder("small", 50000);  // one window holds the whole map
  auto chunked = open_encoder("small", 18 * 37);  // 61 windows with margins
  LatentInfo info;
  chunked->info(&info);
  EXPECT_GE(info.margin_frames, 178);  // the receptive-field radius of this architecture
  EXPECT_EQ(info.margin_frames % 18, 0);
  const Encoded a = encode(*whole, x, frames), b = encode(*chunked, x, frames);
  const double d = std::max(max_abs_diff(a.mu, b.mu), max_abs_diff(a.logvar, b.logvar));
  std::printf("  chunked vs whole (fused): max|d| %.3g\n", d);
  EXPECT_LE(d, 1e-6);
  // The module path cut the same way agrees with both.
  auto modules = open_encoder("small", 18 * 37, true);
  const Encoded c = encode(*modules, x, frames);
  const double dm = std::max(max_abs_diff(a.mu, c.mu), max_abs_diff(a.logvar, c.logvar));
  std::printf("  chunked modules vs whole fused: max|d| %.3g\n", dm);
  EXPECT_LE(dm, 1e-5);
}

TEST(EncoderService, MarginsAreNeeded) {
  // Without the margins, windows would see zeros at their cut edges: the results must differ,
  // else the test above proves nothing.
  const int64_t frames = 4000;
  const std::vector<double> x = long_map(frames);
  auto whole = open_encoder("small", 50000);
  const Encoded a = encode(*whole, x, frames);
  auto enc = open_encoder("small", 50000);
  // Encode two independent halves cut at a multiple of 18 and compare near the cut.
  const int64_t cut = 18 * 111;
  std::vector<double> left(9 * cut);
  for (int64_t c = 0; c < 9; ++c)
    std::copy(x.begin() + c * frames, x.begin() + c * frames + cut, left.begin() + c * cut);
  const Encoded l = encode(*enc, left, cut);
  const int64_t D = 32, steps = latent_length(frames), ls = latent_length(cut);
  double near_cut = 0;
  for (int64_t d = 0; d < D; ++d) near_cut = std::max(near_cut, std::fabs(double(a.mu[d * steps + ls - 1]) - l.mu[d * ls + ls - 1]));
  EXPECT_GT(near_cut, 1e-3);
}

TEST(EncoderService, BatchEqualsSingleMaps) {
  auto enc = open_encoder("small", 0);
  std::vector<std::vector<double>> xs;
  std::vector<int64_t> lengths{700, 1, 17, 18, 19, 5000, 2};
  for (int64_t L : lengths) xs.push_back(long_map(L));
  std::vector<Encoded> single;
  for (size_t i = 0; i < xs.size(); ++i) single.push_back(encode(*enc, xs[i], lengths[i]));
  std::vector<Encoded> batch(xs.size());
  std::vector<LatentMap> maps;
  for (size_t i = 0; i < xs.size(); ++i) {
    batch[i].mu.resize(single[i].mu.size());
    batch[i].logvar.resize(single[i].logvar.size());
    maps.push_back({xs[i].data(), lengths[i], batch[i].mu.data(), i % 2 ? nullptr : batch[i].logvar.data()});
  }
  ASSERT_EQ(enc->encode_batch(maps.data(), static_cast<int64_t>(maps.size())), 0) << enc->last_error();
  double worst = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    worst = std::max(worst, max_abs_diff(single[i].mu, batch[i].mu));
    if (i % 2 == 0) worst = std::max(worst, max_abs_diff(single[i].logvar, batch[i].logvar));
  }
  std::printf("  batch vs single: max|d| %.3g\n", worst);
  EXPECT_LE(worst, 1e-6);
}

TEST(EncoderService, SampleIsChunkIndependent) {
  const int64_t frames = 6000;
  const std::vector<double> x = long_map(frames);
  auto a = open_encoder("small", 50000), b = open_encoder("small", 18 * 20);
  const size_t n = static_cast<size_t>(32 * latent_length(frames));
  std::vector<float> za(n), zb(n);
  ASSERT_EQ(a->sample(x.data(), frames, 7, za.data()), 0);
  ASSERT_EQ(b->sample(x.data(), frames, 7, zb.data()), 0);
  EXPECT_LE(max_abs_diff(za, zb), 1e-5);
}

TEST(EncoderService, ReportsErrorsThroughStatusCodes) {
  auto enc = open_encoder("tiny", 0);
  float out[8];
  EXPECT_EQ(enc->encode(nullptr, -1, out, out), -1);
  EXPECT_TRUE(contains(enc->last_error(), "negative frame count")) << enc->last_error();
  EXPECT_EQ(enc->decode(out, 1, out), -1);
  EXPECT_TRUE(contains(enc->last_error(), "with_decoder")) << enc->last_error();
  EXPECT_EQ(enc->encode(nullptr, 0, nullptr, nullptr), 0);  // an empty map has no latent steps
  LatentOptions o;
  EXPECT_THROW(make_latent_encoder(o), std::exception);
}

TEST(EncoderService, DeviceFollowsTheLocalRank) {
  ::setenv("OMPI_COMM_WORLD_LOCAL_RANK", "5", 1);
  EXPECT_EQ(local_device_index(4), 1);
  ::unsetenv("OMPI_COMM_WORLD_LOCAL_RANK");
  ::setenv("SLURM_LOCALID", "2", 1);
  EXPECT_EQ(local_device_index(4), 2);
  EXPECT_EQ(local_device_index(0), 0);
  ::unsetenv("SLURM_LOCALID");
}

// Through the shared library exactly as the CLI and the pipeline use it.
TEST(EncoderService, PluginEntryPoints) {
  void* handle = dlopen(CARTO_LATENT_PLUGIN, RTLD_NOW | RTLD_LOCAL);
  ASSERT_TRUE(handle != nullptr) << dlerror();
  auto* abi = reinterpret_cast<LatentAbiVersionFn*>(dlsym(handle, kLatentAbiSymbol));
  auto* open_fn = reinterpret_cast<LatentOpenFn*>(dlsym(handle, kLatentOpenSymbol));
  ASSERT_TRUE(abi && open_fn);
  EXPECT_EQ(abi(), kLatentAbiVersion);
  // Internals stay hidden.
  EXPECT_TRUE(dlsym(handle, "_ZN11cartography6latent19make_latent_encoderERKNS0_13LatentOptionsE") == nullptr);

  char error[512] = {};
  LatentOptions o;
  o.checkpoint = "/nonexistent.ckpt";
  EXPECT_TRUE(open_fn(&o, error, sizeof error) == nullptr);
  EXPECT_TRUE(contains(error, "/nonexistent.ckpt: cannot open")) << error;

  const std::string path = checkpoint_path("tiny");
  o.checkpoint = path.c_str();
  o.force_cpu = 1;
  std::unique_ptr<LatentEncoder> enc(open_fn(&o, error, sizeof error));
  ASSERT_TRUE(enc != nullptr) << error;
  LatentInfo info;
  enc->info(&info);
  EXPECT_EQ(std::string(info.device), "cpu");
  EXPECT_EQ(info.emb_dim, 8);
  EXPECT_EQ(info.frames_per_latent, 18);
  const auto x = golden<float>("tiny", 0, "x");
  const auto want = golden<float>("tiny", 0, "mu");
  std::vector<double> xd(x.data.begin(), x.data.end());
  std::vector<float> mu(want.data.size());
  ASSERT_EQ(enc->encode(xd.data(), x.shape[1], mu.data(), nullptr), 0) << enc->last_error();
  EXPECT_LE(max_abs_diff(mu, want.data), 1e-5);
  enc.reset();
}
