#include "pipeline/stage_calls.hpp"

#include "audio/frame_count.hpp"
#include "encode/encoder.hpp"
#include "osu/beatmap.hpp"

namespace cartography::pipeline {

ChartEncoding encode_chart(const std::string& osu_text, const std::string& name, int64_t frames) {
  osu::Beatmap map = osu::parse_beatmap(osu_text, name);
  ChartEncoding out;
  out.signal = encode::encode_beatmap(map, frames);
  for (const auto& r : map.repairs()) {
    ++out.repairs;
    out.warnings.push_back(name + ": " + r.describe());
  }
  return out;
}

int64_t audio_frame_count(const std::vector<uint8_t>& bytes, const std::string& name) {
  return audio::frame_count(audio::decoded_sample_count(bytes, name));
}

}  // namespace cartography::pipeline
