#include "cli/job_file.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>

namespace cartography::cli {
namespace fs = std::filesystem;

namespace {

const std::set<std::string> kKeys = {"dataset", "out", "checkpoint", "latent", "seed", "group_by",
                                     "resume", "cpu", "progress_seconds", "audio_match", "name", "description"};

std::string resolve(const fs::path& base, const std::string& p) {
  if (p.empty() || p == "none" || fs::path(p).is_absolute()) return p;
  return (base / p).lexically_normal().string();
}

template <typename T>
void read(const YAML::Node& job, const char* key, T& out, const std::string& path) {
  if (!job[key]) return;
  try {
    out = job[key].as<T>();
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(path + ": key '" + key + "': " + e.msg);
  }
}

}  // namespace

pipeline::RunOptions merge_job_file(const std::string& path, const pipeline::RunOptions& cli, const CLI::App& app) {
  YAML::Node job;
  try {
    job = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    throw std::runtime_error("job file " + path + ": " + e.what());
  }
  if (!job.IsMap()) throw std::runtime_error("job file " + path + ": expected a mapping of options");
  for (const auto& kv : job) {
    auto key = kv.first.as<std::string>();
    if (!kKeys.count(key)) throw std::runtime_error("job file " + path + ": unknown key '" + key + "'");
  }
  const fs::path base = fs::absolute(path).parent_path();
  pipeline::RunOptions o;
  read(job, "dataset", o.dataset_dir, path);
  read(job, "out", o.out_dir, path);
  read(job, "checkpoint", o.checkpoint, path);
  read(job, "latent", o.latent, path);
  read(job, "seed", o.seed, path);
  read(job, "group_by", o.group_by, path);
  read(job, "resume", o.resume, path);
  read(job, "audio_match", o.audio_match, path);
  read(job, "cpu", o.force_cpu, path);
  read(job, "progress_seconds", o.progress_seconds, path);
  o.dataset_dir = resolve(base, o.dataset_dir);
  o.out_dir = resolve(base, o.out_dir);
  o.checkpoint = resolve(base, o.checkpoint);
  if (o.latent != "mean" && o.latent != "sample")
    throw std::runtime_error("job file " + path + ": latent must be mean or sample");
  if (o.audio_match != "case-insensitive" && o.audio_match != "reference")
    throw std::runtime_error("job file " + path + ": audio_match must be case-insensitive or reference");

  auto given = [&](const char* name) { return app.count(name) > 0; };
  if (given("dataset_dir")) o.dataset_dir = cli.dataset_dir;
  if (given("--out")) o.out_dir = cli.out_dir;
  if (given("--checkpoint")) o.checkpoint = cli.checkpoint;
  if (given("--latent")) o.latent = cli.latent;
  if (given("--seed")) o.seed = cli.seed;
  if (given("--group-by")) o.group_by = cli.group_by;
  if (given("--resume")) o.resume = cli.resume;
  if (given("--audio-match")) o.audio_match = cli.audio_match;
  if (given("--cpu")) o.force_cpu = cli.force_cpu;
  if (given("--progress-seconds")) o.progress_seconds = cli.progress_seconds;
  o.job_file = fs::absolute(path).string();
  return o;
}

std::string default_dataset_dir() { return std::string(CARTOGRAPHY_SOURCE_DIR) + "/tests/data/corpus_small"; }

std::string default_checkpoint() {
  return std::string(CARTOGRAPHY_SOURCE_DIR) + "/checkpoints/vae_small_UNTRAINED_random_weights.ckpt";
}

}  // namespace cartography::cli
