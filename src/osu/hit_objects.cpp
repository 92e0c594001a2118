#include "osu/hit_objects.hpp"

#include <cmath>

#include "osu/python_number.hpp"

namespace cartography::osu {
namespace {

const Vec2 kPlayfieldCentre{256, 192};

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::string quoted(std::string_view field) {
  constexpr size_t kShown = 40;  // a megabyte field must not become a megabyte message
  return "'" + std::string(field.substr(0, kShown)) + (field.size() > kShown ? "...'" : "'");
}

// Everything one line's parse needs to say where it failed.
struct LineContext {
  const std::string& file;
  const SectionLine& entry;
  size_t index;

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
};

std::vector<Vec2> control_points(const LineContext& at, Vec2 head, std::string_view curve) {
  std::vector<Vec2> points{head};
  const auto parts = split(curve, '|');
  points.reserve(parts.size());
  for (size_t i = 1; i < parts.size(); ++i) {
    std::vector<double> xy;
    for (auto field : split(parts[i], ':')) xy.push_back(at.number(field, "slider control point coordinate"));
    // The reference makes a numpy array of however many numbers it finds; anything but two
    // then fails later or broadcasts into nonsense. We refuse it here.
    if (xy.size() != 2) at.fail("slider control point is not x:y: " + quoted(parts[i]));
    points.push_back({xy[0], xy[1]});
  }
  return points;
}

int64_t slide_count(const LineContext& at, std::string_view field) {
  const auto slides = python_int(field);
  if (!slides) at.fail("slider repeat count is not an integer: " + quoted(field));
  // The reference's int is unbounded, but it then builds a list with one entry per slide:
  // a count beyond int64 could never be encoded there either.
  if (slides->overflow) at.fail("slider repeat count out of range: " + quoted(field));
  return slides->value;
}

struct SliderParse {
  Slider slider;
  std::string repair;
};

SliderParse parse_slider(const LineContext& at, const std::vector<std::string_view>& fields, Vec2 head,
                         double t, const std::vector<TimingPoint>& timing, double slider_multiplier) {
  if (fields.size() < 8) at.fail("slider needs curve, repeat count and length fields");
  auto points = control_points(at, head, fields[5]);
  const SliderTiming active = timing_at(timing, t);
  const int64_t slides = slide_count(at, fields[6]);
  const double length = at.number(fields[7], "slider length");
  const double velocity = slider_multiplier * active.slider_multiplier;
  const double duration = length / (velocity * 100) * active.beat_length;
  try {
    auto built = build_slider_path(std::move(points), length);
    return {Slider{duration, slides, std::move(built.path)}, std::move(built.repair)};
  } catch (const SliderPathError& e) {
    at.fail(e.what());
  }
}

// int(t + duration * slides), which raises for NaN and infinity.
double slider_end_time(const LineContext& at, double t, const Slider& s) {
  const auto end = python_trunc(t + s.slide_duration * static_cast<double>(s.slides));
  if (!end) at.fail("slider end time is not finite (duration " + std::to_string(s.slide_duration) + " ms)");
  return *end;
}

void add_slider(ParsedHitObjects& out, HitObject& object, SliderParse parsed, const LineContext& at) {
  Slider& s = parsed.slider;
  object.kind = HitObjectKind::slider;
  object.end_time = slider_end_time(at, object.t, s);
  object.start_pos = s.path.position(0.0);
  object.end_pos = s.path.position(static_cast<double>(((s.slides % 2) + 2) % 2));  // Python's mod
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

HitObject parse_one(ParsedHitObjects& out, const LineContext& at, const std::vector<TimingPoint>& timing,
                    double slider_multiplier) {
  const auto fields = split(at.entry.text, ',');
  if (fields.size() < 5) at.fail("needs x, y, time, type and hitsound fields");
  const double x = at.integer(fields[0], "x"), y = at.integer(fields[1], "y");
  const double t = at.integer(fields[2], "time");
  const double type = at.integer(fields[3], "type"), hitsound = at.integer(fields[4], "hitsound");
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
    add_slider(out, object, parse_slider(at, fields, {x, y}, t, timing, slider_multiplier), at);
  } else if (low_bits(type, 8)) {
    if (fields.size() < 6) at.fail("spinner needs an end time field");
    object.kind = HitObjectKind::spinner;
    object.end_time = at.integer(fields[5], "spinner end time");
    object.start_pos = object.end_pos = kPlayfieldCentre;
  } else {
    at.fail("invalid hit object type " + quoted(fields[3]));
  }
  return object;
}

}  // namespace

ParsedHitObjects parse_hit_objects(const std::vector<SectionLine>& lines,
                                   const std::vector<TimingPoint>& timing,
                                   double slider_multiplier, const std::string& file) {
  ParsedHitObjects out;
  out.objects.reserve(lines.size());
  for (const auto& entry : lines) {
    const LineContext at{file, entry, out.objects.size()};
    HitObject object = parse_one(out, at, timing, slider_multiplier);
    if (!out.objects.empty() && object.t < out.objects.back().end_time)
      at.fail("starts at " + std::to_string(object.t) + " ms, before the previous object ends at " +
              std::to_string(out.objects.back().end_time) + " ms");
    out.objects.push_back(object);
  }
  if (out.objects.empty()) throw ChartError(file, 0, "no hit objects");
  return out;
}

}  // namespace cartography::osu
