#include "synth/planted_chart.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <string>
#include <vector>

#include "synth/number_format.hpp"
#include "synth/slider_shape.hpp"

namespace cartography::synth {
namespace {

// The rows of the encoding, in stats::kInterpretableDims order.
enum class Row : int { onset, combo, slide, sustain, whistle, finish, clap, x, y };
constexpr double kPi = 3.14159265358979323846;
constexpr uint64_t kStreamLabel = 0x91A7;   // the planted streams, apart from every other draw
constexpr uint64_t kChoiceLabel = 0x91A8;   // the mapper's per-bar song-or-own choices
constexpr double kLeadMs = 2600;            // more than the 2048 ms an event row looks back
constexpr double kSliderVelocity = 0.25;    // slow sliders: short paths, the cursor stays on the curve
constexpr int kMinGapMs = 40;               // objects closer than this are dropped
constexpr int kMinSliderGapMs = 50;         // a shorter gap gets a circle
constexpr int kSliderMarginMs = 12;         // between a slider's end and the next object

int row(Row r) { return static_cast<int>(r); }

// Per bar, whether this mapper takes a dimension's content from the song (probability w).
class Choices {
 public:
  Choices(double strength, uint64_t mapper_seed, int dim, double origin, double bar_ms, double end_ms)
      : origin_(origin), bar_ms_(bar_ms) {
    Rng r = Rng::derive(mapper_seed, {kChoiceLabel, static_cast<uint64_t>(dim)});
    for (double t = origin; t <= end_ms + bar_ms; t += bar_ms) song_.push_back(r.chance(strength));
  }
  bool song_at(double t) const {
    const auto bar = static_cast<size_t>(std::max(0.0, std::floor((t - origin_) / bar_ms_)));
    return song_[std::min(bar, song_.size() - 1)];
  }

 private:
  double origin_, bar_ms_;
  std::vector<bool> song_;
};

// Both random streams of a dimension: [0] the song's, [1] the mapper's.
std::array<Rng, 2> streams(uint64_t song_seed, uint64_t mapper_seed, int dim) {
  const auto d = static_cast<uint64_t>(dim);
  return {Rng::derive(song_seed, {kStreamLabel, d}), Rng::derive(mapper_seed, {kStreamLabel, d})};
}

// Times from `from` to `to`, consecutive ones lo..hi ms apart (the first within hi of from).
std::vector<double> renewal(Rng& r, double from, double to, double lo, double hi) {
  std::vector<double> out;
  for (double t = from + r.uniform(0, hi); t < to; t += r.uniform(lo, hi)) out.push_back(t);
  return out;
}

// Events of a dimension: each bar's from the stream the mapper chose for it.
std::vector<double> mixed_events(const std::array<Rng, 2>& s, const Choices& choice, double from, double to,
                                 double lo, double hi) {
  std::array<Rng, 2> r = s;
  const std::vector<double> song = renewal(r[0], from, to, lo, hi), own = renewal(r[1], from, to, lo, hi);
  std::vector<double> out;
  for (double t : song)
    if (choice.song_at(t)) out.push_back(t);
  for (double t : own)
    if (!choice.song_at(t)) out.push_back(t);
  std::sort(out.begin(), out.end());
  return out;
}

// Alternating off (1.5-4.5 s) and on (0.3-0.9 s) spans: [start, end) pairs.
std::vector<std::pair<double, double>> spans(Rng& r, double from, double to) {
  std::vector<std::pair<double, double>> out;
  for (double t = from + r.uniform(0, 4500); t < to;) {
    const double end = t + r.uniform(300, 900);
    out.emplace_back(t, end);
    t = end + r.uniform(1500, 4500);
  }
  return out;
}

bool inside(const std::vector<std::pair<double, double>>& s, double t) {
  auto it = std::upper_bound(s.begin(), s.end(), std::make_pair(t, 1e300));
  return it != s.begin() && t < std::prev(it)->second;
}

// A smooth position curve: sines around the playfield's centre line. Six of periods 0.3-1.5 s
// make a broad spectrum, so two independent curves correlate little over a short song (three
// slower ones gave pairs a spread of r twice as wide).
constexpr size_t kSines = 6;
struct Curve {
  double centre = 0, low = 0, high = 0;
  std::array<double, kSines> amplitude{}, period{}, phase{};

