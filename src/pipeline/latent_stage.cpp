#include "pipeline/latent_stage.hpp"

#include "common/plugin.hpp"
#include "latent/latent_plugin.hpp"

namespace cartography::pipeline {

LatentStage::LatentStage(std::unique_ptr<latent::LatentEncoder> encoder, const RunOptions& opt)
    : encoder_(std::move(encoder)), options_(opt) {}
LatentStage::~LatentStage() = default;

std::shared_ptr<LatentStage> LatentStage::open(const RunOptions& opt) {
  (void)opt;
  throw std::runtime_error("latent stage not wired yet");
}

void LatentStage::encode(EncodedMap& m, std::vector<Skip>& skips) {
  (void)m;
  (void)skips;
}

}  // namespace cartography::pipeline
