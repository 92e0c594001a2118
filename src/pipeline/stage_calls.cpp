#include "pipeline/stage_calls.hpp"

#include "audio/audio_length.hpp"
#include "encode/signal_encoder.hpp"
#include "osu/beatmap.hpp"
#include "osu/chart_error.hpp"

namespace cartography::pipeline {

ChartEncoding encode_chart(const std::string& osu_text, const std::string& name, int64_t frames) {
  osu::Beatmap map = osu::parse_beatmap(osu_text, name);
  ChartEncoding out;
  out.signal = encode::encode_beatmap(map, frames);
  for (const osu::HitObject& h : map.hit_objects()) out.onset_ms.push_back(h.t);
  for (const osu::Repair& r : map.repairs()) {
    ++out.repairs;
    out.warnings.push_back(osu::describe(r, name));
  }
  return out;
}

int64_t audio_frame_count(const std::vector<uint8_t>& bytes, const std::string& name) {
  // The packet-based count where it is provably exact, the full decode otherwise.
  return audio::frame_count(audio::count_samples(bytes, name).samples);
}

}  // namespace cartography::pipeline
