// The reference builds each signal row by assigning values to frame regions, one region after
// another (sig[region] = value), so a frame ends up with the value of the LAST region, in
// that order, that contains it. PaintOrder replays that rule in one sweep over the frames:
// regions are kept in their paint order, sorted by first frame, and a heap (latest region on
// top, expired ones dropped lazily) gives the region in force. A sweep reports runs of frames
// with one region in force, so the cost is O(regions · log regions + frames).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace cartography::encode {

class PaintOrder {
 public:
  static constexpr int64_t kNone = -1;

  // Adds the next region in paint order, frames [begin, end); returns its number (payloads
  // are kept by the caller under that number). Empty regions are numbered but never win.
  int64_t add(int64_t begin, int64_t end) {
    regions_.push_back({begin, end});
    sorted_ = false;
    return static_cast<int64_t>(regions_.size()) - 1;
  }

  // Calls fill(from, to, region) for consecutive runs that cover [first, last), region being
  // the number of the region in force or kNone. Sweeps are fastest in increasing frame order
  // (a streaming encoder's blocks); going back restarts from frame 0.
  template <class Fill>
  void sweep(int64_t first, int64_t last, Fill&& fill) {
    if (!sorted_) sort_regions();
    if (first < position_) restart();
    advance_to(first);
    for (int64_t frame = first; frame < last;) {
      advance_to(frame);
      int64_t run_end = last;
      if (next_ < by_begin_.size()) run_end = std::min(run_end, regions_[by_begin_[next_]].begin);
      int64_t in_force = kNone;
      if (!active_.empty()) {
        in_force = active_.front();
        run_end = std::min(run_end, regions_[in_force].end);
      }
      fill(frame, run_end, in_force);
      frame = run_end;
    }
    position_ = std::max(position_, last);
  }

 private:
  struct Region {
    int64_t begin, end;
  };

  void sort_regions() {
    by_begin_.clear();
    for (int64_t i = 0; i < static_cast<int64_t>(regions_.size()); ++i)
      if (regions_[i].begin < regions_[i].end) by_begin_.push_back(i);
    std::stable_sort(by_begin_.begin(), by_begin_.end(),
                     [&](int64_t a, int64_t b) { return regions_[a].begin < regions_[b].begin; });
    sorted_ = true;
    restart();
  }

  void restart() {
    position_ = 0;
    next_ = 0;
    active_.clear();
  }

  // Enters regions that have begun by `frame` and drops expired ones from the top.
  void advance_to(int64_t frame) {
    while (next_ < by_begin_.size() && regions_[by_begin_[next_]].begin <= frame) {
      active_.push_back(by_begin_[next_++]);
      std::push_heap(active_.begin(), active_.end());
    }
    while (!active_.empty() && regions_[active_.front()].end <= frame) {
      std::pop_heap(active_.begin(), active_.end());
      active_.pop_back();
    }
    position_ = std::max(position_, frame);
  }

  std::vector<Region> regions_;
  std::vector<int64_t> by_begin_;  // numbers of the non-empty regions, by first frame
  bool sorted_ = true;
  size_t next_ = 0;                // next region of by_begin_ to enter
  std::vector<int64_t> active_;    // max-heap of region numbers: the latest painted on top
  int64_t position_ = 0;
};

}  // namespace cartography::encode
