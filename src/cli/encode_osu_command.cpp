// `cartography encode-osu <file.osu> --frames <L> --out <x.npy>`: one chart's 9-dim encoding
// on frames 0..L-1, written as a little-endian float64 C-order .npy of shape (9, L).
// The array is streamed in blocks of frames (memory stays at one block whatever L is) into
// <out>.tmp, which is renamed to <out> only when complete, so a partial file never appears.
// A rejected chart: exit 3 and one stderr line naming the file, line and reason. Each repair:
// one warning line. Other failures (I/O): exit 1, one line. A --frames that is not a whole
// number in [0, --max-frames]: exit 2, one line, nothing written.
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "encode/signal_encoder.hpp"
#include "io/npy.hpp"
#include "io/output_file.hpp"
#include "osu/beatmap.hpp"

namespace cartography::cli {
namespace {

constexpr int kUsageError = 2;
constexpr int kChartRejected = 3;

// Four hours of audio on the 16384 Hz / 98-sample grid (the longest fixture, a marathon, has
// 531,448 frames, 53 minutes): a 173 MB array. A typo such as an extra digit must not fill
// the disk; --max-frames raises it.
constexpr int64_t kDefaultMaxFrames = (int64_t{4} * 3600 * encode::kSampleRate + encode::kHopLength - 1) / encode::kHopLength;

struct EncodeOsuOptions {
  std::string chart;
  // Parsed by frame_count, not CLI11, which wraps a value beyond int64 instead of refusing it.
  std::string frames_text;
  std::string max_frames_text = std::to_string(kDefaultMaxFrames);
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
}

// The whole decimal number in `text`, when it is one and lies in [0, max].
std::optional<int64_t> frame_count(const std::string& text, int64_t max) {
  int64_t value = -1;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0 || value > max) return std::nullopt;
  return value;
}

int encode_osu(EncodeOsuOptions o) {
  const auto max_frames = frame_count(o.max_frames_text, std::numeric_limits<int64_t>::max());
  const auto frames = max_frames ? frame_count(o.frames_text, *max_frames) : std::nullopt;
  if (!max_frames || !frames) {
    std::cerr << "cartography encode-osu: "
              << (max_frames ? "--frames '" + o.frames_text.substr(0, 40) + "' is not a whole number of frames from 0 to " +
                                   std::to_string(*max_frames) + " (--max-frames)"
                             : "--max-frames '" + o.max_frames_text.substr(0, 40) + "' is not a whole number")
              << "\n";
    return kUsageError;
  }
  o.frames = *frames;
  const std::string temporary = o.out + ".tmp";
  std::error_code ignored;
  try {
    io::refuse_overwriting_input(o.chart, o.out);
    io::temporary_for(o.out);  // before any work: a device or FIFO at --out is refused
    const osu::Beatmap beatmap = osu::read_beatmap(o.chart);
    for (const auto& repair : beatmap.repairs())
      std::cerr << "cartography encode-osu: warning: " << osu::describe(repair, beatmap.source_name()) << "\n";
    write_encoding(beatmap, o, temporary);
    std::filesystem::rename(temporary, o.out);
    return 0;
  } catch (const osu::ChartError& e) {
    std::filesystem::remove(temporary, ignored);  // the encoder can refuse mid-way
    std::cerr << "cartography encode-osu: rejected " << e.what() << "\n";
    return kChartRejected;
  } catch (const std::exception& e) {
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
  app->add_option("--frames", o->frames_text, "Frame count L (frames 0..L-1 of the 16384 Hz / 98-sample grid)")
      ->required();
  app->add_option("--max-frames", o->max_frames_text, "Largest --frames accepted (default: 4 hours of audio)")
      ->capture_default_str();
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
