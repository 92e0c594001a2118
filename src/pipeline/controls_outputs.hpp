// Rank 0's files of the scientific controls, results/controls/*.json (schemas: README
// "Controls"), from the records of every group gathered in song_group_idx order, so they are
// byte-identical for any number of ranks. Every interval is a percentile bootstrap over songs
// (song_stats.hpp) seeded with --seed, --bootstrap resamples at --ci-level.
//   agreement.json       onset F-measure per pair (±50 ms), ICC(2,1) and Krippendorff's α per dim
//   lag.json             best lag within ±100 ms per pair: per-dim r at best vs zero lag, lags per song
//   random_encoder.json  trained vs random-weight encoders (Track B, synthesis), learned − random,
//                        and the verdict on "latent agreement exceeds raw agreement"
//   bootstrap_ci.json    intervals of every summary statistic (Track A, Track B, synthesis v1)
//   null_baseline.json   real vs cross-song pairs (write_null_baseline, after the null phase)
#pragma once

#include <string>
#include <vector>

#include "io/json.hpp"
#include "pipeline/group_job.hpp"
#include "pipeline/group_statistics.hpp"
#include "pipeline/null_baseline.hpp"
#include "pipeline/song_stats.hpp"
#include "pipeline/study_options.hpp"

namespace cartography::pipeline {

IntervalSpec interval_spec(const RunOptions& opt);

// The JSON of each file (pure: the unit tests call these).
io::Json agreement_json(const ControlRecords& c, const IntervalSpec& spec);
io::Json lag_json(const ControlRecords& c, const IntervalSpec& spec);
// `outcomes`: every group in song_group_idx order (it says which beatmap record is whose song).
io::Json bootstrap_ci_json(const std::vector<GroupOutcome>& outcomes, const GroupRecords& merged,
                           const IntervalSpec& spec);
io::Json random_encoder_json(const std::vector<GroupOutcome>& outcomes, const GroupRecords& merged,
                             int64_t encoders, const IntervalSpec& spec);
io::Json null_baseline_json(const GroupRecords& merged, const NullRecords& nulls, const IntervalSpec& spec);

// The verdict line printed after a run, only where it holds against the control (else empty).
std::string random_encoder_verdict(const io::Json& random_encoder);

// The song of every beatmap (synthesis) record of `merged`, from the outcomes' map counts.
std::vector<int64_t> beatmap_songs(const std::vector<GroupOutcome>& outcomes, size_t beatmaps);

// Writes agreement, lag and bootstrap_ci (and random_encoder with a checkpoint) when
// opt.controls; prints the verdict where it holds.
void write_controls_outputs(const RunOptions& opt, const std::vector<GroupOutcome>& outcomes,
                            const GroupRecords& merged);
void write_null_baseline(const RunOptions& opt, const GroupRecords& merged, const NullRecords& nulls);

}  // namespace cartography::pipeline
