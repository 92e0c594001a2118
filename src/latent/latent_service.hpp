// The LatentEncoder implementation behind the plugin entry point, also used directly by the
// tests. Throws (CheckpointError, std::runtime_error) where the plugin returns status codes.
#pragma once

#include <memory>

#include "latent/checkpoint/architecture.hpp"
#include "latent/latent_plugin.hpp"

namespace cartography::latent {

std::unique_ptr<LatentEncoder> make_latent_encoder(const LatentOptions& options);

// The same encoder with random weights drawn from `seed` instead of a checkpoint (benchmarks of
// the full-size model); options.checkpoint is ignored.
std::unique_ptr<LatentEncoder> make_random_latent_encoder(const LatentArchitecture& arch, uint64_t seed,
                                                          const LatentOptions& options);

// The CUDA device a process should use: the node-local rank (OMPI_COMM_WORLD_LOCAL_RANK,
// SLURM_LOCALID, MPI_LOCALRANKID, LOCAL_RANK, first found) modulo the device count.
int local_device_index(int device_count);

}  // namespace cartography::latent
