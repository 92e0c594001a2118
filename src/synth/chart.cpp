#include "synth/chart.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "synth/number_format.hpp"
#include "synth/slider_shape.hpp"

namespace cartography::synth {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Slider velocity sections: (time, multiplier); an uninherited line resets the multiplier to
// 1, a later inherited line at the same time overrides it, as the reader applies them.
struct TimingLine {
  int t = 0;
  bool inherited = false;
  double sv = 1;
  bool kiai = false;
};

class Timing {
 public:
  Timing(const SongPlan& song, const MapperStyle& style, double end_ms, Rng& rng) : song_(song) {
    lines_.push_back({song.offset_ms, false, 1, false});
    const double bar = song.beat_length * song.beats_per_bar;
    static const std::vector<double> velocities = {0.5, 0.75, 0.8, 1.25, 1.5, 2.0};
    bool kiai = false;
    for (int b = 4; song.offset_ms + b * bar < end_ms; b += 4) {
      const int t = bar_time(b);
      if (rng.chance(0.05)) lines_.push_back({t, false, 1, kiai});  // a redundant red line
      if (rng.chance(style.sv_changes)) {
        kiai = rng.chance(0.3) ? !kiai : kiai;
        lines_.push_back({t, true, rng.chance(0.4) ? 1.0 : rng.pick(velocities), kiai});
      }
    }
  }

  int bar_time(int bar) const {
    return static_cast<int>(std::lround(song_.offset_ms + bar * song_.beat_length * song_.beats_per_bar));
  }

  double sv_at(int t) const {
    double sv = 1;
    for (const TimingLine& l : lines_) {
      if (l.t > t) break;
      sv = l.inherited ? l.sv : 1.0;
    }
    return sv;
  }

  std::vector<std::string> text() const {
    std::vector<std::string> out;
    const std::string meter = std::to_string(song_.beats_per_bar);
    for (const TimingLine& l : lines_) {
      const std::string x = l.inherited ? format_double(-100.0 / l.sv) : format_double(song_.beat_length);
      out.push_back(std::to_string(l.t) + "," + x + "," + meter + ",2,0," + (l.inherited ? "70" : "60") +
                    "," + (l.inherited ? "0" : "1") + "," + (l.kiai ? "1" : "0"));
    }
    return out;
  }

 private:
  const SongPlan& song_;
  std::vector<TimingLine> lines_;
};

struct LevelRhythm {
  int divisor;          // grid slots per beat
  double slot_weight[4];  // placement weight by slot kind: downbeat, beat, half, quarter
  double spacing_scale;
};

LevelRhythm rhythm_for(int level) {
  switch (level) {
    case 0: return {1, {1.0, 0.55, 0, 0}, 0.55};
    case 1: return {2, {1.0, 0.8, 0.2, 0}, 0.7};
    case 2: return {2, {1.0, 0.9, 0.5, 0}, 0.85};
    case 3: return {4, {1.0, 0.95, 0.6, 0.25}, 1.0};
    default: return {4, {1.0, 1.0, 0.75, 0.45}, 1.15};
  }
}

int slot_kind(int slot, int divisor, int beats_per_bar) {
  if (slot % (divisor * beats_per_bar) == 0) return 0;
  if (slot % divisor == 0) return 1;
  if (divisor >= 2 && (slot * 2) % divisor == 0) return 2;
  return 3;
}

class Cursor {
 public:
  Cursor(const MapperStyle& style, double scale, Rng& rng)
      : style_(style), scale_(scale), rng_(rng), angle_(rng.uniform(0, 2 * kPi)) {}

