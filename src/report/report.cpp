#include "report/report.hpp"

#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "report/child_process.hpp"

namespace cartography::report {
namespace fs = std::filesystem;

namespace {

constexpr const char* kScript = "report_main.py";
// Exit codes of the script: 3 = the run cannot be reported on, 4 = a Python module is missing.
constexpr int kRunRefused = 3;

fs::path executable_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path{} : exe.parent_path();
}

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

// The first folder of `candidates` holding `marker`.
fs::path first_with(const std::vector<fs::path>& candidates, const fs::path& marker, const char* what) {
  for (const auto& dir : candidates)
    if (!dir.empty() && fs::exists(dir / marker)) return dir;
  std::string tried;
  for (const auto& dir : candidates)
    if (!dir.empty()) tried += " " + dir.string();
  throw ReportError(std::string(what) + " not found (looked in:" + tried + ")");
}

// System Python first: it has Debian's matplotlib and h5py, which a user's own Python may lack.
std::string python() {
  if (const char* p = env("CARTOGRAPHY_PYTHON")) return p;
  return ::access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

ChildResult run_script(std::vector<std::string> args, bool capture_out) {
  args.insert(args.begin(), {python(), (script_dir() / kScript).string()});
  ChildResult r;
  try {
    r = run_child(args, capture_out, true);
  } catch (const std::exception& e) {
    throw ReportError(std::string("report: ") + e.what() + " (set CARTOGRAPHY_PYTHON to a Python 3)");
  }
  return r;
}

[[noreturn]] void fail(const ChildResult& r, const std::string& what) {
  std::string msg = r.err;
  while (!msg.empty() && msg.back() == '\n') msg.pop_back();
  if (msg.rfind("error: ", 0) == 0) msg = msg.substr(7);
  throw ReportError(what + ": " + (msg.empty() ? "exit status " + std::to_string(r.exit_code) : msg));
}

}  // namespace

fs::path script_dir() {
  std::vector<fs::path> candidates;
  if (const char* d = env("CARTOGRAPHY_REPORT_DIR")) candidates.emplace_back(d);
  if (auto exe = executable_dir(); !exe.empty()) candidates.push_back(exe.parent_path() / "share/cartography/report");
  candidates.push_back(fs::path(CARTOGRAPHY_SOURCE_DIR) / "src/report");
  return first_with(candidates, kScript, "the report script report_main.py");
}

fs::path published_dir() {
  std::vector<fs::path> candidates;
  if (const char* d = env("CARTOGRAPHY_PUBLISHED_DIR")) candidates.emplace_back(d);
  if (auto exe = executable_dir(); !exe.empty())
    candidates.push_back(exe.parent_path() / "share/cartography/reference_results");
  candidates.push_back(fs::path(CARTOGRAPHY_SOURCE_DIR) / "reference_results");
  return first_with(candidates, "track_a.json", "the published results (reference_results/)");
}

ReportResult write_report(const fs::path& run_dir, const fs::path& out_dir) {
  std::vector<std::string> args = {"report", run_dir.string(), "--reference", published_dir().string()};
  if (!out_dir.empty()) {
    args.insert(args.end(), {"--out", out_dir.string()});
  } else {
    args.insert(args.end(), {"--comparison-copy", (run_dir / "results/comparison_with_published.json").string()});
  }
  ChildResult r = run_script(args, true);
  if (r.exit_code != 0) fail(r, "report of " + run_dir.string());
  // The script's stdout is one "<kind> <path>" line per file written.
  ReportResult result;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    auto space = line.find(' ');
    if (space == std::string::npos) continue;
    std::string kind = line.substr(0, space);
    fs::path path = line.substr(space + 1);
    if (kind == "figure") result.figures.push_back(path);
    if (kind == "comparison") result.comparison_json = path;
    if (kind == "index") result.index_html = path;
  }
  if (result.index_html.empty()) fail(r, "report of " + run_dir.string() + ": the script named no index.html");
  result.out_dir = result.index_html.parent_path();
  return result;
}

std::string headline_tables(const fs::path& run_dir, const fs::path& report_index) {
  std::vector<std::string> args = {"tables", run_dir.string()};
  if (!report_index.empty()) args.insert(args.end(), {"--report", report_index.string()});
  ChildResult r = run_script(args, true);
  if (r.exit_code != 0) fail(r, "tables of " + run_dir.string());
  return r.out;
}

int compare_runs(const fs::path& run_a, const fs::path& run_b, double tolerance, const fs::path& out_json,
                 bool show_all) {
  std::ostringstream tol;
  tol.precision(17);
  tol << tolerance;
  std::vector<std::string> args = {"compare", run_a.string(), run_b.string(), "--tol", tol.str()};
  if (!out_json.empty()) args.insert(args.end(), {"--out", out_json.string()});
  if (show_all) args.push_back("--all");
  // The side-by-side listing goes straight to the terminal; only errors are captured, for the message.
  ChildResult r = run_script(args, false);
  if (r.exit_code == 0 || r.exit_code == 1) return r.exit_code;
  fail(r, "compare " + run_a.string() + " " + run_b.string());
}

}  // namespace cartography::report