  Curve(Rng& r, double centre_, double amp_lo, double amp_hi, double lo, double hi) : centre(centre_), low(lo), high(hi) {
    for (size_t i = 0; i < kSines; ++i) {
      amplitude[i] = r.uniform(amp_lo, amp_hi);
      period[i] = r.uniform(300, 1500);
      phase[i] = r.uniform(0, 2 * kPi);
    }
  }
  double at(double t) const {
    double v = centre;
    for (size_t i = 0; i < kSines; ++i) v += amplitude[i] * std::sin(2 * kPi * t / period[i] + phase[i]);
    return std::clamp(v, low, high);
  }
};

// A dimension's curve pair and choices: the position at t comes from the chosen curve.
struct MixedCurve {
  std::array<Curve, 2> curves;
  const Choices& choice;
  double at(double t) const { return curves[choice.song_at(t) ? 0 : 1].at(t); }
};

struct Plan {
  std::vector<int> onsets;
  std::vector<int> flags;  // per object: new-combo bit 4 and hitsound bits (2, 4, 8) << 8
};

std::vector<int> object_times(const std::array<Rng, 2>& s, const Choices& c, double from, double to) {
  std::vector<int> out;
  for (double t : mixed_events(s, c, from, to, 80, 160)) {
    const int ms = static_cast<int>(std::lround(t));
    if (out.empty() || ms - out.back() >= kMinGapMs) out.push_back(ms);
  }
  return out;
}

// Marks, with `bit`, the object nearest each event (the later one on a tie). Nearest rather than
// next: an event row rises steeply just after its event, so the smaller shift keeps more of a
// song-driven event's agreement when the mappers' objects differ.
void mark(const std::vector<int>& onsets, const std::vector<double>& events, int bit, std::vector<int>& flags) {
  if (onsets.empty()) return;
  for (double e : events) {
    auto it = std::lower_bound(onsets.begin(), onsets.end(), e, [](int t, double v) { return t < v; });
    if (it == onsets.end() || (it != onsets.begin() && e - *std::prev(it) < *it - e)) --it;
    flags[static_cast<size_t>(it - onsets.begin())] |= bit;
  }
}

std::string timing_line(double t, const std::string& x, int meter, bool inherited) {
  return std::to_string(static_cast<int>(std::lround(t))) + "," + x + "," + std::to_string(meter) + ",2,0," +
         (inherited ? "70,0,0" : "60,1,0");
}

class PlantedBuilder {
 public:
  PlantedBuilder(const ChartRequest& req, const PlantedSpec& spec, uint64_t mapper_seed)
      : req_(req), mapper_seed_(mapper_seed), song_seed_(req.song->music_seed) {
    const SongPlan& song = *req.song;
    // The red line on the song's grid, before every object: one velocity for the whole chart.
    origin_ = song.offset_ms - std::ceil((song.offset_ms + kLeadMs) / song.beat_length) * song.beat_length;
    origin_ = static_cast<double>(std::lround(origin_));
    bar_ms_ = song.beat_length * song.beats_per_bar;
    for (int d = 0; d < stats::kInterpretableCount; ++d)
      choices_.emplace_back(spec.strength_of(d), mapper_seed, d, origin_, bar_ms_, req.end_ms);
  }

