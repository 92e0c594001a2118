// libFuzzer target: the .osu parser (osu::parse_beatmap) and, for every chart it accepts, the
// 9-dimensional encoder on a short frame grid.
//
// Contract checked (a violation aborts, so libFuzzer saves the input as a crash):
//  - parse_beatmap returns a Beatmap or throws osu::ChartError; no other exception escapes;
//  - an accepted chart has at least one hit object and finite times and positions;
//  - its encoding holds only finite numbers (SPEC §5 "Ours": degenerate geometry never puts
//    NaN or inf into a signal), every value in [-1, 1] for rows 0-6.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

#include "encode/signal_encoder.hpp"
#include "osu/beatmap.hpp"

namespace {

[[noreturn]] void violation(const char* what, const char* detail = "") {
  std::fprintf(stderr, "CONTRACT VIOLATION: %s %s\n", what, detail);
  std::abort();
}

// Frames needed to cover the chart, as the golden fixtures count them, capped to keep each
// run short: L = int((last end + 1500) / 1000 * 16384 / 98) + 1.
int64_t frames_for(const cartography::osu::Beatmap& map) {
  double last = 0;
  for (const auto& o : map.hit_objects()) last = std::fmax(last, std::fmax(o.t, o.end_time));
  const double l = (last + 1500.0) / 1000.0 * 16384.0 / 98.0 + 1.0;
  if (!(l >= 1.0)) return 1;
  return l > 4096.0 ? 4096 : static_cast<int64_t>(l);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cartography;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    osu::Beatmap map = osu::parse_beatmap(text, "fuzz.osu");
    if (map.hit_objects().empty()) violation("accepted a chart without hit objects");
    for (const auto& o : map.hit_objects()) {
      if (!std::isfinite(o.t) || !std::isfinite(o.end_time)) violation("non-finite object time");
      if (!std::isfinite(o.start_pos.x) || !std::isfinite(o.start_pos.y) || !std::isfinite(o.end_pos.x) ||
          !std::isfinite(o.end_pos.y))
        violation("non-finite object position");
    }
    for (const auto& r : map.repairs()) (void)osu::describe(r, map.source_name());

    const int64_t frames = frames_for(map);
    const std::vector<double> x = encode::encode_beatmap(map, frames);
    if (x.size() != static_cast<size_t>(encode::kRows * frames)) violation("encoding has the wrong size");
    for (int r = 0; r < encode::kRows; ++r)
      for (int64_t f = 0; f < frames; ++f) {
        const double v = x[static_cast<size_t>(r * frames + f)];
        if (!std::isfinite(v)) violation("non-finite value in the encoding");
        if (r < 7 && (v < -1.0 || v > 1.0)) violation("event/sustain row outside [-1, 1]");
      }
  } catch (const osu::ChartError&) {
    // A rejected chart: the expected outcome for most inputs.
  } catch (const std::exception& e) {
    violation("parse_beatmap/encode_beatmap threw something other than ChartError:", e.what());
  }
  return 0;
}
