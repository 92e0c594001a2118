// The latent model's shape, read from a checkpoint's hyper_parameters (Lightning's
// save_hyperparameters: `h_dim`, `emb_dim`, and `ae_args`, an AutoEncoderArgs dataclass with
// `strides`, `expand` and `layer_args`, a WaveNetArgs dataclass with `num_stacks`,
// `stack_depth`, `expand`), then checked against the weight shapes so that a checkpoint whose
// hyper-parameters and weights disagree is refused before any number is computed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "latent/checkpoint/checkpoint.hpp"

namespace cartography::latent {

struct LatentArchitecture {
  int64_t x_dim = 9;   // the 9-dimensional beatmap signal
  int64_t h_dim = 0;   // H: width of the encoder trunk
  int64_t emb_dim = 0; // D: latent channels
  std::vector<int64_t> strides;  // encoder downsampling factors, e.g. [2, 3, 3]
  int64_t ae_expand = 1;         // width factor inside each down/up stage
  int64_t num_stacks = 1;        // WaveNet: stacks of ...
  int64_t stack_depth = 1;       // ... layers with dilations 1, 2, ..., 2^(depth-1)
  int64_t wavenet_expand = 1;    // width factor inside each WaveNet layer
  bool from_hyper_parameters = false;  // false: inferred from the weights alone

  // Frames per latent step: the product of the strides (18 for [2, 3, 3]).
  int64_t chunk() const;
  int64_t layers_per_block() const { return num_stacks * stack_depth; }
  // ceil(L / chunk): latent length of an L-frame map.
  int64_t latent_length(int64_t frames) const { return (frames + chunk() - 1) / chunk(); }
  // How far (in input frames, either side) an encoder output depends on its input: the
  // receptive-field radius that overlapping chunks must cover to equal a whole-map pass.
  int64_t receptive_radius() const;
  std::string describe() const;
};

// Reads and validates the architecture; CheckpointError names the file and the mismatch.
LatentArchitecture read_architecture(const Checkpoint& checkpoint);

// The full-size published model (H=360, D=32, strides [2,3,3], 1 stack of depth 4).
LatentArchitecture published_architecture();

}  // namespace cartography::latent
