// The latent model on this rank's device, through the latent plugin (libtorch stays out of
// the pipeline): encodes each map's 9-dim signal into its latent.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/group_job.hpp"
#include "pipeline/study_options.hpp"

namespace cartography::latent {
class LatentClient;
}

namespace cartography::pipeline {

class LatentStage {
 public:
  // Loads the plugin and the checkpoint on this rank's device (GPU by node-local rank when
  // CUDA is there, else CPU); throws with the reason when either fails.
  // With random_seed: the checkpoint's architecture with random weights drawn from that seed
  // (the random-encoder control), the same on every rank.
  static std::shared_ptr<LatentStage> open(const RunOptions& opt, int threads,
                                           std::optional<uint64_t> random_seed = std::nullopt);
  ~LatentStage();

  // Fills m.latent: the posterior mean, or with --latent sample a draw seeded with the run's
  // seed for every map (so a map's latent does not depend on which rank drew it).
  // A failure becomes a Skip and leaves the map without a latent.
  void encode(EncodedMap& m, std::vector<Skip>& skips);

  // The same computation into `z` ([emb_dim, latent frames]); empty result = failure, with the
  // reason returned (a failure of a control encoder must not remove the map from the results).
  std::optional<std::string> encode_into(const EncodedMap& m, std::vector<float>& z);

  std::string device() const;

 private:
  LatentStage(std::unique_ptr<latent::LatentClient> client, const RunOptions& opt);
  std::unique_ptr<latent::LatentClient> client_;
  RunOptions options_;
};

}  // namespace cartography::pipeline
