// Summary statistics with percentile-bootstrap intervals over SONGS (controls::bootstrap_means):
// every value is added with the song it belongs to, and a statistic is the ratio of its summed
// values to its summed counts, so "the mean over pairs" and "the mean over songs" are both
// ratios, and the pairs of one song are resampled together. Used by rank 0's controls outputs.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "controls/bootstrap.hpp"
#include "io/json.hpp"

namespace cartography::pipeline {

struct IntervalSpec {
  int64_t resamples = 1000;  // 0: point estimates only (lo and hi are null)
  double level = 0.95;
  uint64_t seed = 0;
};

class SongStats {
 public:
  // A new statistic; returns its index for add().
  size_t stat(const std::string& name);
  // `value` (weight `count`, usually 1) of statistic `k` for song `song`.
  void add(size_t k, int64_t song, double value, double count = 1);
  size_t size() const { return names_.size(); }
  const std::string& name(size_t k) const { return names_[k]; }

  // One interval per statistic, every one from the same song draws; songs in ascending index.
  std::vector<controls::Interval> intervals(const IntervalSpec& spec) const;

 private:
  std::vector<std::string> names_;
  std::map<int64_t, std::pair<std::vector<double>, std::vector<double>>> songs_;  // sums, counts
};

// A statistic measured two ways on the same units (real vs null pair, trained vs random
// encoder): both means, the mean of their per-unit difference, all with intervals by song, and
// Cohen's d (controls::effect_size) of the two sets of values.
class Comparison {
 public:
  Comparison(SongStats& s, const std::string& name, std::string first, std::string second);
  void add(SongStats& s, int64_t song, double first, double second);
  // A song's totals over `count` units at once (its values are not kept: no Cohen's d).
  void add_totals(SongStats& s, int64_t song, double first_sum, double second_sum, double count);
  size_t first_index() const { return first_; }
  size_t difference_index() const { return diff_; }
  // {first: interval, second: interval, "difference": interval, "cohens_d": d or null, "n"}
  io::Json json(const std::vector<controls::Interval>& intervals, const IntervalSpec& spec) const;

 private:
  std::string first_name_, second_name_;
  size_t first_, second_, diff_;
  std::vector<double> a_, b_;
};

// {"estimate", "lo", "hi"} (lo and hi null without resamples), or null when not defined.
io::Json interval_json(const controls::Interval& i, const IntervalSpec& spec);

// {"level", "resamples", "seed", "unit": "song"}: how every interval of a file was made.
io::Json interval_spec_json(const IntervalSpec& spec);

}  // namespace cartography::pipeline
