#include "osu/hit_objects.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "osu/python_number.hpp"

namespace cartography::osu {
namespace {

const Vec2 kPlayfieldCentre{256, 192};

// The fields of Python's text.split(separator) one at a time ("a,".split(",") has two), so
// that no line or control point allocates a list of them.
class FieldCursor {
 public:
  FieldCursor(std::string_view text, char separator) : rest_(text), separator_(separator) {}
  bool next(std::string_view& field) {
    if (done_) return false;
    size_t end = 0;  // fields are a few bytes: a loop, not a memchr call per field
    while (end < rest_.size() && rest_[end] != separator_) ++end;
    field = rest_.substr(0, end);
    if (end == rest_.size()) {
      done_ = true;
    } else {
      rest_.remove_prefix(end + 1);
    }
    return true;
  }

 private:
  std::string_view rest_;
  char separator_;
  bool done_ = false;
};

// The first fields of a hit object line (a slider reads up to its length, the 8th); `count`
// stops at kRead, which is all that the field-count checks need to tell apart.
struct LeadingFields {
  static constexpr size_t kRead = 8;
  std::array<std::string_view, kRead> field;
  size_t count = 0;

  explicit LeadingFields(std::string_view line) {
    FieldCursor cursor(line, ',');
    while (count < kRead && cursor.next(field[count])) ++count;
  }
  std::string_view operator[](size_t i) const { return field[i]; }
  size_t size() const { return count; }
};

std::string quoted(std::string_view field) {
  constexpr size_t kShown = 40;  // a megabyte field must not become a megabyte message
  return "'" + std::string(field.substr(0, kShown)) + (field.size() > kShown ? "...'" : "'");
}

// Everything one line's parse needs to say where it failed.
struct LineContext {
  const std::string& file;
  const SectionLine& entry;
  size_t index;
  const ChartLimits& limits;

