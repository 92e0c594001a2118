// The statistics of one song group, computed in one place: the pipeline calls it for every
// group it owns, and the statistics tests call it on their fixtures, so what the tests check is
// what the run does (pair selection, the common length, when Track B applies).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/group_controls.hpp"
#include "stats/signal_view.hpp"
#include "stats/synthesis.hpp"
#include "stats/track_a.hpp"
#include "stats/track_b.hpp"

namespace cartography::pipeline {

// A group's statistics records (Track A/B pairs, Track B members, per-beatmap synthesis maps).
struct GroupRecords {
  std::vector<stats::TrackAPair> track_a;
  std::vector<stats::TrackBPair> track_b;
  std::vector<stats::TrackBMember> members;
  std::vector<stats::BeatmapSynthesis> beatmaps;  // manifest order
  ControlRecords controls;  // filled by group_controls() when the controls are on

  void append(GroupRecords&& other);
};

// One encoded representative of a group, as the statistics see it.
struct StatsMember {
  std::string creator;
  stats::EncodingView encoding;
  std::optional<stats::LatentView> latent;  // absent: no latent model, or this map's latent failed
};

// The reference's rules, in one place: a group is analysed only with >= 2 distinct creators;
// pairs are compared over the shortest member; Track B needs a latent for every member and a
// common latent length of at least stats::kTrackBMinFrames; every member gets a synthesis record
// (with its latent when it has one). Members in manifest order.
GroupRecords group_statistics(int64_t song_group_idx, const std::vector<StatsMember>& members);

// The Track A and the Track B parts of group_statistics() (only track_a, or only track_b and
// members, filled), for callers that hold only one kind of signal.
GroupRecords track_a_records(int64_t song_group_idx, const std::vector<std::string>& creators,
                             const std::vector<stats::EncodingView>& encodings);
GroupRecords track_b_records(int64_t song_group_idx, const std::vector<std::string>& creators,
                             const std::vector<stats::LatentView>& latents);

}  // namespace cartography::pipeline
