// A parsed osu! chart: the reference's Beatmap (osu_dreamer/osu/beatmap.py) reimplemented
// from its behaviour. parse_beatmap accepts exactly the files the reference accepts and
// rejects the others with a ChartError; where the reference would put NaN into the encoding,
// the map is kept with a documented fallback, listed in repairs().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "osu/chart_error.hpp"
#include "osu/chart_limits.hpp"
#include "osu/hit_object.hpp"
#include "osu/timing.hpp"

namespace cartography::osu {

struct Break {
  double t = 0, end = 0;
};

struct BeatmapMetadata {
  std::string audio_filename, title, artist, creator, version;
  int64_t mode = 0;  // int(Mode); saturated if it exceeds int64 (only == 0 matters downstream)
  double hp = 0, cs = 0, od = 0;
  double ar = 7;  // ApproachRate, 7 when absent as in the reference
  double slider_multiplier = 1, slider_tick_rate = 1;
  int64_t beat_divisor = 4;
};

class Beatmap {
 public:
  Beatmap(std::string source_name, BeatmapMetadata metadata, std::vector<TimingPoint> timing_points,
          std::vector<HitObject> hit_objects, std::vector<Slider> sliders, std::vector<Break> breaks,
          std::vector<Repair> repairs, ChartLimits limits = {});

  const std::string& source_name() const { return source_name_; }
  const BeatmapMetadata& metadata() const { return metadata_; }
  const std::string& audio_filename() const { return metadata_.audio_filename; }
  const std::string& title() const { return metadata_.title; }
  const std::string& artist() const { return metadata_.artist; }
  const std::string& creator() const { return metadata_.creator; }
  const std::string& version() const { return metadata_.version; }
  int64_t mode() const { return metadata_.mode; }
  double od() const { return metadata_.od; }
  double ar() const { return metadata_.ar; }
  double cs() const { return metadata_.cs; }
  double hp() const { return metadata_.hp; }

  const std::vector<TimingPoint>& timing_points() const { return timing_points_; }
  const std::vector<HitObject>& hit_objects() const { return hit_objects_; }
  const std::vector<Slider>& sliders() const { return sliders_; }
  const Slider& slider_of(const HitObject& object) const { return sliders_.at(static_cast<size_t>(object.slider)); }
  const std::vector<Break>& breaks() const { return breaks_; }
  const std::vector<Repair>& repairs() const { return repairs_; }
  // The limits the chart was parsed under (the encoder holds its output to them).
  const ChartLimits& limits() const { return limits_; }

 private:
  std::string source_name_;
  BeatmapMetadata metadata_;
  std::vector<TimingPoint> timing_points_;
  std::vector<HitObject> hit_objects_;
  std::vector<Slider> sliders_;
  std::vector<Break> breaks_;
  std::vector<Repair> repairs_;
  ChartLimits limits_;
};

// `text` is the file's bytes; `source_name` names it in errors and repairs. Throws ChartError,
// also for a chart beyond `limits`.
Beatmap parse_beatmap(std::string_view text, const std::string& source_name, const ChartLimits& limits = {});

// Reads the file and parses it; the source name is the path as given. Throws ChartError
// (also when the file cannot be read, is not a regular file or is over the size limit, which
// is checked before reading).
Beatmap read_beatmap(const std::string& path, const ChartLimits& limits = {});

}  // namespace cartography::osu
