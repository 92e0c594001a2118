#include "osu/beatmap.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>

#include "osu/hit_objects.hpp"
#include "osu/python_number.hpp"
#include "osu/python_text.hpp"
#include "osu/sections.hpp"

namespace cartography::osu {
namespace {

// Line of a byte offset, counting line ends the way universal newlines do.
int64_t line_of_offset(std::string_view text, size_t offset) {
  LineReader reader(text.substr(0, offset));
  std::string_view line;
  int64_t count = 0;
  while (reader.next(line)) count = reader.line_number();
  const bool at_line_start = offset == 0 || text[offset - 1] == '\n' || text[offset - 1] == '\r';
  return at_line_start ? count + 1 : count;
}

void check_utf8(std::string_view text, const std::string& file) {
  if (const auto bad = first_invalid_utf8(text)) {
    std::ostringstream why;
    why << "not valid UTF-8 (byte 0x" << std::hex << static_cast<int>(static_cast<unsigned char>(text[*bad]))
        << std::dec << " at offset " << *bad << ")";
    throw ChartError(file, line_of_offset(text, *bad), why.str());
  }
}

void check_file_size(uint64_t bytes, const std::string& file, const ChartLimits& limits) {
  if (std::cmp_greater(bytes, limits.max_file_bytes))
    throw ChartError(file, 0, "file is " + std::to_string(bytes) + " bytes, more than " +
                                  std::to_string(limits.max_file_bytes) + " (ChartLimits::max_file_bytes)");
}

// Before any line is split into sections or fields.
void check_line_lengths(std::string_view text, const std::string& file, const ChartLimits& limits) {
  if (std::cmp_less_equal(text.size(), limits.max_line_bytes)) return;  // no line is longer than the file
  LineReader reader(text);
  std::string_view line;
  while (reader.next(line))
    if (std::cmp_greater(line.size(), limits.max_line_bytes))
      throw ChartError(file, reader.line_number(),
                       "line is " + std::to_string(line.size()) + " bytes, more than " +
                           std::to_string(limits.max_line_bytes) + " (ChartLimits::max_line_bytes)");
}

// Reads the reference's required and optional [Section] Key values, in the reference's order.
class FieldReader {
 public:
  FieldReader(const Sections& sections, const std::string& file) : sections_(sections), file_(file) {}

  const KeyValue& required(std::string_view section, std::string_view key) const {
    if (const auto* kv = sections_.find(section, key)) return *kv;
    throw ChartError(file_, 0, "missing [" + std::string(section) + "] " + std::string(key));
  }
  std::string text(std::string_view section, std::string_view key) const {
    return std::string(required(section, key).value);
  }
  double number(std::string_view section, std::string_view key) const { return parse_number(required(section, key), key); }
  double number_or(std::string_view section, std::string_view key, double fallback) const {
    const auto* kv = sections_.find(section, key);
    return kv ? parse_number(*kv, key) : fallback;
  }
  int64_t integer(std::string_view section, std::string_view key) const { return parse_integer(required(section, key), key); }
  int64_t integer_or(std::string_view section, std::string_view key, int64_t fallback) const {
    const auto* kv = sections_.find(section, key);
    return kv ? parse_integer(*kv, key) : fallback;
  }
  const std::vector<SectionLine>& list(std::string_view section) const {
    if (const auto* l = sections_.list(section)) return *l;
    throw ChartError(file_, 0, "missing [" + std::string(section) + "] section");
  }

 private:
  double parse_number(const KeyValue& kv, std::string_view key) const {
    const auto v = python_float(kv.value);
    if (!v) throw ChartError(file_, kv.line, std::string(key) + " is not a number: '" + std::string(kv.value) + "'");
    return *v;
  }
  // Saturated beyond int64: the reference keeps any size, and only the value's identity
  // (Mode == 0) is ever used.
  int64_t parse_integer(const KeyValue& kv, std::string_view key) const {
    const auto v = python_int(kv.value);
    if (!v) throw ChartError(file_, kv.line, std::string(key) + " is not an integer: '" + std::string(kv.value) + "'");
    return v->value;
  }

