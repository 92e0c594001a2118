// A group's statistics records (Track A/B pairs, Track B members, per-beatmap synthesis maps)
// and their exact JSON form for the trip to rank 0.
#pragma once

#include <vector>

#include "io/json.hpp"
#include "stats/synthesis.hpp"
#include "stats/track_a.hpp"
#include "stats/track_b.hpp"

namespace cartography::pipeline {

struct GroupRecords {
  std::vector<stats::TrackAPair> track_a;
  std::vector<stats::TrackBPair> track_b;
  std::vector<stats::TrackBMember> members;
  std::vector<stats::BeatmapSynthesis> beatmaps;  // manifest order

  void append(GroupRecords&& other);
};

io::Json records_to_json(const GroupRecords& r);
GroupRecords records_from_json(const io::Json& j);

}  // namespace cartography::pipeline