  [[noreturn]] void fail(const std::string& why) const {
    throw ChartError(file, entry.line, "hit object " + std::to_string(index) + ": " + why);
  }
  double number(std::string_view field, const char* what) const {
    const auto v = python_float(field);
    if (!v) fail(std::string(what) + " is not a number: " + quoted(field));
    return *v;
  }
  // int(float(field)): NaN and infinity raise in the reference.
  double integer(std::string_view field, const char* what) const {
    const auto v = python_trunc(number(field, what));
    if (!v) fail(std::string(what) + " is not finite: " + quoted(field));
    return *v;
  }
  // A value the reference would take, refused here when beyond `bound` (NaN included): the
  // products and squares of later stages must stay finite.
  double within(double v, double bound, const char* what, const char* limit) const {
    if (std::isnan(v) || std::isinf(v)) fail(std::string(what) + " is not finite (" + shown(v) + ")");
    if (!(std::abs(v) <= bound))
      fail(std::string(what) + " " + shown(v) + " is outside ±" + shown(bound) + " (ChartLimits::" + limit + ")");
    return v;
  }
  double coordinate(double v, const char* what) const { return within(v, limits.max_coordinate, what, "max_coordinate"); }
  double time(double t, const char* what) const { return within(t, limits.max_time_ms, what, "max_time_ms"); }
};

// Counted before any is parsed: the curve's cost is bounded before it is paid.
void check_control_point_count(const LineContext& at, int64_t count, int64_t& chart_total) {
  if (count > at.limits.max_slider_control_points)
    at.fail("slider has " + std::to_string(count) + " control points, more than " +
            std::to_string(at.limits.max_slider_control_points) + " (ChartLimits::max_slider_control_points)");
  chart_total += count;
  if (chart_total > at.limits.max_chart_control_points)
    at.fail("the chart's sliders have more than " + std::to_string(at.limits.max_chart_control_points) +
            " control points (ChartLimits::max_chart_control_points)");
}

// NaN and infinite coordinates are the reference's NaN positions, which the path repairs
// (SPEC §5); finite ones beyond the coordinate bound are refused.
void check_control_coordinates(const LineContext& at, const std::vector<Vec2>& points) {
  for (const Vec2& p : points)
    for (const double v : {p.x, p.y})
      if (std::isfinite(v)) at.coordinate(v, "slider control point coordinate");
}

// The reference makes a numpy array of however many numbers it finds; anything but two then
// fails later or broadcasts into nonsense. We refuse it here (after parsing them all, so a bad
// number is still reported as the reference reports it).
Vec2 control_point(const LineContext& at, std::string_view part) {
  FieldCursor cursor(part, ':');
  std::string_view field;
  double xy[2] = {0, 0};
  size_t count = 0;
  while (cursor.next(field)) {
    const double v = at.number(field, "slider control point coordinate");
    if (count < 2) xy[count] = v;
    ++count;
  }
  if (count != 2) at.fail("slider control point is not x:y: " + quoted(part));
  return {xy[0], xy[1]};
}

std::vector<Vec2> control_points(const LineContext& at, Vec2 head, std::string_view curve, int64_t& chart_total) {
  const auto parts = static_cast<int64_t>(std::count(curve.begin(), curve.end(), '|')) + 1;
  check_control_point_count(at, parts, chart_total);  // the head replaces the letter
  std::vector<Vec2> points;
  points.reserve(static_cast<size_t>(parts));
  points.push_back(head);
  FieldCursor cursor(curve, '|');
  std::string_view part;
  cursor.next(part);  // the curve letter
  while (cursor.next(part)) points.push_back(control_point(at, part));
  return points;
}

int64_t slide_count(const LineContext& at, std::string_view field) {
  const auto slides = python_int(field);
  if (!slides) at.fail("slider repeat count is not an integer: " + quoted(field));
  // The reference's int is unbounded; a count beyond the limit only multiplies the end time.
  // Zero and negative counts are kept as the reference keeps them (no slide is drawn).
  const int64_t bound = at.limits.max_slides;
  if (slides->overflow || slides->value > bound || slides->value < -bound)
    at.fail("slider repeat count " + quoted(field) + " is outside ±" + std::to_string(bound) +
            " (ChartLimits::max_slides)");
  return slides->value;
}

// length / (SliderMultiplier · point multiplier · 100) · beat length. Every factor can be
// huge, tiny or zero in a hostile file; a non-finite product is refused here, where it
// arises (the reference raises later, on int() of the end time).
double slide_duration(const LineContext& at, double length, double slider_multiplier, const SliderTiming& active) {
  const double velocity = slider_multiplier * active.slider_multiplier;
  const double duration = length / (velocity * 100) * active.beat_length;
  if (!std::isfinite(duration))
    at.fail("slider end time is not finite: slide duration is not finite (length " + shown(length) + " / (SliderMultiplier " +
            shown(slider_multiplier) + " x timing multiplier " + shown(active.slider_multiplier) +
            " x 100) x beat length " + shown(active.beat_length) + " ms)");
  return duration;
}

struct SliderParse {
  Slider slider;
  std::string repair;
};

SliderPathBuild path_of(const LineContext& at, std::vector<Vec2> points, double length) {
  try {
    return build_slider_path(std::move(points), length);
  } catch (const SliderPathError& e) {
    at.fail(e.what());
  }
}

// In the reference's order: curve, repeat count, length, the path's own errors, and only then
// the duration's; our bounds once the reference's conversions have passed.
SliderParse parse_slider(const LineContext& at, const LeadingFields& fields, Vec2 head,
                         double t, const ChartTiming& chart, int64_t& chart_control_points) {
  if (fields.size() < 8) at.fail("slider needs curve, repeat count and length fields");
  auto points = control_points(at, head, fields[5], chart_control_points);
  const SliderTiming active = timing_at(chart.points, t);
  const int64_t slides = slide_count(at, fields[6]);
  const double length = at.number(fields[7], "slider length");
  check_control_coordinates(at, points);
  auto built = path_of(at, std::move(points), length);
  at.within(length, at.limits.max_slider_length, "slider length", "max_slider_length");
  const double duration = slide_duration(at, length, chart.slider_multiplier, active);
  return {Slider{duration, slides, std::move(built.path)}, std::move(built.repair)};
}

// int(t + duration * slides), which raises for NaN and infinity.
double slider_end_time(const LineContext& at, double t, const Slider& s) {
  const auto end = python_trunc(t + s.slide_duration * static_cast<double>(s.slides));
  if (!end) at.fail("slider end time is not finite (duration " + shown(s.slide_duration) + " ms)");
  return at.time(*end, "slider end time");
}

// The ends feed the cursor rows; a path can leave the coordinate bound only by rounding in a
// near-degenerate shape, and the encoder's bound must hold.
Vec2 path_end(const LineContext& at, const Slider& s, double u, const char* what) {
  const Vec2 p = s.path.position(u);
  const double bound = at.limits.max_cursor_coordinate();
  if (!(std::abs(p.x) <= bound && std::abs(p.y) <= bound))
    at.fail(std::string(what) + " (" + shown(p.x) + ", " + shown(p.y) + ") is outside ±" + shown(bound) +
            " (ChartLimits::max_cursor_coordinate)");
  return p;
}

void add_slider(ParsedHitObjects& out, HitObject& object, SliderParse parsed, const LineContext& at) {
  Slider& s = parsed.slider;
  object.kind = HitObjectKind::slider;
  object.end_time = slider_end_time(at, object.t, s);
  object.start_pos = path_end(at, s, 0.0, "slider start");
  object.end_pos = path_end(at, s, static_cast<double>(((s.slides % 2) + 2) % 2), "slider end");  // Python's mod
  object.slider = static_cast<int32_t>(out.sliders.size());
  const auto index = static_cast<int64_t>(at.index);
  if (!parsed.repair.empty()) out.repairs.push_back({index, at.entry.line, parsed.repair});
  // Not a change of the reference's result (its (t - start) / 0 matches no frame either),
  // but the slide fraction is undefined, so the pipeline is told.
  if (s.slide_duration == 0)
    out.repairs.push_back({index, at.entry.line,
                           "zero-duration slider (length field <= 0): no slide or body frames; "
                           "the cursor goes straight to its end position"});
  out.sliders.push_back(std::move(s));
}

HitObject parse_one(ParsedHitObjects& out, const LineContext& at, const ChartTiming& chart,
                    int64_t& chart_control_points) {
  const LeadingFields fields(at.entry.text);
  if (fields.size() < 5) at.fail("needs x, y, time, type and hitsound fields");
  // The reference's int(float(...)) of all five first, then our bounds.
  const double x = at.integer(fields[0], "x"), y = at.integer(fields[1], "y");
  const double t = at.integer(fields[2], "time");
  const double type = at.integer(fields[3], "type"), hitsound = at.integer(fields[4], "hitsound");
  at.coordinate(x, "x");
  at.coordinate(y, "y");
  at.time(t, "time");
  HitObject object;
  object.t = object.end_time = t;
  object.new_combo = low_bits(type, 4) != 0;
  object.whistle = low_bits(hitsound, 2) != 0;
  object.finish = low_bits(hitsound, 4) != 0;
  object.clap = low_bits(hitsound, 8) != 0;
  object.start_pos = object.end_pos = {x, y};
  object.line = at.entry.line;
  if (low_bits(type, 1)) {
    object.kind = HitObjectKind::circle;
  } else if (low_bits(type, 2)) {
    add_slider(out, object, parse_slider(at, fields, {x, y}, t, chart, chart_control_points), at);
  } else if (low_bits(type, 8)) {
    if (fields.size() < 6) at.fail("spinner needs an end time field");
    object.kind = HitObjectKind::spinner;
    object.end_time = at.time(at.integer(fields[5], "spinner end time"), "spinner end time");
    object.start_pos = object.end_pos = kPlayfieldCentre;
  } else {
    at.fail("invalid hit object type " + quoted(fields[3]));
  }
  return object;
}

}  // namespace

ParsedHitObjects parse_hit_objects(const std::vector<SectionLine>& lines, const ChartTiming& chart,
                                   const std::string& file, const ChartLimits& limits) {
  if (std::cmp_greater(lines.size(), limits.max_hit_objects))
    throw ChartError(file, lines[static_cast<size_t>(limits.max_hit_objects)].line,
                     "more than " + std::to_string(limits.max_hit_objects) +
                         " hit objects (ChartLimits::max_hit_objects)");
  ParsedHitObjects out;
  out.objects.reserve(lines.size());
  int64_t chart_control_points = 0;
  for (const auto& entry : lines) {
    const LineContext at{file, entry, out.objects.size(), limits};
    HitObject object = parse_one(out, at, chart, chart_control_points);
    if (!out.objects.empty() && object.t < out.objects.back().end_time)
      at.fail("starts at " + std::to_string(object.t) + " ms, before the previous object ends at " +
              std::to_string(out.objects.back().end_time) + " ms");
    out.objects.push_back(object);
  }
  if (out.objects.empty()) throw ChartError(file, 0, "no hit objects");
  return out;
}

}  // namespace cartography::osu
