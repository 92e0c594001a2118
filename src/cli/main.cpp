// `cartography`: one program, one subcommand per stage entry point. This binary links only
// the light stages (archive, chart, encoder); MPI/HDF5, libtorch and FFmpeg are opened as
// plugins by the subcommands that need them.
#include <exception>
#include <iostream>
#include <vector>

#include "cli/command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"cartography: where several mappers chart one song, what agrees and what is style"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "cartography 0.1.0");
  std::vector<cartography::cli::Command> commands;
  for (auto add : {cartography::cli::add_run, cartography::cli::add_encode_osu,
                   cartography::cli::add_encode_latent, cartography::cli::add_synth, cartography::cli::add_report,
                   cartography::cli::add_compare, cartography::cli::add_cross_validate,
                   cartography::cli::add_fit_latent}) {
    commands.push_back(add(app));
  }
  CLI11_PARSE(app, argc, argv);
  try {
    for (auto& c : commands)
      if (c.app->parsed()) return c.run();
  } catch (const std::exception& e) {
    std::cerr << "cartography: " << e.what() << "\n";
    return 1;
  }
  return 2;
}
