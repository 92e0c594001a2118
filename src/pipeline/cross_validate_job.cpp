// `cartography cross-validate` (cross_validation.hpp): in one MPI session, the multi-mapper
// index of the dataset, the split into the 2-mapper training songs and the 3+-mapper test songs
// (folders of links under <out>/subsets/), the full-data and the held-out (cv) models (trained
// by fit-latent, or given), then the study three times (run_session.hpp's run_in_session):
//   <out>/runs/original      the full-data model on the whole dataset (the seed's "original")
//   <out>/runs/cv_test       the cv model on the test songs
//   <out>/runs/full_on_test  the full-data model on the test songs (the fair comparison)
// and rank 0 writes <out>/cv_comparison.json and <out>/track_b_cv.json from their Track B
// results. Those two files are written last: a failed job leaves neither.
#include <spdlog/spdlog.h>

#include <boost/mpi.hpp>
#include <filesystem>

#include "pipeline/cross_validation.hpp"
#include "pipeline/fit_latent_job.hpp"
#include "pipeline/out_dir.hpp"
#include "pipeline/pipeline_plugin.hpp"
#include "pipeline/rank_agreement.hpp"
#include "pipeline/run_session.hpp"

namespace cartography::pipeline {
namespace fs = std::filesystem;
namespace mpi = boost::mpi;

namespace {

struct CvLayout {
  std::string out;
  std::string path(const std::string& relative) const { return (fs::path(out) / relative).string(); }
  std::string train_subset() const { return path("subsets/cv_train"); }
  std::string test_subset() const { return path("subsets/test"); }
  std::string full_model() const { return path("full"); }
  std::string cv_model() const { return path("cv"); }
  std::string feature_cache() const { return path("cache"); }  // content-keyed: both trainings share it
  std::string run(const std::string& name) const { return path("runs/" + name); }
  std::string comparison() const { return path("cv_comparison.json"); }
  std::string track_b_cv() const { return path("track_b_cv.json"); }
};

// The latent model trained by fit-latent on the archives of dataset_dir, into out_dir; returns
// the checkpoint the runs use: the best by val/l2_rec, as the seed analysed its ModelCheckpoint's
// (save_top_k: 1), or the last one when no validation ran. Collective; a failure is thrown on
// every rank.
std::string train_latent(const mpi::communicator& world, const std::string& dataset_dir, const std::string& out_dir,
                         const CvLayout& layout, const CrossValidateOptions& opt) {
  FitLatentOptions fit;
  fit.dataset_dir = dataset_dir;
  fit.config = opt.config;
  fit.out_dir = out_dir;
  fit.cache_dir = layout.feature_cache();
  fit.max_steps = opt.max_steps;
  if (opt.seed_given) fit.seed = opt.run.seed;
  fit.progress_seconds = opt.run.progress_seconds;
  fit.force_cpu = opt.run.device == Device::Cpu;
  // Its JSON must not depend on the rank count, so neither may the models.
  fit.deterministic = true;
  const FitLatentResult r = fit_latent_in_session(world, fit);
  return r.best_checkpoint.empty() ? r.last_checkpoint : r.best_checkpoint;
}

std::string checkpoint_for(const mpi::communicator& world, const std::string& given, const std::string& what,
                           const std::string& dataset_dir, const std::string& out_dir, const CvLayout& layout,
                           const CrossValidateOptions& opt) {
  if (!given.empty()) return given;
  if (world.rank() == 0) spdlog::info("cross-validate: training the {} model on {} into {}", what, dataset_dir, out_dir);
  return train_latent(world, dataset_dir, out_dir, layout, opt);
}

// One run of the study; false when it failed (every rank learns it from run_in_session).
bool run_study(const mpi::communicator& world, const CrossValidateOptions& opt, const std::string& dataset_dir,
               const std::string& checkpoint, const std::string& out_dir) {
  StudyOptions run = opt.run;
  run.dataset_dir = dataset_dir;
  run.out_dir = out_dir;
  run.checkpoint = checkpoint;
  run.track_a_only = false;
  run.resume = false;
  run.report = false;
  if (world.rank() == 0) spdlog::info("cross-validate: run on {} with {} into {}", dataset_dir, checkpoint, out_dir);
  return run_in_session(world, run) == 0;
}

// How track_b_cv.json names the cv model: a given file by its name (the seed's
// "epoch=3-step=37996.ckpt"), a trained one by its path under --out ("cv/checkpoints/best.ckpt").
std::string checkpoint_name(const std::string& used, const std::string& given) {
  return given.empty() ? (fs::path("cv") / "checkpoints" / fs::path(used).filename()).string()
                       : fs::path(used).filename().string();
}

std::string track_b_of(const CvLayout& layout, const std::string& run) {
  return (fs::path(layout.run(run)) / out_files::kTrackB).string();
}

int cross_validate_on(const mpi::communicator& world, const CrossValidateOptions& opt) {
  const CvLayout layout{opt.run.out_dir};
  // The result files of an earlier job go first, so a failure leaves none that looks like this
  // job's; then the split, decided by rank 0 from the index every rank built together.
  decide_on_root(world, [&] {
    for (const std::string& f : {layout.comparison(), layout.track_b_cv()}) fs::remove(f);
    return std::string();
  });
  const RunIndex index = index_in_session(world, opt.run.dataset_dir, opt.run.group_by);
  cv::CvSplit split;
  decide_on_root(world, [&] {
    split = cv::split_by_mapper_count(index.plan.groups);
    cv::make_subset_folder(layout.train_subset(), opt.run.dataset_dir, split.train_archives);
    cv::make_subset_folder(layout.test_subset(), opt.run.dataset_dir, split.test_archives);
    spdlog::info("cross-validate: {} songs ({} archives) with two mappers train the cv model; {} songs ({} "
                 "archives) with three or more test it",
                 split.train_songs, split.train_archives.size(), split.test_songs, split.test_archives.size());
    return std::string();
  });

  const std::string full_ckpt = checkpoint_for(world, opt.full_checkpoint, "full-data", opt.run.dataset_dir,
                                               layout.full_model(), layout, opt);
  const std::string cv_ckpt = checkpoint_for(world, opt.cv_checkpoint, "cross-validation", layout.train_subset(),
                                             layout.cv_model(), layout, opt);

  if (!run_study(world, opt, opt.run.dataset_dir, full_ckpt, layout.run("original")) ||
      !run_study(world, opt, layout.test_subset(), cv_ckpt, layout.run("cv_test")) ||
      !run_study(world, opt, layout.test_subset(), full_ckpt, layout.run("full_on_test")))
    return 1;

  decide_on_root(world, [&] {
    const cv::TrackB original = cv::read_track_b(track_b_of(layout, "original"));
    const cv::TrackB cv_test = cv::read_track_b(track_b_of(layout, "cv_test"));
    const cv::TrackB full_on_test = cv::read_track_b(track_b_of(layout, "full_on_test"));
    const io::Json comparison = cv::cv_comparison_json(original, cv_test, full_on_test, split);
    io::write_json_file(layout.track_b_cv(), cv::track_b_cv_json(cv_test, checkpoint_name(cv_ckpt, opt.cv_checkpoint)));
    io::write_json_file(layout.comparison(), comparison);
    spdlog::info("cross-validate: cv {:.4f} vs original {:.4f}: {}", cv_test.json.at("full_cosine_mean").get<double>(),
                 original.json.at("full_cosine_mean").get<double>(),
                 comparison.at("delta").at("verdict").get<std::string>());
    return std::string();
  });
  return 0;
}

int cross_validate_pipeline(const CrossValidateOptions& opt) {
  mpi::environment env(mpi::threading::single, true);
  mpi::communicator world;
  set_rank_log_pattern(world);
  try {
    return cross_validate_on(world, opt);
  } catch (const SharedFailure& e) {
    if (world.rank() == 0) spdlog::error("cross-validate failed: {}", e.what());
    return 1;
  } catch (const std::exception& e) {
    spdlog::error("cross-validate failed: {}", e.what());
    if (world.size() > 1) world.abort(1);  // the others may wait in a collective
    return 1;
  }
}

}  // namespace
}  // namespace cartography::pipeline

#define CARTO_EXPORT __attribute__((visibility("default")))

extern "C" CARTO_EXPORT int cartography_pipeline_cross_validate(
    const cartography::pipeline::PipelineCrossValidateOptions* options) {
  try {
    if (!options) throw std::invalid_argument("cartography_pipeline_cross_validate: no options");
    return cartography::pipeline::cross_validate_pipeline(cartography::pipeline::from_plugin_options(*options));
  } catch (const std::exception& e) {  // nothing is thrown across the plugin boundary
    spdlog::error("cross-validate failed: {}", e.what());
    return 1;
  }
}
