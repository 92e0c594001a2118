// A subcommand is a function: each file adds its CLI11 sub-app, its options bound to a plain
// options struct, and a `run` that turns them into a call of the stage or pipeline code.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>

namespace cartography::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;  // returns the process exit code
};

Command add_encode_osu(CLI::App& parent);
Command add_encode_latent(CLI::App& parent);
Command add_run(CLI::App& parent);
Command add_synth(CLI::App& parent);
Command add_report(CLI::App& parent);
Command add_compare(CLI::App& parent);
Command add_cross_validate(CLI::App& parent);
Command add_fit_latent(CLI::App& parent);

}  // namespace cartography::cli
