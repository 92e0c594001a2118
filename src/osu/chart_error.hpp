// How a chart fails or is mended. A rejected map is one ChartError naming the file, the line
// (or 0 when the problem is the file as a whole) and the reason; the pipeline turns it into a
// counted skip. A Repair records where we deliberately depart from the reference because its
// result would be NaN or undefined: the map is kept, the pipeline warns and counts.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace cartography::osu {

struct ChartError : std::runtime_error {
  ChartError(std::string file_name, int64_t line_number, std::string why);

  std::string file;
  int64_t line = 0;  // 1-based; 0 when no single line is at fault
  std::string reason;
};

struct Repair {
  int64_t object_index = 0;  // index into Beatmap::hit_objects()
  int64_t line = 0;          // line of that object in the file
  std::string what;          // what was degenerate and which fallback was used
};

// A number as messages show it: shortest round trip ("1e+160", "131072", "nan").
std::string shown(double value);

// "<file>:<line>: hit object <index>: <what>", the form of a warning line.
std::string describe(const Repair& repair, const std::string& file_name);

}  // namespace cartography::osu
