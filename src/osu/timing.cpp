#include "osu/timing.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

#include "osu/chart_error.hpp"
#include "osu/python_number.hpp"

namespace cartography::osu {
namespace {

// Python's round(x, 3): correctly rounded to 3 decimals (ties to even on the exact binary
// value), which is what printing with 3 fixed digits and reading back gives.
double round_to_thousandths(double x) {
  if (!std::isfinite(x)) return x;
  char buffer[400];
  const auto printed = std::to_chars(buffer, buffer + sizeof buffer, x, std::chars_format::fixed, 3);
  double rounded = x;
  std::from_chars(buffer, printed.ptr, rounded);
  return rounded;
}

std::vector<double> parse_fields(const SectionLine& entry, const std::string& file) {
  std::vector<double> values;
  std::string_view rest = entry.text;
  while (true) {
    const size_t comma = rest.find(',');
    const std::string_view field = rest.substr(0, comma);
    const auto value = python_float(field);
    if (!value)
      throw ChartError(file, entry.line, "timing point field is not a number: '" + std::string(field) + "'");
    values.push_back(*value);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (values.size() < 3)
    throw ChartError(file, entry.line, "timing point has fewer than 3 fields");
  return values;
}

double checked_int(double x, const SectionLine& entry, const std::string& file, const char* what) {
  const auto integral = python_trunc(x);
  if (!integral)
    throw ChartError(file, entry.line, std::string("timing point ") + what + " is not finite");
  return *integral;
}

// Refused beyond `bound` (NaN included). Beat lengths are not bounded here: any float is the
// reference's, and a NaN one is refused (as the reference refuses it) only where a slider's
// duration uses it.
double bounded(double x, double bound, const SectionLine& entry, const std::string& file, const char* what,
               const char* limit) {
  if (!(std::abs(x) <= bound))
    throw ChartError(file, entry.line,
                     std::string("timing point ") + what + " " + shown(x) + " is outside ±" + shown(bound) +
                         " (ChartLimits::" + limit + ")");
  return x;
}

bool same_timing(const TimingPoint& a, const TimingPoint& b) {
  return a.beat_length == b.beat_length && a.slider_multiplier == b.slider_multiplier &&
         a.meter == b.meter;
}

}  // namespace

std::vector<TimingPoint> parse_timing_points(const std::vector<SectionLine>& lines, const std::string& file,
                                             const ChartLimits& limits) {
  std::vector<TimingPoint> points;
  std::optional<double> beat_length;
  std::optional<double> meter;
  double slider_multiplier = 1.0;
  for (const auto& entry : lines) {
    const auto values = parse_fields(entry, file);
    const double t = values[0], x = values[1];
    if (x < 0) {
      if (points.empty()) continue;  // inherited before any uninherited point: ignored
      if (points.back().t == t) points.pop_back();
      slider_multiplier = std::min(10.0, std::max(0.1, round_to_thousandths(-100.0 / x)));
    } else {
      beat_length = x;
      meter = values[2];
      slider_multiplier = 1.0;
    }
    // The reference's int(t), int(meter) first; then our bounds.
    const TimingPoint point{checked_int(t, entry, file, "time"), *beat_length, slider_multiplier,
                            checked_int(*meter, entry, file, "meter")};
    bounded(point.t, limits.max_time_ms, entry, file, "time", "max_time_ms");
    if (points.empty() || !same_timing(point, points.back())) points.push_back(point);
  }
  if (points.empty()) throw ChartError(file, 0, "no timing points");
  return points;
}

SliderTiming timing_at(const std::vector<TimingPoint>& points, double t) {
  // bisect_right with Timed.__lt__ (compares times only), exactly as the binary search runs.
  size_t lo = 0, hi = points.size();
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    if (t < points[mid].t) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  if (lo == 0) return {points.front().beat_length, 1.0};
  return {points[lo - 1].beat_length, points[lo - 1].slider_multiplier};
}

}  // namespace cartography::osu
