#include "controls/null_pairs.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>

#include "controls/rng.hpp"

namespace cartography::controls {

namespace {

bool usable(const SongLength& s) { return s.members >= 1 && s.length > 0; }

// Songs other than g within tol * length(g), in ascending song_group_idx (the map's order).
std::vector<const SongLength*> within(const std::map<int64_t, SongLength>& songs,
                                      const SongLength& g, double tol) {
  std::vector<const SongLength*> found;
  const double reach = tol * static_cast<double>(g.length);
  for (const auto& [idx, s] : songs)
    if (idx != g.song_group_idx && usable(s) &&
        std::abs(static_cast<double>(s.length - g.length)) <= reach)
      found.push_back(&s);
  return found;
}

struct Candidates {
  std::vector<const SongLength*> songs;
  double tolerance = 0.0;
  bool any_single_creator = false;  // some candidate's members are all of one creator
};

// All members listed, and of one creator: such a song cannot face that creator's charts.
bool single_creator(const SongLength& s) {
  if (s.creators.empty()) return false;
  return std::all_of(s.creators.begin(), s.creators.end(), [&](const std::string& c) { return c == s.creators[0]; });
}

// Candidates at the first tolerance (tol, 2 tol, 4 tol, ...) that admits any. The doubling
// ends: g has a positive length and some other usable song exists, so the reach eventually
// covers its distance.
Candidates candidates(const std::map<int64_t, SongLength>& songs, const SongLength& g,
                      double tol, bool any_other) {
  Candidates c;
  if (!any_other || g.length <= 0) return c;
  for (c.tolerance = tol;; c.tolerance *= 2.0) {
    c.songs = within(songs, g, c.tolerance);
    if (!c.songs.empty()) {
      c.any_single_creator = std::any_of(c.songs.begin(), c.songs.end(), [](const SongLength* s) { return single_creator(*s); });
      return c;
    }
  }
}

// Members of h that may face member a of g: another creator than a's, when both songs list
// their creators; every member otherwise.
std::vector<int64_t> eligible_members(const SongLength& g, int64_t a, const SongLength& h) {
  const bool known = !g.creators.empty() && !h.creators.empty();
  if (known && (a < 0 || a >= static_cast<int64_t>(g.creators.size())))
    throw std::invalid_argument("choose_null_pairs: song group " + std::to_string(g.song_group_idx) +
                                " has no creator for member " + std::to_string(a));
  std::vector<int64_t> out;
  for (int64_t m = 0; m < h.members; ++m)
    if (!known || (m < static_cast<int64_t>(h.creators.size()) && h.creators[size_t(m)] != g.creators[size_t(a)]))
      out.push_back(m);
  return out;
}

}  // namespace

std::vector<NullPair> choose_null_pairs(std::span<const stats::PairKey> real_pairs,
                                        std::span<const SongLength> song_list,
                                        const NullPairOptions& options) {
  if (!(options.length_tolerance > 0.0) || !std::isfinite(options.length_tolerance))
    throw std::invalid_argument("choose_null_pairs: length_tolerance must be positive");
  std::map<int64_t, SongLength> songs;
  for (const auto& s : song_list)
    if (!songs.emplace(s.song_group_idx, s).second)
      throw std::invalid_argument("choose_null_pairs: song group " +
                                  std::to_string(s.song_group_idx) + " listed twice");
  const auto n_usable = std::count_if(song_list.begin(), song_list.end(), usable);

  std::vector<NullPair> out;
  out.reserve(real_pairs.size());
  std::map<int64_t, Candidates> cache;  // candidates depend on the song only
  for (const auto& key : real_pairs) {
    const auto it = songs.find(key.song_group_idx);
    if (it == songs.end())
      throw std::invalid_argument("choose_null_pairs: pair names unknown song group " +
                                  std::to_string(key.song_group_idx));
    const SongLength& g = it->second;
    auto cached = cache.find(g.song_group_idx);
    if (cached == cache.end()) {
      const bool any_other = n_usable - (usable(g) ? 1 : 0) > 0;
      cached = cache.emplace(g.song_group_idx,
                             candidates(songs, g, options.length_tolerance, any_other)).first;
    }
    const Candidates& cand = cached->second;
    // Candidates with a member of another creator: all of them, unless one has a single creator
    // (songs with real pairs have two or more, so the filter rarely runs).
    std::vector<const SongLength*> filtered;
    if (cand.any_single_creator)
      for (const SongLength* h : cand.songs)
        if (!eligible_members(g, key.member_a, *h).empty()) filtered.push_back(h);
    const std::vector<const SongLength*>& open = cand.any_single_creator ? filtered : cand.songs;
    if (open.empty()) continue;
    SplitMix64 rng(derive_seed(options.seed, {key.song_group_idx, key.member_a, key.member_b}));
    const SongLength& h = *open[rng.uniform_index(open.size())];
    const std::vector<int64_t> eligible = eligible_members(g, key.member_a, h);
    NullPair p;
    p.real = key;
    p.song_a = g.song_group_idx;
    p.member_a = key.member_a;
    p.song_b = h.song_group_idx;
    p.member_b = eligible[rng.uniform_index(eligible.size())];
    p.length = std::min(g.length, h.length);
    p.tolerance_used = cand.tolerance;
    out.push_back(p);
  }
  return out;
}

}  // namespace cartography::controls
