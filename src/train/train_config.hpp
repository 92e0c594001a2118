// The training config of `cartography fit-latent`: the seed's Lightning YAML
// (config/latent_model.yml, osu-dreamer's latent_model/model.yml), read key for key. Every key the
// reference's LightningCLI would accept for this model either means the same here or is listed in
// src/train/README.md as accepted and ignored; any other key is an error naming the file and the
// key's path ("model.ae_args.stridez"), because a misspelt key silently left at its default would
// train another model than the one asked for.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "latent/trainer_plugin.hpp"

namespace cartography::train {

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Lightning's "int = a count, float = a fraction" arguments (limit_val_batches, val_size,
// val_check_interval).
struct CountOrFraction {
  bool is_count = false;
  double value = 1.0;  // the count (whole) or the fraction in (0, 1]
  // The count it means out of `total` (a fraction rounds down, as Lightning and the reference do).
  int64_t resolve(int64_t total) const;
};

struct TrainConfig {
  // trainer:
  int64_t max_steps = -1;   // optimizer steps of both optimizers (Lightning's global_step); -1: no limit
  int64_t max_epochs = -1;  // -1: no limit (Lightning's default 1000 applies when both are absent)
  CountOrFraction val_check_interval{false, 1.0};  // training batches between validations (or epoch fraction)
  std::optional<int64_t> check_val_every_n_epoch = 1;  // null: val_check_interval counts across epochs
  CountOrFraction limit_val_batches{false, 1.0};       // validation maps per validation
  int64_t log_every_n_steps = 50;
  bool enable_progress_bar = true;
  // seed_everything: an integer, or true/absent (seed 0 unless --seed: see the README)
  std::optional<uint64_t> seed;
  // data:
  int64_t seq_len = 0;
  int64_t batch_size = 0;
  CountOrFraction val_size{true, 1.0};
  // model:
  latent::LatentHyperParams model;
  // The file's text, recorded verbatim in every checkpoint.
  std::string yaml_text;
};

// Parses `text` (from `name`, for messages). Throws ConfigError naming `name`, the key's path and
// the problem.
TrainConfig parse_train_config(const std::string& text, const std::string& name);
// Reads and parses the file at `path`; ConfigError when it cannot be read.
TrainConfig read_train_config(const std::string& path);

}  // namespace cartography::train