  ChartText build() {
    ChartText out;
    const int meter = req_.song->beats_per_bar;
    out.timing_points = {timing_line(origin_, format_double(req_.song->beat_length), meter, false),
                         timing_line(origin_, format_double(-100.0 / kSliderVelocity), meter, true)};
    const double from = -kLeadMs, to = req_.end_ms;
    const std::vector<int> onsets = object_times(dim_streams(Row::onset), choices_[row(Row::onset)], from, to);
    std::vector<int> flags(onsets.size(), 0);
    const std::pair<Row, int> marks[] = {{Row::combo, 4}, {Row::whistle, 2 << 8}, {Row::finish, 4 << 8}, {Row::clap, 8 << 8}};
    for (const auto& [r, bit] : marks) mark(onsets, events(r, from, to), bit, flags);
    if (!flags.empty()) flags[0] |= 4;  // a chart's first object starts a combo
    const auto song_spans = slider_spans(0, from, to), own_spans = slider_spans(1, from, to);
    const MixedCurve x{curves(Row::x, 256, 25, 45, 16, 496), choices_[row(Row::x)]};
    const MixedCurve y{curves(Row::y, 192, 18, 34, 16, 368), choices_[row(Row::y)]};
    Rng shape_rng = Rng::derive(mapper_seed_, {kStreamLabel, 99});
    for (size_t i = 0; i < onsets.size(); ++i) {
      const int t = onsets[i];
      const Point pos{static_cast<int>(std::lround(x.at(t))), static_cast<int>(std::lround(y.at(t)))};
      const std::string head = std::to_string(pos.x) + "," + std::to_string(pos.y) + "," + std::to_string(t) + ",";
      const std::string hs = std::to_string(flags[i] >> 8);
      const bool combo = flags[i] & 4;
      const bool in_span = inside(choices_[row(Row::slide)].song_at(t) ? song_spans : own_spans, t);
      const int gap = i + 1 < onsets.size() ? onsets[i + 1] - t : 0;
      if (in_span && gap >= kMinSliderGapMs) {
        const double beats = (gap - kSliderMarginMs) / req_.song->beat_length;
        const SliderTiming st = slider_timing(req_, kSliderVelocity, t, beats, 1);
        const double angle = std::atan2(y.at(st.end) - pos.y, x.at(st.end) - pos.x);
        const SliderCurve curve = make_slider_curve(pos, angle, st.length, SliderShape::linear, false, shape_rng);
        out.hit_objects.push_back(head + std::to_string(combo ? 6 : 2) + "," + hs + "," + curve.text + ",1," +
                                  format_double(st.length));
        ++out.sliders;
        continue;
      }
      out.hit_objects.push_back(head + std::to_string(combo ? 5 : 1) + "," + hs + ",0:0:0:0:");
      ++out.circles;
    }
    if (req_.overlap) insert_overlap(out);
    return out;
  }

 private:
  std::array<Rng, 2> dim_streams(Row r) const { return streams(song_seed_, mapper_seed_, row(r)); }

  std::vector<double> events(Row r, double from, double to) const {
    return mixed_events(dim_streams(r), choices_[row(r)], from, to, 1000, 3000);
  }

  // SLIDE's streams drive the spans (SUSTAIN has the same strength: planted.hpp).
  std::vector<std::pair<double, double>> slider_spans(int which, double from, double to) const {
    std::array<Rng, 2> s = dim_streams(Row::slide);
    return spans(s[static_cast<size_t>(which)], from, to);
  }

  std::array<Curve, 2> curves(Row r, double centre, double amp_lo, double amp_hi, double lo, double hi) const {
    std::array<Rng, 2> s = dim_streams(r);
    return {Curve(s[0], centre, amp_lo, amp_hi, lo, hi), Curve(s[1], centre, amp_lo, amp_hi, lo, hi)};
  }

  const ChartRequest& req_;
  uint64_t mapper_seed_, song_seed_;
  double origin_ = 0, bar_ms_ = 0;
  std::vector<Choices> choices_;
};

}  // namespace

ChartText make_planted_chart(const ChartRequest& request, const PlantedSpec& spec, uint64_t mapper_seed) {
  return PlantedBuilder(request, spec, mapper_seed).build();
}

}  // namespace cartography::synth
