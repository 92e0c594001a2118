// The plugin's `cartography_latent_cqt` (trainer_plugin.hpp, CqtFn): the reference's audio
// features across the library boundary, plain data and a status code.
#include <cstdio>
#include <exception>

#include "latent/cqt.hpp"
#include "latent/trainer_plugin.hpp"

#define CARTO_EXPORT __attribute__((visibility("default")))

extern "C" CARTO_EXPORT int cartography_latent_cqt(const int16_t* samples, int64_t n, float* out, int threads,
                                                   char* error, size_t error_size) {
  auto report = [&](const char* what) {
    if (error && error_size) std::snprintf(error, error_size, "cartography_latent_cqt: %s", what);
    return -1;
  };
  try {
    cartography::latent::CqtOptions options;
    options.threads = threads;
    cartography::latent::audio_features(samples, n, out, options);
    return 0;
  } catch (const std::exception& e) {
    return report(e.what());
  } catch (...) {
    return report("unknown error");
  }
}
