#include "pipeline/fit_latent_job.hpp"

#include <sched.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/mpi.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include "latent/trainer_client.hpp"
#include "pipeline/mpi_gradient_reducer.hpp"
#include "pipeline/pipeline_plugin.hpp"
#include "pipeline/progress_text.hpp"
#include "pipeline/rank_agreement.hpp"
#include "pipeline/run_session.hpp"
#include "train/train_config.hpp"
#include "train/train_loop.hpp"
#include "train/training_data.hpp"

namespace cartography::pipeline {
namespace fs = std::filesystem;
namespace mpi = boost::mpi;

namespace {

// The merged corpus's training windows and validation maps, read from the feature cache.
class CorpusSource final : public train::TrainingSource {
 public:
  CorpusSource(const train::TrainingCorpus& corpus, const train::DataSplit& split, const train::TrainConfig& config,
               uint64_t seed)
      : corpus_(corpus), split_(split), seq_len_(config.seq_len), batch_size_(config.batch_size), seed_(seed) {}

  int64_t batches_per_epoch() const override { return plan(0).batches; }

  void read_batch(int64_t epoch, int64_t batch, int64_t first, int64_t count, float* audio, float* chart,
                  uint64_t* noise_keys) override {
    const train::EpochPlan& p = plan(epoch);
    for (int64_t i = 0; i < count; ++i) {
      const train::WindowRef& w = p.windows[size_t(batch * batch_size_ + first + i)];
      train::read_window(corpus_, w, seq_len_, audio + size_t(i * train::kAudioRows * seq_len_),
                         chart + size_t(i * train::kChartRows * seq_len_));
      noise_keys[i] = train::window_noise_key(corpus_, w, seed_, epoch);
    }
  }

  int64_t validation_maps() const override { return int64_t(split_.val_maps.size()); }

  void read_validation_map(int64_t index, std::vector<float>& audio, std::vector<float>& chart,
                           int64_t& frames) override {
    const int32_t map = split_.val_maps[size_t(index)];
    frames = corpus_.map_frames(size_t(map));
    audio.resize(size_t(train::kAudioRows * frames));
    chart.resize(size_t(train::kChartRows * frames));
    train::read_window(corpus_, {map, 0}, frames, audio.data(), chart.data());
  }

 private:
  // One epoch's plan at a time (the loop goes through the epochs in order).
  const train::EpochPlan& plan(int64_t epoch) const {
    if (!plan_ || plan_epoch_ != epoch) {
      plan_ = train::plan_epoch(corpus_, split_.train_maps, seq_len_, batch_size_, seed_, epoch);
      plan_epoch_ = epoch;
    }
    return *plan_;
  }

  const train::TrainingCorpus& corpus_;
  const train::DataSplit& split_;
  int64_t seq_len_, batch_size_;
  uint64_t seed_;
  mutable std::optional<train::EpochPlan> plan_;
  mutable int64_t plan_epoch_ = -1;
};

// The node's cores shared among its ranks, within this process's affinity mask.
int threads_per_rank(const mpi::communicator& world) {
  MPI_Comm node;
  MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, world.rank(), MPI_INFO_NULL, &node);
  int ranks_on_node = 1;
  MPI_Comm_size(node, &ranks_on_node);
  MPI_Comm_free(&node);
  const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
  int allowed = cores;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) allowed = std::max(1, CPU_COUNT(&set));
  return std::max(1, std::min(allowed, cores / std::max(1, ranks_on_node)));
}

// Rank 0 reads and checks the file; every rank parses the same text.
train::TrainConfig shared_config(const mpi::communicator& world, const FitLatentOptions& opt) {
  const std::string text = decide_on_root(world, [&] {
    const train::TrainConfig c = train::read_train_config(opt.config);
    // Before the featurisation, which may take long.
    if (opt.resume && !fs::exists(train::last_checkpoint_path(opt.out_dir)))
      throw std::runtime_error(train::last_checkpoint_path(opt.out_dir) +
                               ": no checkpoint to resume from (run without --resume)");
    fs::create_directories(opt.out_dir);
    return c.yaml_text;
  });
  return train::parse_train_config(text, opt.config);
}

