// The trainer's C entry points (trainer_plugin.hpp): everything that crosses the library
// boundary is plain data; exceptions stop here.
#include <cstdio>
#include <exception>

#include "latent/trainer_plugin.hpp"
#include "latent/training/trainer_service.hpp"

#define CARTO_EXPORT __attribute__((visibility("default")))

extern "C" CARTO_EXPORT int cartography_latent_trainer_abi_version() {
  return cartography::latent::kTrainerAbiVersion;
}

extern "C" CARTO_EXPORT cartography::latent::LatentTrainer* cartography_latent_open_trainer(
    const cartography::latent::TrainerOptions* options, char* error, size_t error_size) {
  auto report = [&](const char* what) {
    if (error && error_size) std::snprintf(error, error_size, "%s", what);
  };
  if (!options) {
    report("cartography_latent_open_trainer: no options");
    return nullptr;
  }
  try {
    return cartography::latent::training::make_latent_trainer(*options).release();
  } catch (const std::exception& e) {
    report(e.what());
  } catch (...) {
    report("cartography_latent_open_trainer: unknown error");
  }
  return nullptr;
}
