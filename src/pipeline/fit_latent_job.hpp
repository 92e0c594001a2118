// `cartography fit-latent <dataset_dir> --config <yaml> --out <dir>`: trains the osu-dreamer
// latent model on the .osz archives, data-parallel over the MPI ranks (one device per rank).
//   1. Rank 0 reads the config and broadcasts its text; every rank parses the same text.
//   2. Every rank featurises its share of the archives (i % ranks == rank) into the shared cache
//      folder (src/train/training_data.hpp); rank 0 merges the shares into the one corpus, which
//      does not depend on the rank count, and broadcasts it; the song split and every epoch's
//      window order follow from it and the seed alone.
//   3. Every rank opens the latent plugin's LatentTrainer with the same seed (same initial
//      weights) and runs src/train/train_loop.hpp with MpiGradientReducer: each global batch is
//      cut into contiguous shards, one per rank; the weighted shard gradients are summed.
// Outputs under --out: checkpoints/last.ckpt (+ last.ckpt.grad), checkpoints/best.ckpt,
// metrics.csv, config.yaml; cache/ unless --cache-dir.
#pragma once

#include <boost/mpi/communicator.hpp>
#include <string>

#include "pipeline/fit_latent_options.hpp"

namespace cartography::pipeline {

struct FitLatentResult {
  std::string last_checkpoint, best_checkpoint;  // best: empty when no validation ran
  int64_t global_step = 0;
  double best_val_l2 = -1;
};

// Collective. A failure every rank learns is thrown on every rank as SharedFailure
// (rank_agreement.hpp); a failure of one rank alone aborts the job (the others may be waiting
// in a collective). cross-validate trains its models through this.
FitLatentResult fit_latent_in_session(const boost::mpi::communicator& world, const FitLatentOptions& options);

// MPI_Init, fit_latent_in_session, MPI_Finalize; the process exit code.
int fit_latent(const FitLatentOptions& options);

}  // namespace cartography::pipeline