  Point next(Point from, double gap_beats) {
    double distance = std::clamp(style_.spacing * scale_ * std::min(gap_beats, 2.0), 0.0, 300.0);
    if (style_.flow == 0) angle_ += rng_.uniform(-0.5, 0.5);
    if (style_.flow == 1) angle_ += (rng_.chance(0.5) ? 1 : -1) * rng_.uniform(1.8, 2.8);
    if (style_.flow == 2) {
      distance *= 0.5;
      angle_ += rng_.uniform(-1.2, 1.2);
    }
    for (int attempt = 0; attempt < 8; ++attempt) {
      const double x = from.x + distance * std::cos(angle_), y = from.y + distance * std::sin(angle_);
      if (x >= 16 && x <= 496 && y >= 16 && y <= 368)
        return {static_cast<int>(std::lround(x)), static_cast<int>(std::lround(y))};
      angle_ += kPi / 2 + rng_.uniform(0, 1);
    }
    return {std::clamp(from.x, 16, 496), std::clamp(from.y, 16, 368)};
  }
  double heading() const { return angle_; }

 private:
  const MapperStyle& style_;
  double scale_;
  Rng& rng_;
  double angle_;
};

std::string hitsound_for(int kind, const MapperStyle& s, Rng& rng, int& bits) {
  bits = 0;
  if (kind == 0 && rng.chance(s.finish)) bits |= 4;
  if (kind == 1 && rng.chance(s.clap)) bits |= 8;
  if (rng.chance(s.whistle)) bits |= 2;
  return std::to_string(bits);
}

struct Builder {
  const ChartRequest& req;
  Rng& rng;
  ChartText out;
  Timing timing;
  int combo_count = 0;

  Builder(const ChartRequest& r, Rng& g)
      : req(r), rng(g), timing(*r.song, *r.style, r.end_ms, g) {}

  int type_bits(int base, bool new_combo) {
    int type = base;
    if (new_combo) {
      type |= 4;
      if (rng.chance(0.03)) type |= static_cast<int>(rng.integer(1, 3)) << 4;  // colour skip
      combo_count = 0;
    }
    ++combo_count;
    return type;
  }

  bool wants_new_combo(int kind) const {
    const int len = req.style->combo_length;
    if (combo_count == 0) return true;
    return len == 0 ? kind == 0 : combo_count >= len;
  }
};

}  // namespace

SliderTiming slider_timing(const ChartRequest& req, double sv, int t, double beats, int slides) {
  const double sm = req.style->slider_multiplier;
  const double bl = req.song->beat_length;
  SliderTiming s;
  s.length = canonical_double(sm * 100.0 * sv * beats, 10);
  const double duration = s.length / (sm * sv * 100.0) * bl;
  s.end = static_cast<int>(t + duration * slides);
  return s;
}

