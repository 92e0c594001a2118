// The audio features (src/latent/cqt.*) against the reference's load_audio on the PCM its
// ffmpeg pipe produced (tests/data/train/cqt, make_cqt_golden.py): three real clips, a chirp
// with silence (the max - 6 floor), and the shortest signal the reflect padding accepts.
// Also: chunking and thread count do not change a bit, bad lengths are refused, and the
// plugin's cartography_latent_cqt gives the same features and reports errors.
#include <dlfcn.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "latent/cqt.hpp"
#include "latent/trainer_plugin.hpp"
#include "cqt_golden.hpp"
#include "latent_test.hpp"

using namespace cartography::latent;

namespace {

// The reference's features in float32 agree with a float64 evaluation to ~2e-5; ours differ
// from the reference only in the convolution's summation order.
constexpr double kTolerance = 1e-4;

std::vector<float> features(const std::vector<int16_t>& pcm, const CqtOptions& options = {}) {
  std::vector<float> out(kCqtBins * cqt_frame_count(static_cast<int64_t>(pcm.size())));
  audio_features(pcm.data(), static_cast<int64_t>(pcm.size()), out.data(), options);
  return out;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST(Cqt, MatchesTheReferenceOnItsOwnPcm) {
  for (const std::string& name : cqt_golden::all_cases()) {
    const std::vector<int16_t> pcm = cqt_golden::read_pcm(name);
    const auto golden = cqt_golden::read_spec(name);
    const int64_t frames = cqt_frame_count(static_cast<int64_t>(pcm.size()));
    ASSERT_EQ(golden.shape.size(), size_t{2}) << name;
    EXPECT_EQ(golden.shape[0], kCqtBins) << name;
    EXPECT_EQ(golden.shape[1], frames) << name << "frames = n / 98 + 1";
    const double diff = cqt_golden::max_abs_diff(features(pcm), golden.data);
    std::printf("  %s: %zu samples, %lld frames, max |ours - reference| = %.3g\n", name.c_str(), pcm.size(),
                static_cast<long long>(frames), diff);
    EXPECT_LE(diff, kTolerance) << name;
  }
}

TEST(Cqt, ChunksAndThreadsDoNotChangeABit) {
  // Three chirps: 3,511 frames, two default chunks (the second overlapping the first).
  const std::vector<int16_t> chirp = cqt_golden::read_pcm("chirp");
  std::vector<int16_t> pcm;
  for (int i = 0; i < 3; ++i) pcm.insert(pcm.end(), chirp.begin(), chirp.end());
  const std::vector<float> whole = features(pcm, {.threads = 1, .chunk_frames = 1 << 20});
  for (int64_t chunk : {int64_t{1}, int64_t{300}, CqtOptions{}.chunk_frames}) {
    for (int threads : {1, 2}) {
      const std::vector<float> part = features(pcm, {.threads = threads, .chunk_frames = chunk});
      EXPECT_TRUE(part == whole) << "chunk_frames" << chunk << "threads" << threads << "max diff"
                                 << cqt_golden::max_abs_diff(part, whole);
    }
  }
}

TEST(Cqt, RefusesLengthsTheReferenceCannotTake) {
  std::vector<int16_t> pcm(kCqtMinSamples, 100);
  std::vector<float> out(kCqtBins * cqt_frame_count(kCqtMinSamples));
  for (int64_t n : {int64_t{-1}, int64_t{0}, int64_t{1}, kCqtMinSamples - 1, kCqtMaxSamples + 1}) {
    try {
      audio_features(pcm.data(), n, out.data());
      ADD_FAILURE() << "accepted" << n << "samples";
    } catch (const std::invalid_argument& e) {
      EXPECT_TRUE(contains(e.what(), std::to_string(n) + " samples is too")) << e.what();
    }
  }
  EXPECT_THROW(audio_features(pcm.data(), kCqtMinSamples, out.data(), {.chunk_frames = 0}), std::invalid_argument);
  EXPECT_THROW(audio_features(nullptr, kCqtMinSamples, out.data()), std::invalid_argument);
}

TEST(Cqt, SilenceIsTheClampedFloor) {
  // All-zero power: log10(1e-10) = -10 everywhere, the max - 6 floor is below it.
  const std::vector<float> out = features(std::vector<int16_t>(20000, 0));
  for (float v : out) ASSERT_EQ(v, -10.f / 3.f);
}

#ifdef CARTO_LATENT_PLUGIN
// Through the shared library, as `cartography fit-latent` calls it.
TEST(Cqt, PluginEntryPoint) {
  void* handle = dlopen(CARTO_LATENT_PLUGIN, RTLD_NOW | RTLD_LOCAL);
  ASSERT_TRUE(handle != nullptr) << dlerror();
  auto* cqt = reinterpret_cast<CqtFn*>(dlsym(handle, kCqtSymbol));
  ASSERT_TRUE(cqt != nullptr);
  // Internals stay hidden.
  EXPECT_TRUE(dlsym(handle, "_ZN11cartography6latent14audio_featuresEPKslPfRKNS0_10CqtOptionsE") == nullptr);

  const std::vector<int16_t> pcm = cqt_golden::read_pcm("clip_ogg");
  std::vector<float> out(kCqtBins * cqt_frame_count(static_cast<int64_t>(pcm.size())));
  char error[256] = "untouched";
  ASSERT_EQ(cqt(pcm.data(), static_cast<int64_t>(pcm.size()), out.data(), 1, error, sizeof error), 0) << error;
  EXPECT_TRUE(out == features(pcm));

  EXPECT_EQ(cqt(pcm.data(), 0, out.data(), 1, error, sizeof error), -1);
  EXPECT_TRUE(contains(error, "cartography_latent_cqt: audio of 0 samples is too short")) << error;
  EXPECT_EQ(cqt(pcm.data(), kCqtMaxSamples + 1, out.data(), 0, error, sizeof error), -1);
  EXPECT_TRUE(contains(error, "too long")) << error;
  EXPECT_EQ(cqt(pcm.data(), -5, out.data(), 0, nullptr, 0), -1);  // no error buffer: still no crash
  dlclose(handle);
}
#endif
