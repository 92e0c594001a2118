// `cartography synth <out_dir> --songs N --seed S [--duration s] ...`: writes a synthetic
// multi-mapper corpus of .osz archives. The work happens in libcartography_synth.so (FFmpeg,
// libzip), loaded only when this subcommand runs.
#include <memory>
#include <stdexcept>
#include <string>

#include "cli/command.hpp"
#include "common/plugin.hpp"
#include "pipeline/study_options.hpp"
#include "synth/synth_plugin.hpp"

namespace cartography::cli {

Command add_synth(CLI::App& parent) {
  auto opt = std::make_shared<synth::SynthOptions>();
  CLI::App* app = parent.add_subcommand("synth", "Write a synthetic multi-mapper corpus of .osz archives");
  app->add_option("out_dir", opt->out_dir, "Folder for the <beatmapset_id>.osz archives")->required();
  app->add_option("--songs", opt->songs, "Number of songs (1-5 mappers each by default)")
      ->check(CLI::Range(1, 100000));
  // The seed parser of `run`: CLI11 turned `--seed -1` into 18446744073709551615 without a word.
  app->add_option("--seed", opt->seed, "Seed: the same seed and options give byte-identical archives")
      ->check(CLI::Validator(
          [](std::string& text) {
            try {
              pipeline::unsigned_integer(text);
              return std::string();
            } catch (const std::invalid_argument& e) {
              return std::string(e.what());
            }
          },
          "0..2^64-1"));
  app->add_option("--duration", opt->duration_s, "Nominal song length in seconds (each song varies +-15%)")
      ->check(CLI::Range(3.0, 1800.0));
  app->add_option("--min-mappers", opt->min_mappers, "Fewest archives (mappers) per song")->check(CLI::Range(1, 20));
  app->add_option("--max-mappers", opt->max_mappers, "Most archives (mappers) per song")->check(CLI::Range(1, 20));
  app->add_option("--defects", opt->defect_rate,
                  "Fraction of archives given one deliberate defect (missing/truncated/garbage audio, "
                  "missing or bad Mode, overlapping objects, no .osu, no Creator)")
      ->check(CLI::Range(0.0, 1.0));
  app->add_option("--planted", opt->planted,
                  "Planted truth: charts whose cross-mapper agreement is known, per dimension driven by "
                  "the song, the mapper or both: a preset A, B or C, or e.g. 'ONSET=song,X=0.45,CLAP=mapper' "
                  "(unnamed dimensions: mapper); the truth goes into synth_manifest.json");
  app->add_option("--jobs,-j", opt->jobs, "Worker threads (0: one per hardware thread)")->check(CLI::Range(0, 1024));
  app->add_flag("--no-manifest", [opt](int64_t) { opt->write_manifest = false; },
                "Do not write synth_manifest.json (the corpus' ground truth)");
  app->add_flag("--quiet,-q", opt->quiet, "No summary line");
  return {app, [opt] {
            require_plugin_abi("synth", synth::kSynthAbiSymbol, synth::kSynthAbiVersion);
            const synth::SynthRunOptions plain = synth::to_plugin_options(*opt);
            return plugin_function<synth::SynthRunFn>("synth", synth::kSynthRunSymbol)(&plain);
          }};
}

}  // namespace cartography::cli
