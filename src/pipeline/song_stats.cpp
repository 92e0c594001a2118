#include "pipeline/song_stats.hpp"

#include "controls/effect_size.hpp"

namespace cartography::pipeline {

size_t SongStats::stat(const std::string& name) {
  names_.push_back(name);
  for (auto& [song, table] : songs_) {
    table.first.push_back(0);
    table.second.push_back(0);
  }
  return names_.size() - 1;
}

void SongStats::add(size_t k, int64_t song, double value, double count) {
  auto& table = songs_[song];
  table.first.resize(names_.size(), 0);
  table.second.resize(names_.size(), 0);
  table.first[k] += value;
  table.second[k] += count;
}

std::vector<controls::Interval> SongStats::intervals(const IntervalSpec& spec) const {
  controls::SongTable t;
  t.songs = static_cast<int64_t>(songs_.size());
  t.stats = static_cast<int64_t>(names_.size());
  for (const auto& [song, table] : songs_) {
    for (size_t k = 0; k < names_.size(); ++k) {
      t.sums.push_back(k < table.first.size() ? table.first[k] : 0);
      t.counts.push_back(k < table.second.size() ? table.second[k] : 0);
    }
  }
  if (spec.resamples > 0 && t.songs > 0) return controls::bootstrap_means(t, {spec.resamples, spec.level, spec.seed});
  // Point estimates only: the same ratio of totals, summed in song order.
  std::vector<controls::Interval> out(names_.size());
  for (size_t k = 0; k < names_.size(); ++k) {
    double sum = 0, count = 0;
    for (int64_t s = 0; s < t.songs; ++s) {
      sum += t.sums[size_t(s) * names_.size() + k];
      count += t.counts[size_t(s) * names_.size() + k];
    }
    if (count > 0) out[k] = {sum / count, 0, 0, 0, true};
  }
  return out;
}

Comparison::Comparison(SongStats& s, const std::string& name, std::string first, std::string second)
    : first_name_(std::move(first)), second_name_(std::move(second)),
      first_(s.stat(name + "." + first_name_)), second_(s.stat(name + "." + second_name_)),
      diff_(s.stat(name + ".difference")) {}

void Comparison::add(SongStats& s, int64_t song, double first, double second) {
  s.add(first_, song, first);
  s.add(second_, song, second);
  s.add(diff_, song, first - second);
  a_.push_back(first);
  b_.push_back(second);
}

void Comparison::add_totals(SongStats& s, int64_t song, double first_sum, double second_sum, double count) {
  s.add(first_, song, first_sum, count);
  s.add(second_, song, second_sum, count);
  s.add(diff_, song, first_sum - second_sum, count);
}

io::Json Comparison::json(const std::vector<controls::Interval>& iv, const IntervalSpec& spec) const {
  const controls::EffectSize e = controls::effect_size(a_, b_);
  return {{first_name_, interval_json(iv[first_], spec)},
          {second_name_, interval_json(iv[second_], spec)},
          {"difference", interval_json(iv[diff_], spec)},
          {"cohens_d", e.d_defined ? io::Json(e.cohens_d) : io::Json(nullptr)},
          {"n", a_.size()}};
}

io::Json interval_json(const controls::Interval& i, const IntervalSpec& spec) {
  if (!i.valid) return nullptr;
  io::Json j = {{"estimate", i.estimate}, {"lo", nullptr}, {"hi", nullptr}};
  if (spec.resamples > 0) {
    j["lo"] = i.lo;
    j["hi"] = i.hi;
  }
  return j;
}

io::Json interval_spec_json(const IntervalSpec& spec) {
  return {{"level", spec.level}, {"resamples", spec.resamples}, {"seed", spec.seed}, {"unit", "song"}};
}

}  // namespace cartography::pipeline
