// End to end as the training data path runs it: the clip's bytes -> decode_pcm (src/audio,
// FFmpeg's libraries) -> the plugin's cartography_latent_cqt, against the reference's
// load_audio on the same file (its ffmpeg CLI pipe, then nnAudio).
#include <dlfcn.h>

#include <cstdio>
#include <string>
#include <vector>

#include "audio/decode_pcm.hpp"
#include "latent/trainer_plugin.hpp"
#include "cqt_golden.hpp"
#include "latent_test.hpp"

using namespace cartography;

TEST(CqtAudio, ClipFileToFeaturesMatchesTheReference) {
  void* handle = dlopen(CARTO_LATENT_PLUGIN, RTLD_NOW | RTLD_LOCAL);
  ASSERT_TRUE(handle != nullptr) << dlerror();
  auto* cqt = reinterpret_cast<latent::CqtFn*>(dlsym(handle, latent::kCqtSymbol));
  ASSERT_TRUE(cqt != nullptr);
  for (const std::string& file : cqt_golden::clip_files()) {
    const std::vector<int16_t> pcm = audio::decode_pcm(cqt_golden::read_bytes(file), file);
    const auto golden = cqt_golden::read_spec(cqt_golden::case_of(file));
    const auto n = static_cast<int64_t>(pcm.size());
    ASSERT_EQ(golden.shape.at(1), n / 98 + 1) << file;
    std::vector<float> out(latent::kAudioDim * (n / 98 + 1));
    char error[256] = "";
    ASSERT_EQ(cqt(pcm.data(), n, out.data(), 0, error, sizeof error), 0) << error;
    const double diff = cqt_golden::max_abs_diff(out, golden.data);
    std::printf("  %s: max |ours - reference| = %.3g\n", file.c_str(), diff);
    EXPECT_LE(diff, 1e-4) << file;
  }
  dlclose(handle);
}
