// Which latent model a run used and whether it was trained, read from the checkpoint file itself
// (no sidecar, no name guessing beyond the bundled fixture): recorded in cartography.h5's root
// attributes and in run_summary.json, and shown by the report.
//
// The verdict (checkpoint_verdict()):
//   - the bytes are those of a random-weight fixture of this repository (the bundled
//     checkpoints/vae_small_UNTRAINED_random_weights.ckpt, alias tests/data/vae/vae_small.ckpt,
//     and tests/data/vae/vae_tiny.ckpt), or the file name contains "UNTRAINED"
//        -> "no": those fixtures copy the published model's counters (global_step 58000,
//           epoch 3), so the counters alone would call random weights trained;
//   - else root["global_step"] is an integer > 0 -> "yes" (Lightning counts optimizer steps);
//   - else root["global_step"] is 0 (or negative) -> "no" (saved before any step);
//   - else (no integer global_step: a bare state_dict, or not Lightning's) -> "unknown": such a
//     file may hold trained weights, and nothing in it says so either way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "io/json.hpp"

namespace cartography::pipeline {

struct CheckpointProvenance {
  std::string path;      // as given to `run`
  std::string file;      // its file name
  int64_t bytes = 0;
  std::string xxh3_128;  // content_hash() of the file (the one --resume keys on)
  std::optional<int64_t> global_step, epoch;
  std::optional<std::string> lightning_version;  // root["pytorch-lightning_version"]
  bool training_state = false;  // non-empty root["optimizer_states"]: saved by a training run
  std::string architecture;     // LatentArchitecture::describe()
  std::string trained;          // "yes", "no" or "unknown"
  std::string verdict;          // one line for people: "trained: 8 optimizer steps, epoch 0", ...
};

// XXH3-128 (content_hash()) of the repository's random-weight checkpoints.
bool is_random_weight_fixture(const std::string& xxh3_128);

// Reads the file (pickle only; tensor data stays on disk). `xxh3_128` is its content_hash().
// Throws latent::CheckpointError (naming the file) when it is not a readable latent-model
// checkpoint; odd counters (a global_step that is not an integer) are "absent", never fatal.
CheckpointProvenance read_checkpoint_provenance(const std::string& path, const std::string& xxh3_128);

// Sets trained and verdict from the other fields (the rule in the header comment).
void apply_verdict(CheckpointProvenance& p);

// For run_summary.json (no path: the same model on another machine is the same model) and for
// broadcasting from rank 0; from_json(to_json(p)) == p except `path`, carried separately.
io::Json to_json(const CheckpointProvenance& p);
CheckpointProvenance provenance_from_json(const io::Json& j, const std::string& path);

}  // namespace cartography::pipeline
