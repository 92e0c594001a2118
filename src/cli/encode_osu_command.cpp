// `cartography encode-osu <file.osu> --frames <L> --out <x.npy>`: one chart's 9-dim encoding
// on frames 0..L-1, written as a little-endian float64 C-order .npy of shape (9, L).
// The array is streamed in blocks of frames (memory stays at one block whatever L is) into
// <out>.tmp, which is renamed to <out> only when complete, so a partial file never appears.
// A rejected chart: exit 3 and one stderr line naming the file, line and reason. Each repair:
// one warning line. Other failures (I/O): exit 1, one line.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "encode/signal_encoder.hpp"
#include "io/npy.hpp"
#include "osu/beatmap.hpp"

namespace cartography::cli {
namespace {

constexpr int kChartRejected = 3;

struct EncodeOsuOptions {
  std::string chart;
  int64_t frames = 0;
  std::string out;
  int64_t block_frames = 16384;
  int threads = 2;  // the encoder spawns its second thread only for blocks of 4096+ frames
};

void write_encoding(const osu::Beatmap& beatmap, const EncodeOsuOptions& o, const std::string& path) {
  const int64_t L = o.frames, block = std::max<int64_t>(1, std::min(o.block_frames, L));
  encode::SignalEncoder encoder(beatmap, {.threads = o.threads});
  io::NpyWriter<double> writer(path, {encode::kRows, L});
  std::vector<double> buffer(static_cast<size_t>(encode::kRows * block));
  for (int64_t first = 0; first < L; first += block) {
    const int64_t n = std::min(block, L - first);
    encoder.encode_block(first, n, buffer.data(), block);
    for (int64_t r = 0; r < encode::kRows; ++r) writer.write_at(r * L + first, buffer.data() + r * block, n);
  }
  writer.close();
  if (encoder.guarded_values() > 0)
    std::cerr << "cartography encode-osu: warning: " << beatmap.source_name() << ": " << encoder.guarded_values()
              << " non-finite cursor values replaced by the playfield centre\n";
}

int encode_osu(const EncodeOsuOptions& o) {
  const std::string temporary = o.out + ".tmp";
  try {
    const osu::Beatmap beatmap = osu::read_beatmap(o.chart);
    for (const auto& repair : beatmap.repairs())
      std::cerr << "cartography encode-osu: warning: " << osu::describe(repair, beatmap.source_name()) << "\n";
    write_encoding(beatmap, o, temporary);
    std::filesystem::rename(temporary, o.out);
    return 0;
  } catch (const osu::ChartError& e) {
    std::cerr << "cartography encode-osu: rejected " << e.what() << "\n";
    return kChartRejected;
  } catch (const std::exception& e) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    std::cerr << "cartography encode-osu: " << o.chart << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

Command add_encode_osu(CLI::App& parent) {
  auto o = std::make_shared<EncodeOsuOptions>();
  CLI::App* app = parent.add_subcommand("encode-osu", "Encode one .osu chart as the 9-dim signal, a (9, L) float64 .npy");
  app->add_option("chart", o->chart, ".osu file")->required();
  app->add_option("--frames", o->frames, "Frame count L (frames 0..L-1 of the 16384 Hz / 98-sample grid)")
      ->required()
      ->check(CLI::NonNegativeNumber);
  app->add_option("--out", o->out, "Output .npy file")->required();
  app->add_option("--block", o->block_frames, "Frames encoded per block (memory: 72 bytes per frame)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app->add_option("--threads", o->threads, "2: compute the event rows on a second thread (same result)")
      ->check(CLI::Range(1, 2))
      ->capture_default_str();
  return {app, [o] { return encode_osu(*o); }};
}

}  // namespace cartography::cli