namespace {

std::string edge_fields(int slides, Rng& rng) {
  std::string sounds, sets;
  for (int i = 0; i <= slides; ++i) {
    static const std::vector<int> edge = {0, 0, 2, 8};
    sounds += (i ? "|" : "") + std::to_string(rng.pick(edge));
    sets += i ? "|0:0" : "0:0";
  }
  return "," + sounds + "," + sets + ",0:0:0:0:";
}

void standard_chart(Builder& b) {
  const ChartRequest& req = b.req;
  const SongPlan& song = *req.song;
  const MapperStyle& style = *req.style;
  Rng& rng = b.rng;
  const LevelRhythm rhythm = rhythm_for(req.difficulty->level);
  Cursor cursor(style, rhythm.spacing_scale, rng);
  const double slot_ms = song.beat_length / rhythm.divisor;
  const double density = std::min(1.0, style.density * (0.8 + 0.12 * req.difficulty->level));

  // An optional break of 5-8 s around the middle.
  double break_start = -1, break_end = -1;
  if (req.end_ms - song.offset_ms > 25000 && rng.chance(style.break_chance)) {
    break_start = song.offset_ms + (req.end_ms - song.offset_ms) * rng.uniform(0.45, 0.6);
    break_end = break_start + rng.uniform(5000, 8000);
  }

  Point last{256, 192};
  double next_free = -1e9, last_end = song.offset_ms;
  const int first_slot = rhythm.divisor * song.beats_per_bar * static_cast<int>(rng.integer(1, 2));
  bool after_break = false;
  for (int slot = first_slot;; ++slot) {
    const int t = static_cast<int>(std::lround(song.offset_ms + slot * slot_ms));
    if (t > req.end_ms - 500) break;
    if (t < next_free) continue;
    if (break_start >= 0 && t >= break_start - 200 && t < break_end) {
      after_break = true;
      continue;
    }
    const int kind = slot_kind(slot, rhythm.divisor, song.beats_per_bar);
    if (!rng.chance(density * rhythm.slot_weight[kind])) continue;

    int hs_bits = 0;
    const std::string hs = hitsound_for(kind, style, rng, hs_bits);
    const double gap_beats = (t - last_end) / song.beat_length;
    const bool combo = after_break || b.wants_new_combo(kind);
    after_break = false;
    const double bar_ms = song.beat_length * song.beats_per_bar;

    // A spinner now and then on a downbeat, one or two bars long.
    if (kind == 0 && t > song.offset_ms + 2 * bar_ms && rng.chance(style.spinner_rate)) {
      const int end = static_cast<int>(std::lround(t + bar_ms * static_cast<double>(rng.integer(1, 2))));
      if (end < req.end_ms - 500 && (break_start < 0 || end < break_start - 200 || t >= break_end)) {
        b.out.hit_objects.push_back("256,192," + std::to_string(t) + "," + std::to_string(b.type_bits(8, true)) +
                                    "," + hs + "," + std::to_string(end) + ",0:0:0:0:");
        ++b.out.spinners;
        b.combo_count = 0;
        next_free = end + song.beat_length;
        last_end = end;
        last = {256, 192};
        continue;
      }
    }

    const Point pos = cursor.next(last, gap_beats);
    if (rng.chance(style.slider_ratio)) {
      static const std::vector<double> beat_choices = {0.5, 1.0, 1.0, 1.5, 2.0};
      double beats = rng.pick(beat_choices);
      const int slides = rng.chance(0.8) ? 1 : rng.chance(0.75) ? 2 : 3;
      const double sv = b.timing.sv_at(t);
      SliderTiming st = slider_timing(req, sv, t, beats, slides);
      while (st.length > 360 && beats > 0.5) st = slider_timing(req, sv, t, beats /= 2, slides);
      const bool fits = st.end < req.end_ms - 500 && (break_start < 0 || st.end < break_start - 200 || t >= break_end);
      if (fits && st.length >= 20) {
        const auto shape = static_cast<SliderShape>(rng.weighted(style.shape_weights));
        const bool catmull = shape == SliderShape::bezier && rng.chance(style.catmull);
        const SliderCurve curve = make_slider_curve(pos, cursor.heading(), st.length, shape, catmull, rng);
        std::string line = std::to_string(pos.x) + "," + std::to_string(pos.y) + "," + std::to_string(t) + "," +
                           std::to_string(b.type_bits(2, combo)) + "," + hs + "," + curve.text + "," +
                           std::to_string(slides) + "," + format_double(st.length);
        if (style.long_slider_syntax) line += edge_fields(slides, rng);
        b.out.hit_objects.push_back(line);
        ++b.out.sliders;
        // The next object comes at least half a slot after the slider's end.
        next_free = st.end + slot_ms / 2;
        last_end = st.end;
        last = slides % 2 ? curve.end : pos;
        continue;
      }
    }
    b.out.hit_objects.push_back(std::to_string(pos.x) + "," + std::to_string(pos.y) + "," + std::to_string(t) +
                                "," + std::to_string(b.type_bits(1, combo)) + "," + hs + ",0:0:0:0:");
    ++b.out.circles;
    next_free = t + 1;
    last_end = t;
    last = pos;
  }
  if (b.out.hit_objects.empty()) {  // a sparse style on a short song: keep the chart valid
    const int t = static_cast<int>(std::lround(song.offset_ms + song.beat_length * song.beats_per_bar));
    b.out.hit_objects.push_back("256,192," + std::to_string(t) + ",5,0,0:0:0:0:");
    ++b.out.circles;
    break_start = -1;
  }
  if (break_start >= 0)
    b.out.breaks.push_back("2," + std::to_string(static_cast<int>(break_start)) + "," +
                           std::to_string(static_cast<int>(break_end)));
}

// Taiko, catch and mania charts: only their presence matters to the study (it skips them), so
// they are simple: notes on the grid, drumrolls or holds now and then.
void other_mode_chart(Builder& b) {
  const ChartRequest& req = b.req;
  const SongPlan& song = *req.song;
  Rng& rng = b.rng;
  const int mode = req.difficulty->mode;
  const double slot_ms = song.beat_length / 2;
  const int keys = std::max(1, static_cast<int>(req.difficulty->cs));
  double next_free = -1e9;
  for (int slot = 2 * song.beats_per_bar;; ++slot) {
    const int t = static_cast<int>(std::lround(song.offset_ms + slot * slot_ms));
    if (t > req.end_ms - 1000) break;
    if (t < next_free || !rng.chance(0.55)) continue;
    const int hs = rng.chance(0.3) ? (rng.chance(0.5) ? 2 : 8) : 0;
    const std::string ts = std::to_string(t);
    if (mode == 3) {
      const int col = static_cast<int>(rng.integer(0, keys - 1));
      const int x = (512 * col + 256) / keys;
      if (rng.chance(0.15)) {
        const int end = static_cast<int>(std::lround(t + song.beat_length * static_cast<double>(rng.integer(1, 2))));
        b.out.hit_objects.push_back(std::to_string(x) + ",192," + ts + ",128," + std::to_string(hs) + "," +
                                    std::to_string(end) + ":0:0:0:0:");
      } else {
        b.out.hit_objects.push_back(std::to_string(x) + ",192," + ts + ",1," + std::to_string(hs) + ",0:0:0:0:");
      }
      ++b.out.circles;
      continue;
    }
    const int x = mode == 1 ? 256 : static_cast<int>(rng.integer(32, 480));
    if (rng.chance(0.1)) {
      const SliderTiming st = slider_timing(req, b.timing.sv_at(t), t, 1.0, 1);
      if (st.end < req.end_ms - 1000) {
        b.out.hit_objects.push_back(std::to_string(x) + ",192," + ts + "," + std::to_string(b.type_bits(2, false)) +
                                    "," + std::to_string(hs) + ",L|" + std::to_string(std::min(512, x + 100)) +
                                    ":192,1," + format_double(st.length));
        ++b.out.sliders;
        next_free = st.end + slot_ms / 2;
        continue;
      }
    }
    b.out.hit_objects.push_back(std::to_string(x) + ",192," + ts + "," +
                                std::to_string(b.type_bits(1, b.wants_new_combo(1))) + "," + std::to_string(hs) +
                                ",0:0:0:0:");
    ++b.out.circles;
    next_free = t + 1;
  }
}

}  // namespace

void insert_overlap(ChartText& chart) {
  for (size_t i = 0; i < chart.hit_objects.size(); ++i) {
    const std::string& line = chart.hit_objects[i];
    std::vector<std::string> f;
    size_t start = 0;
    for (size_t p; (p = line.find(',', start)) != std::string::npos; start = p + 1) f.push_back(line.substr(start, p - start));
    f.push_back(line.substr(start));
    if (f.size() < 8 || !(std::stoi(f[3]) & 2)) continue;
    const int t = std::stoi(f[2]);
    chart.hit_objects.insert(chart.hit_objects.begin() + static_cast<long>(i) + 1,
                             f[0] + "," + f[1] + "," + std::to_string(t + 1) + ",1,0,0:0:0:0:");
    ++chart.circles;
    return;
  }
}

ChartText make_chart(const ChartRequest& request, Rng& rng) {
  Builder b(request, rng);
  if (request.difficulty->mode == 0)
    standard_chart(b);
  else
    other_mode_chart(b);
  if (request.overlap) insert_overlap(b.out);
  b.out.timing_points = b.timing.text();
  return b.out;
}

}  // namespace cartography::synth
