#include "pipeline/group_statistics.hpp"

#include <iterator>

#include "stats/pairs.hpp"

namespace cartography::pipeline {
namespace {

template <typename T>
void move_append(std::vector<T>& to, std::vector<T>& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

template <typename View>
int64_t shortest(const std::vector<View>& views) {
  std::vector<int64_t> lengths;
  for (const View& v : views) lengths.push_back(v.length);
  return stats::common_length(lengths);
}

}  // namespace

// Here rather than in group_controls.cpp: the statistics library holds every record type's merge.
void ControlRecords::append(ControlRecords&& o) {
  move_append(onset, o.onset);
  move_append(lag, o.lag);
  move_append(reliability, o.reliability);
  move_append(random, o.random);
}

void GroupRecords::append(GroupRecords&& o) {
  move_append(track_a, o.track_a);
  move_append(track_b, o.track_b);
  move_append(members, o.members);
  move_append(beatmaps, o.beatmaps);
  controls.append(std::move(o.controls));
}

GroupRecords track_a_records(int64_t idx, const std::vector<std::string>& creators,
                             const std::vector<stats::EncodingView>& encodings) {
  GroupRecords rec;
  if (stats::distinct_creators(creators) < 2) return rec;
  const int64_t n = shortest(encodings);
  for (const stats::PairKey& key : stats::enumerate_pairs(idx, creators))
    rec.track_a.push_back(stats::track_a_pair(key, encodings[size_t(key.member_a)], encodings[size_t(key.member_b)], n));
  return rec;
}

GroupRecords track_b_records(int64_t idx, const std::vector<std::string>& creators,
                             const std::vector<stats::LatentView>& latents) {
  GroupRecords rec;
  const int64_t n = shortest(latents);
  if (stats::distinct_creators(creators) < 2 || n < stats::kTrackBMinFrames) return rec;
  for (const stats::PairKey& key : stats::enumerate_pairs(idx, creators))
    rec.track_b.push_back(stats::track_b_pair(key, latents[size_t(key.member_a)], latents[size_t(key.member_b)], n));
  for (size_t i = 0; i < latents.size(); ++i)
    rec.members.push_back(stats::track_b_member(idx, int64_t(i), creators[i], latents[i], n));
  return rec;
}

GroupRecords group_statistics(int64_t song_group_idx, const std::vector<StatsMember>& members) {
  std::vector<std::string> creators;
  std::vector<stats::EncodingView> encodings;
  std::vector<stats::LatentView> latents;
  for (const StatsMember& m : members) {
    creators.push_back(m.creator);
    encodings.push_back(m.encoding);
    if (m.latent) latents.push_back(*m.latent);
  }
  GroupRecords rec = track_a_records(song_group_idx, creators, encodings);
  if (!members.empty() && latents.size() == members.size())
    rec.append(track_b_records(song_group_idx, creators, latents));
  for (const StatsMember& m : members) rec.beatmaps.push_back(stats::synthesis_beatmap(m.encoding, m.latent));
  return rec;
}

}  // namespace cartography::pipeline
