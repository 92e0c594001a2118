// `cartography cross-validate` without MPI (the job is cross_validate_job.cpp): which archives
// train the held-out model and which songs test it, the subset folders the runs read, and the
// two result files composed from the runs' Track B results.
//
// The seed's split (docs/cross_validation.html: "579 mapsets from 2-mapper song groups",
// "271 mapsets from 3+ mapper song groups"): the archives of the songs that exactly two distinct
// mappers charted train the cross-validation (cv) model; the songs with three or more mappers
// are the test songs, never seen by that model. Songs with one mapper are in neither (as in the
// seed, whose 850 mapsets were all in multi-mapper songs).
//
// The verdict (the seed printed one without saying when): the finding HOLDS when the cv model's
// mean latent cosine on the test songs is at most kVerdictDropPercent % below the baseline's
// (cosine_percent >= -5); otherwise it does not. delta compares with "original" (the full-data
// model on every multi-mapper song: the seed's comparison); delta_vs_full_on_test compares with
// the full-data model on the same test songs (the fair one: same songs, only the model differs).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "catalog/index.hpp"
#include "io/json.hpp"

namespace cartography::pipeline::cv {

struct CvError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CvSplit {
  std::vector<std::string> train_archives;  // file names in the dataset folder, byte order
  std::vector<std::string> test_archives;
  size_t train_songs = 0, test_songs = 0;
};

// From the multi-mapper index (catalog::build_index, any grouping). Throws CvError saying why
// when no song has exactly two mappers (nothing to train on) or none has three or more (nothing
// to test on).
CvSplit split_by_mapper_count(const std::vector<catalog::SongGroup>& groups);

// Makes `folder` hold exactly one symbolic link per name, to the absolute path of
// dataset_dir/name (an earlier subset folder there is replaced; the archives are never touched).
// Throws CvError naming the path and the OS's reason, or the entry when `folder` holds anything
// but links (not an earlier subset folder: nothing is deleted).
void make_subset_folder(const std::string& folder, const std::string& dataset_dir,
                        const std::vector<std::string>& names);

inline constexpr double kVerdictDropPercent = 5.0;
inline constexpr const char* kHolds = "\u2713 HOLDS \u2014 generalization confirmed";
inline constexpr const char* kDoesNotHold =
    "\u2717 DOES NOT HOLD \u2014 mean latent cosine more than 5% lower on held-out songs";

// One run's results/track_b/track_b_results.json, with its path for messages.
struct TrackB {
  std::string path;
  io::Json json;
};

// Throws CvError naming the file when it is missing or not JSON, or when the run compared no
// pair (its full_cosine_mean is null: nothing to compare).
TrackB read_track_b(const std::string& path);

// {full_cosine_mean, top_dim, top_pearson, pairs, songs} of one Track B result. Throws CvError
// naming the file and the missing field.
io::Json comparison_block(const TrackB& track_b);
// {cosine_absolute (cv - baseline), cosine_percent (x100 / |baseline|), verdict} of two blocks.
// A baseline of exactly 0 has no relative change: cosine_percent is null and the finding holds
// when cosine_absolute >= 0.
io::Json cosine_delta(const io::Json& baseline, const io::Json& cv);

// cv_comparison.json: original, cv_test, delta (the seed's schema), then full_model_on_test,
// delta_vs_full_on_test, the split's sizes and the verdict rule.
io::Json cv_comparison_json(const TrackB& original, const TrackB& cv_test, const TrackB& full_on_test,
                            const CvSplit& split);

// track_b_cv.json (the seed's docs/data/track_b_cv.json): the cv model's Track B on the test
// songs; `checkpoint` is the cv checkpoint's file name.
io::Json track_b_cv_json(const TrackB& cv_test, const std::string& checkpoint);

}  // namespace cartography::pipeline::cv