// Each rank featurises archives i with i % ranks == rank; rank 0 merges and broadcasts.
train::TrainingCorpus shared_corpus(const mpi::communicator& world, const FitLatentOptions& opt,
                                    const std::string& cache_dir, int threads) {
  std::string mine, error;
  try {
    const train::CqtCallback cqt = [threads](const int16_t* s, int64_t n, float* out) {
      latent::TrainerClient::cqt(s, n, out, threads);
    };
    const int rank = world.rank(), ranks = world.size();
    mine = train::serialize_corpus(train::prepare_training_corpus(
        opt.dataset_dir, cache_dir, cqt, [&](size_t i) { return int(i % size_t(ranks)) == rank; }));
  } catch (const std::exception& e) {
    error = e.what();
  }
  share_errors(world, error);
  std::vector<std::string> parts;
  mpi::gather(world, mine, parts, 0);
  const std::string merged = decide_on_root(world, [&] {
    std::vector<train::TrainingCorpus> corpora;
    for (const auto& p : parts) corpora.push_back(train::deserialize_corpus(p));
    return train::serialize_corpus(train::merge_corpora(std::move(corpora)));
  });
  return train::deserialize_corpus(merged);
}

void log_corpus(const train::TrainingCorpus& c, const train::DataSplit& split, const train::TrainConfig& cfg,
                int64_t batches, int ranks) {
  for (const auto& s : c.skips) spdlog::info("skip [{}] {}: {}", s.stage, s.subject, s.reason);
  for (const auto& w : c.warnings) spdlog::warn("{}", w);
  spdlog::info("fit-latent: {} song units, {} maps ({} skipped); songs {} train / {} validation ({} maps)",
               c.units.size(), c.maps.size(), c.skips.size(), c.songs.size() - split.val_songs.size(),
               split.val_songs.size(), split.val_maps.size());
  spdlog::info("fit-latent: {} batches of {} windows of {} frames per epoch, over {} rank(s)", batches,
               cfg.batch_size, cfg.seq_len, ranks);
}

// Rank 0's progress line: "fit-latent: step 120/800 (15.0%), epoch 2, 3.21 steps/s (1.60 batches/s), ETA 3m35s".
train::ProgressFn progress_printer(const train::TrainConfig& cfg, double every_s) {
  auto last = std::make_shared<double>(-1e300);
  const double steps_per_batch = double(std::max(1, cfg.model.critic_steps_per_gen) + 1) /
                                 double(std::max(1, cfg.model.grad_accum_steps));
  return [=](const train::LoopStatus& s) {
    if (s.elapsed_s - *last < every_s) return;
    *last = s.elapsed_s;
    const double rate = s.elapsed_s > 0 ? double(s.batches_this_run) / s.elapsed_s : 0;
    std::string line = "fit-latent: step " + std::to_string(s.global_step);
    if (s.max_steps > 0) {
      char pct[32];
      std::snprintf(pct, sizeof pct, " (%.1f%%)", 100.0 * double(s.global_step) / double(s.max_steps));
      line += "/" + std::to_string(s.max_steps) + pct;
    }
    char tail[96];
    std::snprintf(tail, sizeof tail, ", epoch %lld, %.2f steps/s (%.2f batches/s)", static_cast<long long>(s.epoch),
                  rate * steps_per_batch, rate);
    line += tail;
    if (s.max_steps > 0 && rate > 0)
      line += ", ETA " + format_duration(double(s.max_steps - s.global_step) / steps_per_batch / rate);
    if (s.last_val_l2 >= 0) line += ", val/l2_rec " + std::to_string(s.last_val_l2);
    spdlog::info("{}", line);
  };
}

}  // namespace

