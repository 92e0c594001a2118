// The latent model on this rank's device, through the latent plugin (libtorch stays out of
// the pipeline): encodes each map's 9-dim signal into its latent.
#pragma once

#include <memory>
#include <vector>

#include "pipeline/group_job.hpp"
#include "pipeline/run_options.hpp"

namespace cartography::latent {
class LatentEncoder;
}

namespace cartography::pipeline {

class LatentStage {
 public:
  // Loads the plugin and the checkpoint; throws with the reason when either fails.
  static std::shared_ptr<LatentStage> open(const RunOptions& opt);
  ~LatentStage();

  // Fills m.latent (posterior mean, or a seeded sample); a failure becomes a Skip.
  void encode(EncodedMap& m, std::vector<Skip>& skips);

 private:
  explicit LatentStage(std::unique_ptr<latent::LatentEncoder> encoder, const RunOptions& opt);
  std::unique_ptr<latent::LatentEncoder> encoder_;
  RunOptions options_;
};

}  // namespace cartography::pipeline
