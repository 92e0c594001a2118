#include "pipeline/out_dir.hpp"

#include <filesystem>
#include <stdexcept>

namespace cartography::pipeline::out_files {
namespace fs = std::filesystem;

namespace {

void remove_path(const fs::path& p, bool recursive) {
  std::error_code ec;
  if (recursive) fs::remove_all(p, ec);
  else fs::remove(p, ec);
  if (ec) throw std::runtime_error("cannot remove " + p.string() + " (an output of an earlier run): " + ec.message());
}

// A folder of ours with nothing left in it (a user's file inside keeps it).
void remove_if_empty(const fs::path& p) {
  std::error_code ec;
  if (fs::is_directory(p, ec) && fs::is_empty(p, ec)) fs::remove(p, ec);
}

}  // namespace

const std::vector<std::string>& every_file() {
  static const std::vector<std::string> files = {
      kIndex,         kRegistry,          kManifest,          kLatentManifest,        kTrackA,
      kTrackB,        kSynthesisV1,       kSynthesisV2,       kControlsAgreement,     kControlsLag,
      kControlsBootstrap, kControlsRandomEncoder, kControlsNullBaseline, kStore, kSummary};
  return files;
}

void remove_previous_outputs(const std::string& out_dir, bool keep_progress) {
  const fs::path out(out_dir);
  for (const std::string& f : every_file()) {
    remove_path(out / f, false);
    remove_path(out / (f + ".tmp"), false);
  }
  remove_path(out / (kStore + ".partial"), false);
  remove_path(out / kReport, true);
  remove_path(out / kReportComparison, false);
  remove_path(out / (kReportComparison + ".partial"), false);
  if (!keep_progress) remove_path(out / kProgress, true);
  for (const char* folder : {"results/track_a", "results/track_b", "results/synthesis", "results/controls", "results",
                             "data"})
    remove_if_empty(out / folder);
}

void create_output_folders(const std::string& out_dir, bool with_latents, bool with_controls) {
  std::vector<std::string> folders = {"data", "results/track_a"};
  if (with_latents) folders.insert(folders.end(), {"results/track_b", "results/synthesis"});
  if (with_controls) folders.push_back("results/controls");
  for (const std::string& f : folders) {
    std::error_code ec;
    fs::create_directories(fs::path(out_dir) / f, ec);
    if (ec) throw std::runtime_error("cannot create " + (fs::path(out_dir) / f).string() + ": " + ec.message());
  }
  // A link at data/ or results/ (planted, or left by someone) sent the run's files into another
  // folder: the run writes only inside --out.
  for (const char* folder :
       {"data", "results", "results/track_a", "results/track_b", "results/synthesis", "results/controls"}) {
    std::error_code ec;
    if (fs::is_symlink(fs::symlink_status(fs::path(out_dir) / folder, ec)))
      throw std::runtime_error((fs::path(out_dir) / folder).string() +
                               " is a symbolic link: a run writes only into folders of its own under --out");
  }
}

}  // namespace cartography::pipeline::out_files
