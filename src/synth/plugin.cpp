// libcartography_synth.so: the `cartography synth` entry point. A plugin so that the CLI binary
// does not link FFmpeg (loading it costs start-up time for every other subcommand).
#include <exception>
#include <iostream>
#include <stdexcept>

extern "C" {
#include <libavutil/log.h>
}

#include "synth/synth.hpp"
#include "synth/synth_plugin.hpp"

// The plugin's only exports (the library is built with hidden visibility).
#define CARTO_EXPORT __attribute__((visibility("default")))

extern "C" CARTO_EXPORT int cartography_synth_abi_version() { return cartography::synth::kSynthAbiVersion; }

extern "C" CARTO_EXPORT int cartography_synth_run(const cartography::synth::SynthRunOptions* plain) {
  try {
    if (!plain) throw std::invalid_argument("cartography_synth_run: no options");
    const cartography::synth::SynthOptions options = cartography::synth::from_plugin_options(*plain);
    // Encoder chatter would interleave across worker threads; failures arrive as exceptions.
    av_log_set_level(AV_LOG_QUIET);
    const auto report = cartography::synth::generate_corpus(options);
    if (!options.quiet) {
      int64_t bytes = 0;
      for (const auto& a : report.archives) bytes += a.bytes;
      std::cout << "synth: wrote " << report.archives.size() << " archives (" << report.songs << " songs, "
                << report.multi_mapper_songs << " with several mappers, " << report.audio_encodings
                << " audio encodings, " << bytes / 1024 << " KiB) to " << options.out_dir << " in "
                << report.seconds << " s\n";
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "cartography synth: " << e.what() << "\n";
    return 1;
  }
}
