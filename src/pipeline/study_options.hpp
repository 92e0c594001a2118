// What `cartography run` was asked to do, typed: one StudyOptions, filled from one table of
// options by one parser, whatever the source (a command-line flag or a key of a YAML job file),
// so the same text is accepted or refused the same way everywhere and every error names where
// the value came from ("--group-by: ..." or "job.yaml: key 'group_by': ..."). A plain value
// handed to the pipeline plugin: no MPI, HDF5 or torch types here.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "catalog/choices.hpp"

namespace cartography::pipeline {

enum class LatentMode { Mean, Sample };  // posterior mean (deterministic) or a seeded draw
enum class Device { Auto, Cpu };         // Auto: the node-local GPU when CUDA is there

struct StudyOptions {
  std::string dataset_dir;  // folder of .osz archives (not recursive)
  std::string out_dir;      // results root: data/, results/, cartography.h5
  std::string checkpoint;   // latent-model checkpoint; empty = Track A only (after finalize())
  bool track_a_only = false;  // "--checkpoint none", --track-a-only, `track_a_only: true`
  LatentMode latent = LatentMode::Mean;
  uint64_t seed = 0;  // for LatentMode::Sample
  catalog::GroupBy group_by = catalog::GroupBy::SetCreator;
  catalog::AudioMatch audio_match = catalog::AudioMatch::CaseInsensitive;
  bool resume = false;  // reuse the groups saved under <out>/progress/ whose fingerprint matches
  Device device = Device::Auto;
  double progress_seconds = 10;  // rank 0 prints progress at most this often
  bool report = true;            // the report stage after the run (--no-report / `report: false`)
  std::string job_file;          // provenance: the YAML job this run came from, if any
  // Scientific controls (results/controls/, README "Controls"); --seed seeds all of them.
  bool controls = true;          // --no-controls / `controls: false`
  int64_t control_seeds = 3;     // random-weight encoders of the checkpoint's architecture (0: none)
  int64_t control_songs = 20;    // the random-encoder control runs on at most this many songs
  int64_t bootstrap = 1000;      // bootstrap resamples of songs for the intervals (0: no intervals)
  double ci_level = 0.95;        // two-sided level of every interval
};

// Upper bounds of the control options (a larger value is a typo, or a run that never ends).
inline constexpr int64_t kMaxControlSeeds = 64;
inline constexpr int64_t kMaxBootstrap = 1000000;

// The pipeline plugin's entry takes this name.
using RunOptions = StudyOptions;

// A seed's text: decimal digits only, 0 to 2^64 - 1 (`-1` and `1e3` used to wrap or truncate).
// Throws std::invalid_argument saying so. Also used by `synth --seed`.
uint64_t unsigned_integer(const std::string& value);

std::string to_string(LatentMode v);
std::string to_string(Device v);
std::string to_string(catalog::GroupBy v);
std::string to_string(catalog::AudioMatch v);

// An option that cannot be accepted; the message starts with its source.
struct OptionError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One row of the table of options.
struct OptionSpec {
  const char* key;   // job-file key, e.g. "group_by"
  const char* flag;  // command-line name, e.g. "--group-by"; "dataset_dir" is the positional
  const char* help;
  bool is_flag;           // a command-line switch with no value ...
  const char* flag_value;  // ... standing for this value ("true", or "false" for --no-report)
  bool is_path;           // relative values in a job file are relative to the job file's folder
  void (*set)(StudyOptions&, const std::string& value);  // throws std::invalid_argument
};

// Every option, in --help order. Keys absent here are refused in job files, except the
// informational "name" and "description".
const std::vector<OptionSpec>& option_table();
const OptionSpec* find_option(const std::string& key);
bool is_informational_key(const std::string& key);

// Where each option's value came from (key -> "--flag" or "file: key 'k'"), for messages.
using OptionSources = std::map<std::string, std::string>;

// Parses `value` for `spec` into `options`; on refusal throws OptionError "<source>: <why>".
void set_option(StudyOptions& options, const OptionSpec& spec, const std::string& value, const std::string& source,
                OptionSources& sources);

// After every source is applied: the bundled dataset/checkpoint when none was named, Track A
// only when asked, then the checks that need the file system (out given; the dataset a folder;
// the checkpoint a regular file: a FIFO or a device would hang or be read forever). Throws
// OptionError naming the option's source.
void finalize(StudyOptions& options, const OptionSources& sources, const std::string& default_dataset,
              const std::string& default_checkpoint);

// Longest accepted text value of an option (a path or a name), in bytes.
constexpr size_t kMaxOptionBytes = 4096;

}  // namespace cartography::pipeline
