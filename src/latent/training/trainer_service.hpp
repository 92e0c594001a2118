// The LatentTrainer behind the plugin entry point `cartography_latent_open_trainer`: the
// training model, its two Muon optimizers, flat gradient buffers for the caller's all-reduce,
// and the Lightning checkpoint (written with latent/checkpoint/lightning_writer, read with the
// native reader). Also used directly by the tests. Throws where the plugin returns status codes.
#pragma once

#include <memory>

#include "latent/trainer_plugin.hpp"

namespace cartography::latent::training {

std::unique_ptr<LatentTrainer> make_latent_trainer(const TrainerOptions& options);

}  // namespace cartography::latent::training
