// The report stage: figures, the self-contained HTML report, the headline tables and run-vs-run
// comparison, from a finished run's files only (cartography.h5, the JSON, run_summary.json), so it
// also works on a run copied off a cluster. The drawing is done by the Python script shipped beside
// this file (matplotlib for PNG/SVG, d3 inlined into the page); this is its C++ entry point.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace cartography::report {

// A run that cannot be reported on (missing, unfinished, unreadable), or a missing tool (Python,
// matplotlib, h5py, d3); the message names the file and the reason. At the end of `run` it is a
// warning: the run's results are complete without the report.
struct ReportError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ReportResult {
  std::filesystem::path out_dir;          // holds index.html, the PNG/SVG figures, the comparison
  std::filesystem::path index_html;
  std::filesystem::path comparison_json;  // this run beside reference_results/
  std::vector<std::filesystem::path> figures;  // the PNGs (an SVG beside each)
};

// Writes the report of `run_dir` into `out_dir` (default `<run_dir>/report`; then the comparison
// is also written as `<run_dir>/results/comparison_with_published.json`). The folder appears
// complete or not at all. Throws ReportError.
ReportResult write_report(const std::filesystem::path& run_dir, const std::filesystem::path& out_dir = {});

// The text tables printed at the end of `cartography run`: Track A per dimension with category,
// Track B summary, strongest synthesis links, and (when given) where the report is. Throws ReportError.
std::string headline_tables(const std::filesystem::path& run_dir, const std::filesystem::path& report_index = {});

// Every statistic of two runs side by side on stdout (differences only unless `show_all`), and as
// JSON in `out_json` when given. Returns 0 when every statistic agrees within `tolerance`
// (relative for values beyond 1, absolute below), 1 when any differs. Throws ReportError.
int compare_runs(const std::filesystem::path& run_a, const std::filesystem::path& run_b, double tolerance,
                 const std::filesystem::path& out_json = {}, bool show_all = false);

// Where the stage's script and the published results are found: $CARTOGRAPHY_REPORT_DIR, then
// <executable>/../share/cartography/report (installed), then the source tree.
std::filesystem::path script_dir();
std::filesystem::path published_dir();

}  // namespace cartography::report