  const Sections& sections_;
  const std::string& file_;
};

BeatmapMetadata read_metadata(const FieldReader& fields) {
  BeatmapMetadata m;
  m.audio_filename = fields.text("General", "AudioFilename");
  m.mode = fields.integer("General", "Mode");
  m.title = fields.text("Metadata", "Title");
  m.artist = fields.text("Metadata", "Artist");
  m.creator = fields.text("Metadata", "Creator");
  m.version = fields.text("Metadata", "Version");
  m.hp = fields.number("Difficulty", "HPDrainRate");
  m.cs = fields.number("Difficulty", "CircleSize");
  m.od = fields.number("Difficulty", "OverallDifficulty");
  m.ar = fields.number_or("Difficulty", "ApproachRate", 7.0);
  m.slider_multiplier = fields.number("Difficulty", "SliderMultiplier");
  m.slider_tick_rate = fields.number("Difficulty", "SliderTickRate");
  m.beat_divisor = fields.integer_or("Editor", "BeatDivisor", 4);
  return m;
}

// Breaks are not encoded, but the reference parses them and a malformed event line (fewer
// than two fields, a break without exactly one end time) rejects the map there.
std::vector<Break> parse_breaks(const std::vector<SectionLine>& lines, const std::string& file,
                                const ChartLimits& limits) {
  std::vector<Break> breaks;
  for (const auto& entry : lines) {
    const std::string_view text = entry.text;
    const size_t first = text.find(',');
    if (first == std::string_view::npos) throw ChartError(file, entry.line, "event needs a type and a time");
    const std::string_view type = text.substr(0, first);
    if (type != "2" && type != "Break") continue;
    const std::string_view rest = text.substr(first + 1);
    const size_t second = rest.find(',');
    if (second == std::string_view::npos || rest.find(',', second + 1) != std::string_view::npos)
      throw ChartError(file, entry.line, "break needs exactly a start and an end time");
    auto integral = [&](std::string_view field) {
      const auto v = python_float(field);
      const auto t = v ? python_trunc(*v) : std::nullopt;
      if (!t) throw ChartError(file, entry.line, "break time is not a finite number: '" + std::string(field) + "'");
      return *t;
    };
    const Break b{integral(rest.substr(0, second)), integral(rest.substr(second + 1))};
    for (const double t : {b.t, b.end})
      if (!(std::abs(t) <= limits.max_time_ms))
        throw ChartError(file, entry.line, "break time " + shown(t) + " is outside ±" + shown(limits.max_time_ms) +
                                               " (ChartLimits::max_time_ms)");
    breaks.push_back(b);
  }
  return breaks;
}

}  // namespace

Beatmap::Beatmap(std::string source_name, BeatmapMetadata metadata, std::vector<TimingPoint> timing_points,
                 std::vector<HitObject> hit_objects, std::vector<Slider> sliders, std::vector<Break> breaks,
                 std::vector<Repair> repairs, ChartLimits limits)
    : source_name_(std::move(source_name)),
      metadata_(std::move(metadata)),
      timing_points_(std::move(timing_points)),
      hit_objects_(std::move(hit_objects)),
      sliders_(std::move(sliders)),
      breaks_(std::move(breaks)),
      repairs_(std::move(repairs)),
      limits_(limits) {}

Beatmap parse_beatmap(std::string_view text, const std::string& source_name, const ChartLimits& limits) {
  check_file_size(text.size(), source_name, limits);
  check_utf8(text, source_name);
  check_line_lengths(text, source_name, limits);
  const Sections sections = split_sections(text);
  const FieldReader fields(sections, source_name);
  BeatmapMetadata metadata = read_metadata(fields);
  const auto& object_lines = fields.list("HitObjects");
  const auto& timing_lines = fields.list("TimingPoints");
  auto timing = parse_timing_points(timing_lines, source_name, limits);
  auto objects = parse_hit_objects(object_lines, {timing, metadata.slider_multiplier}, source_name, limits);
  const auto* events = sections.list("Events");
  auto breaks = events ? parse_breaks(*events, source_name, limits) : std::vector<Break>{};
  return Beatmap(source_name, std::move(metadata), std::move(timing), std::move(objects.objects),
                 std::move(objects.sliders), std::move(breaks), std::move(objects.repairs), limits);
}

Beatmap read_beatmap(const std::string& path, const ChartLimits& limits) {
  // A FIFO or a device would be read until it ends, if ever: only regular files, and their
  // size is known before reading.
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (error) throw ChartError(path, 0, "cannot open the file: " + error.message());
  if (!std::filesystem::is_regular_file(status)) throw ChartError(path, 0, "not a regular file");
  const auto size = std::filesystem::file_size(path, error);
  if (error) throw ChartError(path, 0, "cannot read the file size: " + error.message());
  check_file_size(size, path, limits);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ChartError(path, 0, "cannot open the file");
  std::string content(size, '\0');
  in.read(content.data(), static_cast<std::streamsize>(size));
  if (in.bad() || in.gcount() != static_cast<std::streamsize>(size)) throw ChartError(path, 0, "cannot read the file");
  return parse_beatmap(content, path, limits);
}

}  // namespace cartography::osu
