// The files a run writes under --out, in one list: the writers take their paths from here, and
// a run removes every one of them (and their temporaries) before it starts, so --out holds
// exactly this run's files: a Track-A-only run into the folder of an earlier full run leaves no
// Track B or synthesis file behind, and a failed run leaves nothing that looks complete. Files
// this program does not write are never touched.
#pragma once

#include <string>
#include <vector>

namespace cartography::pipeline::out_files {

inline const std::string kIndex = "data/multi_mapper_index.json";
inline const std::string kRegistry = "data/beatmap_registry.json";
inline const std::string kManifest = "data/encoding_manifest.json";
inline const std::string kLatentManifest = "data/latent_manifest.json";
inline const std::string kTrackA = "results/track_a/track_a_results.json";
inline const std::string kTrackB = "results/track_b/track_b_results.json";
inline const std::string kSynthesisV1 = "results/synthesis/synthesis_results.json";
inline const std::string kSynthesisV2 = "results/synthesis/synthesis_v2.json";
// The scientific controls (controls_outputs.hpp), unless --no-controls.
inline const std::string kControlsAgreement = "results/controls/agreement.json";
inline const std::string kControlsLag = "results/controls/lag.json";
inline const std::string kControlsBootstrap = "results/controls/bootstrap_ci.json";
inline const std::string kControlsRandomEncoder = "results/controls/random_encoder.json";
inline const std::string kControlsNullBaseline = "results/controls/null_baseline.json";
inline const std::string kStore = "cartography.h5";
inline const std::string kSummary = "run_summary.json";
inline const std::string kProgress = "progress";  // resume files (kept by --resume)
inline const std::string kReport = "report";      // the report stage's folder (removed whole)
// The report stage's copy of its comparison beside the results: left by an earlier reported run,
// it compared the published numbers with that run's, not this one's.
inline const std::string kReportComparison = "results/comparison_with_published.json";

// Every file above (relative to --out), with the folders they live in.
const std::vector<std::string>& every_file();

// Removes, under out_dir, every file of every_file() and its temporaries (<file>.tmp,
// cartography.h5.partial), the report folder and its comparison copy (and that copy's
// .partial), and (unless keep_progress) the progress folder;
// then the folders of ours that are left empty. Throws std::runtime_error naming the path and
// the OS's reason when something cannot be removed.
void remove_previous_outputs(const std::string& out_dir, bool keep_progress);

// Creates the folders this run writes into (with_latents: Track B and synthesis too;
// with_controls: results/controls). Throws std::runtime_error with the path and the OS's reason.
void create_output_folders(const std::string& out_dir, bool with_latents, bool with_controls);

}  // namespace cartography::pipeline::out_files
