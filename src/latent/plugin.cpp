// The plugin's C entry points: everything that crosses the library boundary is plain data.
#include <cstdio>
#include <exception>
#include <stdexcept>

#include "latent/checkpoint/architecture.hpp"
#include "latent/checkpoint/checkpoint.hpp"
#include "latent/latent_plugin.hpp"
#include "latent/latent_service.hpp"

#define CARTO_EXPORT __attribute__((visibility("default")))

extern "C" CARTO_EXPORT int cartography_latent_abi_version() { return cartography::latent::kLatentAbiVersion; }

extern "C" CARTO_EXPORT cartography::latent::LatentEncoder* cartography_latent_open(
    const cartography::latent::LatentOptions* options, char* error, size_t error_size) {
  auto report = [&](const char* what) {
    if (error && error_size) std::snprintf(error, error_size, "%s", what);
  };
  if (!options) {
    report("cartography_latent_open: no options");
    return nullptr;
  }
  try {
    namespace latent = cartography::latent;
    if (options->random_weights) {
      if (!options->checkpoint) throw std::runtime_error("random weights need a checkpoint for the architecture");
      const latent::Checkpoint checkpoint(options->checkpoint);
      return latent::make_random_latent_encoder(latent::read_architecture(checkpoint), options->random_seed, *options)
          .release();
    }
    return latent::make_latent_encoder(*options).release();
  } catch (const std::exception& e) {
    report(e.what());
  } catch (...) {
    report("cartography_latent_open: unknown error");
  }
  return nullptr;
}
