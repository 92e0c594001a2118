// The few calls the group job makes into the stage libraries (chart parsing + encoding,
// audio), behind plain signatures so the job reads as the data flow.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cartography::pipeline {

struct ChartEncoding {
  std::vector<double> signal;         // [9, frames]
  int repairs = 0;                    // degenerate geometry repaired (never NaN)
  std::vector<std::string> warnings;  // one per repair, naming file and object
  std::vector<double> onset_ms;       // every hit object's start time, file order (onset F-measure)
};

// Parses the .osu text and encodes frames 0..frames-1. Throws with the reason on rejection.
ChartEncoding encode_chart(const std::string& osu_text, const std::string& name, int64_t frames);

// L = N // 98 + 1 for the audio file's sample count N at mono 16384 Hz.
int64_t audio_frame_count(const std::vector<uint8_t>& bytes, const std::string& name);

}  // namespace cartography::pipeline