FitLatentResult fit_latent_in_session(const mpi::communicator& world, const FitLatentOptions& opt) {
  train::TrainConfig cfg = shared_config(world, opt);
  if (opt.max_steps > 0) cfg.max_steps = opt.max_steps;
  const uint64_t seed = opt.seed ? *opt.seed : cfg.seed.value_or(0);
  const int threads = opt.threads > 0 ? opt.threads : opt.deterministic ? 1 : threads_per_rank(world);
  if (cfg.batch_size < world.size())  // the loop refuses it too; here before the featurisation
    throw SharedFailure(opt.config + ": data.batch_size = " + std::to_string(cfg.batch_size) + " is below the " +
                        std::to_string(world.size()) + " ranks: every rank needs a window of each batch");
  const std::string cache_dir = opt.cache_dir.empty() ? (fs::path(opt.out_dir) / "cache").string() : opt.cache_dir;

  const train::TrainingCorpus corpus = shared_corpus(world, opt, cache_dir, threads);
  if (corpus.maps.empty())
    throw SharedFailure(opt.dataset_dir + ": no training data: none of its " + std::to_string(corpus.archives) +
                        " archives has a usable osu!standard map (" + std::to_string(corpus.skips.size()) +
                        " skipped" + (corpus.skips.empty() ? "" : ": " + corpus.skips.front().subject + ": " +
                                                                      corpus.skips.front().reason + ", ...") + ")");
  train::DataSplit split;
  try {  // the same on every rank: it depends on the broadcast corpus and the seed only
    split = train::split_by_song(corpus, cfg.val_size.value, seed);
  } catch (const std::exception& e) {
    throw SharedFailure(opt.dataset_dir + ": " + e.what());
  }
  CorpusSource source(corpus, split, cfg, seed);
  if (world.rank() == 0) log_corpus(corpus, split, cfg, source.batches_per_epoch(), world.size());

  latent::TrainerOptions topt;
  topt.hp = cfg.model;
  topt.seed = seed;
  topt.force_cpu = opt.force_cpu ? 1 : 0;
  topt.device_index = -1;  // node-local rank modulo the devices
  topt.threads = threads;
  std::unique_ptr<latent::TrainerClient> client;
  std::string error;
  try {
    client = std::make_unique<latent::TrainerClient>(topt);
  } catch (const std::exception& e) {
    error = e.what();
  }
  share_errors(world, error);

  train::LoopOptions lopt;
  lopt.config = cfg;
  lopt.out_dir = opt.out_dir;
  lopt.seed = seed;
  lopt.resume = opt.resume;
  lopt.checkpoint_every = opt.checkpoint_every;
  lopt.check_weights_every = opt.check_weights_every;
  lopt.deterministic = opt.deterministic;
  MpiGradientReducer reducer(world);
  const train::ProgressFn progress =
      world.rank() == 0 ? progress_printer(cfg, opt.progress_seconds) : train::ProgressFn();
  const train::LoopResult r = train::run_train_loop(client->trainer(), source, reducer, lopt, progress);

  FitLatentResult result;
  result.last_checkpoint = train::last_checkpoint_path(opt.out_dir);
  if (r.best_val_l2 >= 0) result.best_checkpoint = train::best_checkpoint_path(opt.out_dir);
  result.global_step = r.global_step;
  result.best_val_l2 = r.best_val_l2;
  if (world.rank() == 0) {
    const std::string best = result.best_checkpoint.empty()
                                 ? "no validation ran"
                                 : "best val/l2_rec " + std::to_string(r.best_val_l2) + ": " + result.best_checkpoint;
    spdlog::info("fit-latent: done at global step {} (epoch {}); {}; last: {}", r.global_step, r.epoch, best,
                 result.last_checkpoint);
  }
  return result;
}

int fit_latent(const FitLatentOptions& opt) {
  mpi::environment env(mpi::threading::single, true);
  mpi::communicator world;
  set_rank_log_pattern(world);
  try {
    fit_latent_in_session(world, opt);
    return 0;
  } catch (const SharedFailure& e) {
    if (world.rank() == 0) spdlog::error("fit-latent failed: {}", e.what());
    return 1;
  } catch (const std::exception& e) {
    spdlog::error("fit-latent failed: {}", e.what());
    // One rank's failure must not leave the others waiting in a collective.
    if (world.size() > 1) world.abort(1);
    return 1;
  }
}

}  // namespace cartography::pipeline

#define CARTO_EXPORT __attribute__((visibility("default")))

extern "C" CARTO_EXPORT int cartography_pipeline_fit_latent(
    const cartography::pipeline::PipelineFitLatentOptions* options) {
  try {
    if (!options) throw std::invalid_argument("cartography_pipeline_fit_latent: no options");
    return cartography::pipeline::fit_latent(cartography::pipeline::from_plugin_options(*options));
  } catch (const std::exception& e) {  // nothing is thrown across the plugin boundary
    spdlog::error("fit-latent failed: {}", e.what());
    return 1;
  }
}
