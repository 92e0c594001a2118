// The null (chance) baseline: the Track A / Track B pair statistics of real pairs, computed on
// pairs of charts of DIFFERENT songs, matched to the real pairs (issue 13 item 1). Pure part:
// which maps a null pair compares, over how many frames, and its statistics from any source of
// signals (the run reads them back from cartography.h5; tests give arrays). The MPI part that
// slices the pairs over ranks and gathers them is null_phase.*.
//
// For H6 (results/controls/null_baseline.json): after write_store() returns, rank 0 holds a
// NullRecords (null_phase() fills it; other ranks get an empty one). Its Track A records are
// in the canonical order of the real Track A pairs (null pair i was chosen for real pair i, so
// `track_a[i]` stands beside real `records.track_a[i]`); Track B likewise beside the real Track
// B pairs, for those whose null partner has a latent (`b_real_index[i]` says which real pair).
// The TrackAPair/TrackBPair `key` of a null record is the REAL pair's key; the cross-song
// identity is in a_pairs / b_pairs (controls::NullPair: song_a, member_a, song_b, member_b).
// A real pair has no null partner only when no other song exists (then a_pairs is shorter:
// match them by a_pairs[i].real, never by position alone).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "controls/null_pairs.hpp"
#include "pipeline/group_job.hpp"
#include "stats/signal_view.hpp"
#include "stats/track_a.hpp"
#include "stats/track_b.hpp"

namespace cartography::pipeline {

struct NullRecords {
  std::vector<controls::NullPair> a_pairs;   // one per real Track A pair, same order
  std::vector<int64_t> a_real_index;         // a_pairs[i] stands beside real track_a[a_real_index[i]]
  std::vector<stats::TrackAPair> track_a;    // track_a[i] compares a_pairs[i]
  std::vector<controls::NullPair> b_pairs;   // those null pairs with latents on both sides
  std::vector<int64_t> b_real_index;         // b_pairs[i] stands beside real track_b[b_real_index[i]]
  std::vector<stats::TrackBPair> track_b;    // track_b[i] compares b_pairs[i]
};

// Where each encoded map lies in cartography.h5 (the /maps table, manifest order).
struct MapTable {
  std::vector<int64_t> song_group_idx, frames, frame_offset, latent_frames, latent_offset;
  int64_t latent_dims = 0;
};

// Row of /maps for (song, member): the song's rows are contiguous, in member order.
// Throws std::out_of_range naming the pair when there is no such map.
class MapLocator {
 public:
  explicit MapLocator(const MapTable& maps);
  int64_t row(int64_t song, int64_t member) const;
  int64_t members(int64_t song) const;  // 0 for a song without maps
  // Per song (index song_group_idx): the shortest encoding and the shortest latent among its
  // maps, i.e. the common length its real pairs are compared over (0 when the song has no
  // maps; latent 0 when any map of the song lacks a latent: the song has no Track B pairs).
  std::vector<int64_t> song_frames() const;
  std::vector<int64_t> song_latent_frames() const;

 private:
  const MapTable& maps_;
  std::vector<int64_t> first_row_, count_;  // per song
};

// The signals of one map, read on demand (one pair at a time keeps memory bounded).
class SignalSource {
 public:
  virtual ~SignalSource() = default;
  virtual std::vector<double> encoding(int64_t row) = 0;  // [9, frames[row]] row-major
  virtual std::vector<float> latent(int64_t row) = 0;     // [latent_dims, latent_frames[row]]
};

// The songs the null pairs are drawn from: those of the real Track A pairs, with their member
// counts and common lengths (controls::choose_null_pairs' input). `creators[g]`, when given,
// lists song g's members' creators in member order: null pairs then never face a mapper with
// themselves, as real pairs never do.
// Per song_group_idx, the creators of its encoded maps in manifest (member) order, from the
// outcomes rank 0 gathered; songs without an outcome get an empty list.
std::vector<std::vector<std::string>> member_creators(const std::vector<GroupOutcome>& outcomes);

std::vector<controls::SongLength> null_candidate_songs(std::span<const stats::TrackAPair> real,
                                                       const MapLocator& where,
                                                       const std::vector<std::vector<std::string>>& creators = {});

// The statistics of null pair `p` (its `real` key is kept in the records). Track A over
// p.length frames; Track B when `with_latent` and both songs have latents for all their maps:
// over the shorter of the two songs' common latent lengths, if that reaches
// stats::kTrackBMinFrames (the rules of real pairs, which are cut to their song's shortest
// member). `song_latent` is MapLocator::song_latent_frames().
struct NullPairStats {
  stats::TrackAPair track_a;
  std::optional<stats::TrackBPair> track_b;
};
NullPairStats null_pair_stats(const controls::NullPair& p, const MapTable& maps, const MapLocator& where,
                              const std::vector<int64_t>& song_latent, SignalSource& source, bool with_latent);

// Null pairs [begin, end) of `pairs` (one rank's slice), one pair at a time. The result holds
// a_pairs, track_a and b_pairs/track_b; b_real_index holds, for now, each Track B record's index
// in `pairs` (link_track_b() turns it into the real pair's index once the slices are joined).
NullRecords null_slice(const std::vector<controls::NullPair>& pairs, size_t begin, size_t end,
                       const MapTable& maps, SignalSource& source, bool with_latent);

// Appends a later slice (rank order = pair order); its b_real_index are indices into `pairs`.
void append_slice(NullRecords& to, NullRecords&& slice);

// Rank 0, after joining: a_real_index / b_real_index become the indices in the real records
// (canonical order) of the pairs the null ones stand beside. A null Track B record whose real
// pair has no Track B record (its song had no latents) is dropped: nothing to compare it with.
void link_to_real(NullRecords& records, std::span<const stats::TrackAPair> real_track_a,
                  std::span<const stats::TrackBPair> real_track_b);

}  // namespace cartography::pipeline
