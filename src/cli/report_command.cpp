// `cartography report <run_dir> [--out <dir>]`: figures, the self-contained index.html and the
// comparison with the published results, from a finished run's files (src/report).
#include <iostream>
#include <memory>
#include <string>

#include "cli/command.hpp"
#include "report/report.hpp"

namespace cartography::cli {

namespace {
struct ReportOptions {
  std::string run_dir;
  std::string out_dir;
  bool quiet = false;
};
}  // namespace

Command add_report(CLI::App& parent) {
  auto opt = std::make_shared<ReportOptions>();
  CLI::App* app = parent.add_subcommand("report", "Write the figures and the HTML report of a finished run");
  app->add_option("run_dir", opt->run_dir, "A finished run's --out folder")->required();
  app->add_option("--out", opt->out_dir,
                  "Report folder (default <run_dir>/report; then the comparison with the published results "
                  "is also written to <run_dir>/results/comparison_with_published.json)");
  app->add_flag("--quiet,-q", opt->quiet, "Print only where the report is, not the headline tables");
  return {app, [opt] {
            auto result = report::write_report(opt->run_dir, opt->out_dir);
            if (!opt->quiet) std::cout << report::headline_tables(opt->run_dir, result.index_html);
            else std::cout << result.index_html.string() << "\n";
            return 0;
          }};
}

}  // namespace cartography::cli
