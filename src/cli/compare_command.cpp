// `cartography compare <run_a> <run_b> [--tol x]`: every statistic of two runs side by side.
// Exit status 0 when all agree, 1 when any differs beyond the tolerance (e.g. a cluster run
// against a laptop run in CI), 2 when the runs cannot be compared (missing, unfinished).
#include <charconv>
#include <cmath>
#include <iostream>
#include <memory>
#include <string>

#include "cli/command.hpp"
#include "report/report.hpp"

namespace cartography::cli {

namespace {
struct CompareOptions {
  std::string run_a;
  std::string run_b;
  double tolerance = 1e-9;
  std::string out_json;
  bool all = false;
};
constexpr int kCannotCompare = 2;

// CLI::Range let NaN through (every comparison with NaN is false): with --tol nan no number
// ever differed, and --out failed with a misleading message.
const CLI::Validator kTolerance(
    [](std::string& text) -> std::string {
      double value = -1;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value) || value < 0)
        return "'" + text.substr(0, 40) + "' is not a finite number >= 0";
      return {};
    },
    "TOL >= 0");
}  // namespace

Command add_compare(CLI::App& parent) {
  auto opt = std::make_shared<CompareOptions>();
  CLI::App* app = parent.add_subcommand("compare", "Compare every statistic of two finished runs");
  app->add_option("run_a", opt->run_a, "A finished run's folder")->required();
  app->add_option("run_b", opt->run_b, "Another finished run's folder")->required();
  app->add_option("--tol", opt->tolerance,
                  "Tolerance: numbers differ when |a-b| > tol * max(1, |a|, |b|) (default 1e-9)")
      ->check(kTolerance);
  app->add_option("--out", opt->out_json, "Also write every statistic side by side to this JSON file");
  app->add_flag("--all", opt->all, "Print every statistic, not only those that differ");
  return {app, [opt] {
            try {
              return report::compare_runs(opt->run_a, opt->run_b, opt->tolerance, opt->out_json, opt->all);
            } catch (const report::ReportError& e) {
              std::cerr << "cartography compare: " << e.what() << "\n";
              return kCannotCompare;
            }
          }};
}

}  // namespace cartography::cli
