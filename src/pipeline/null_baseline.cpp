#include "pipeline/null_baseline.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <tuple>
#include <stdexcept>
#include <string>

namespace cartography::pipeline {
namespace {

std::string map_text(int64_t song, int64_t member) {
  return "song " + std::to_string(song) + " member " + std::to_string(member);
}

// Per song: the minimum of `lengths` over its rows (0 for a song without rows).
std::vector<int64_t> shortest_per_song(const std::vector<int64_t>& first, const std::vector<int64_t>& count,
                                       const std::vector<int64_t>& lengths) {
  std::vector<int64_t> out(first.size(), 0);
  for (size_t s = 0; s < first.size(); ++s) {
    if (count[s] == 0) continue;
    auto begin = lengths.begin() + first[s];
    out[s] = *std::min_element(begin, begin + count[s]);
  }
  return out;
}

}  // namespace

MapLocator::MapLocator(const MapTable& maps) : maps_(maps) {
  const auto& song = maps.song_group_idx;
  for (size_t r = 0; r < song.size(); ++r) {
    const int64_t s = song[r];
    if (s < 0) throw std::invalid_argument("maps/song_group_idx: negative song index at row " + std::to_string(r));
    if (size_t(s) >= first_row_.size()) {
      first_row_.resize(size_t(s) + 1, 0);
      count_.resize(size_t(s) + 1, 0);
    }
    if (count_[size_t(s)] == 0) {
      first_row_[size_t(s)] = int64_t(r);
    } else if (first_row_[size_t(s)] + count_[size_t(s)] != int64_t(r)) {
      // The store writes each group's maps together; anything else is not a run file of ours.
      throw std::invalid_argument("maps/song_group_idx: the maps of song " + std::to_string(s) +
                                  " are not contiguous");
    }
    ++count_[size_t(s)];
  }
}

int64_t MapLocator::row(int64_t song, int64_t member) const {
  if (song < 0 || size_t(song) >= count_.size() || member < 0 || member >= count_[size_t(song)])
    throw std::out_of_range("null baseline: no map for " + map_text(song, member));
  return first_row_[size_t(song)] + member;
}

std::vector<int64_t> MapLocator::song_frames() const { return shortest_per_song(first_row_, count_, maps_.frames); }

std::vector<int64_t> MapLocator::song_latent_frames() const {
  return shortest_per_song(first_row_, count_, maps_.latent_frames);
}

int64_t MapLocator::members(int64_t song) const {
  return song >= 0 && size_t(song) < count_.size() ? count_[size_t(song)] : 0;
}

std::vector<std::vector<std::string>> member_creators(const std::vector<GroupOutcome>& outcomes) {
  std::vector<std::vector<std::string>> out;
  for (const GroupOutcome& o : outcomes) {
    if (o.song_group_idx < 0) continue;
    if (size_t(o.song_group_idx) >= out.size()) out.resize(size_t(o.song_group_idx) + 1);
    auto& names = out[size_t(o.song_group_idx)];
    names.clear();
    for (const EncodedMap& m : o.maps) names.push_back(m.entry.creator.value_or(""));
  }
  return out;
}

std::vector<controls::SongLength> null_candidate_songs(std::span<const stats::TrackAPair> real,
                                                       const MapLocator& where,
                                                       const std::vector<std::vector<std::string>>& creators) {
  const std::vector<int64_t> frames = where.song_frames();
  std::vector<controls::SongLength> songs;
  for (const stats::TrackAPair& p : real) {
    const int64_t g = p.key.song_group_idx;
    if (!songs.empty() && songs.back().song_group_idx == g) continue;  // pairs are in song order
    songs.push_back({g, where.members(g), g < int64_t(frames.size()) ? frames[size_t(g)] : 0,
                     g < int64_t(creators.size()) ? creators[size_t(g)] : std::vector<std::string>{}});
  }
  return songs;
}

NullPairStats null_pair_stats(const controls::NullPair& p, const MapTable& maps, const MapLocator& where,
                              const std::vector<int64_t>& song_latent, SignalSource& source, bool with_latent) {
  const int64_t ra = where.row(p.song_a, p.member_a), rb = where.row(p.song_b, p.member_b);
  NullPairStats out;
  {
    const std::vector<double> a = source.encoding(ra), b = source.encoding(rb);
    out.track_a = stats::track_a_pair(p.real, stats::EncodingView(a, 9, maps.frames[size_t(ra)]),
                                      stats::EncodingView(b, 9, maps.frames[size_t(rb)]), p.length);
  }
  if (!with_latent || maps.latent_dims == 0) return out;
  const int64_t n = std::min(song_latent.at(size_t(p.song_a)), song_latent.at(size_t(p.song_b)));
  if (n < stats::kTrackBMinFrames) return out;
  const std::vector<float> a = source.latent(ra), b = source.latent(rb);
  const int64_t d = maps.latent_dims;
  out.track_b = stats::track_b_pair(p.real, stats::LatentView(a, d, maps.latent_frames[size_t(ra)]),
                                    stats::LatentView(b, d, maps.latent_frames[size_t(rb)]), n);
  return out;
}

NullRecords null_slice(const std::vector<controls::NullPair>& pairs, size_t begin, size_t end,
                       const MapTable& maps, SignalSource& source, bool with_latent) {
  const MapLocator where(maps);
  const std::vector<int64_t> song_latent = where.song_latent_frames();
  NullRecords out;
  for (size_t i = begin; i < end; ++i) {
    NullPairStats st = null_pair_stats(pairs[i], maps, where, song_latent, source, with_latent);
    out.a_pairs.push_back(pairs[i]);
    out.track_a.push_back(st.track_a);
    if (!st.track_b) continue;
    out.b_pairs.push_back(pairs[i]);
    out.b_real_index.push_back(int64_t(i));
    out.track_b.push_back(std::move(*st.track_b));
  }
  return out;
}

void append_slice(NullRecords& to, NullRecords&& s) {
  auto move_all = [](auto& dst, auto& src) {
    dst.insert(dst.end(), std::make_move_iterator(src.begin()), std::make_move_iterator(src.end()));
  };
  move_all(to.a_pairs, s.a_pairs);
  move_all(to.track_a, s.track_a);
  move_all(to.b_pairs, s.b_pairs);
  move_all(to.b_real_index, s.b_real_index);
  move_all(to.track_b, s.track_b);
}

namespace {

using KeyIndex = std::map<std::tuple<int64_t, int64_t, int64_t>, int64_t>;

template <typename Pair>
KeyIndex index_of_keys(std::span<const Pair> real) {
  KeyIndex index;
  for (size_t i = 0; i < real.size(); ++i) {
    const stats::PairKey& k = real[i].key;
    index[{k.song_group_idx, k.member_a, k.member_b}] = int64_t(i);
  }
  return index;
}

std::optional<int64_t> find_key(const KeyIndex& index, const stats::PairKey& k) {
  auto it = index.find({k.song_group_idx, k.member_a, k.member_b});
  return it == index.end() ? std::nullopt : std::optional<int64_t>(it->second);
}

}  // namespace

void link_to_real(NullRecords& r, std::span<const stats::TrackAPair> real_track_a,
                  std::span<const stats::TrackBPair> real_track_b) {
  const KeyIndex a_index = index_of_keys(real_track_a), b_index = index_of_keys(real_track_b);
  r.a_real_index.clear();
  for (const controls::NullPair& p : r.a_pairs) {
    const std::optional<int64_t> i = find_key(a_index, p.real);
    if (!i) throw std::logic_error("null baseline: a null pair stands beside no real pair");
    r.a_real_index.push_back(*i);
  }
  std::vector<controls::NullPair> b_pairs;
  std::vector<int64_t> b_real;
  std::vector<stats::TrackBPair> track_b;
  for (size_t i = 0; i < r.b_pairs.size(); ++i) {
    const std::optional<int64_t> j = find_key(b_index, r.b_pairs[i].real);
    if (!j) continue;
    b_pairs.push_back(r.b_pairs[i]);
    b_real.push_back(*j);
    track_b.push_back(std::move(r.track_b[i]));
  }
  r.b_pairs = std::move(b_pairs);
  r.b_real_index = std::move(b_real);
  r.track_b = std::move(track_b);
}

}  // namespace cartography::pipeline
