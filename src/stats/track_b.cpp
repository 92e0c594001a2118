#include "stats/track_b.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>

#include "stats/canonical_order.hpp"
#include "stats/similarity.hpp"

namespace cartography::stats {

int64_t track_b_frame_stride(int64_t n_frames) { return std::max<int64_t>(1, n_frames / 100); }

TrackBPair track_b_pair(const PairKey& key, LatentView a, LatentView b, int64_t n_frames) {
  if (a.dims != b.dims) throw std::invalid_argument("track_b_pair: latent sizes differ");
  const LatentView pa = a.prefix(n_frames);
  const LatentView pb = b.prefix(n_frames);
  TrackBPair out;
  out.key = key;
  out.n_frames = n_frames;
  out.dims.resize(static_cast<size_t>(a.dims));
  for (int64_t d = 0; d < a.dims; ++d) {
    out.dims[size_t(d)].pearson = pearson(pa.row(d), pb.row(d));
    out.dims[size_t(d)].cosine = cosine(pa.row(d), pb.row(d));
  }
  out.full_cosine = mean_frame_cosine(pa, pb, n_frames, track_b_frame_stride(n_frames));
  return out;
}

TrackBMember track_b_member(int64_t song_group_idx, int64_t member, std::string creator,
                            LatentView z, int64_t n_frames) {
  if (n_frames < 1) throw std::invalid_argument("track_b_member: no frame");
  const LatentView pz = z.prefix(n_frames);
  TrackBMember out{song_group_idx, member, std::move(creator), {}};
  for (int64_t d = 0; d < z.dims; ++d) out.time_means.push_back(np::mean(pz.row(d)));
  return out;
}

std::vector<float> between_creator_variance(std::span<const TrackBMember> song_members) {
  if (song_members.empty()) return {};
  // Creators in first-appearance order, each with its members' time-means.
  std::vector<std::string> creators;
  std::vector<std::vector<const TrackBMember*>> by_creator;
  for (const auto& m : song_members) {
    auto it = std::find(creators.begin(), creators.end(), m.creator);
    if (it == creators.end()) {
      creators.push_back(m.creator);
      by_creator.emplace_back();
      it = creators.end() - 1;
    }
    by_creator[size_t(it - creators.begin())].push_back(&m);
  }
  const size_t n_dims = song_members.front().time_means.size();
  std::vector<float> out(n_dims, 0.0f);
  for (size_t d = 0; d < n_dims; ++d) {
    std::vector<float> creator_means;
    for (const auto& members : by_creator) {
      std::vector<float> means;
      for (const auto* m : members) means.push_back(m->time_means.at(d));
      creator_means.push_back(np::mean<float>(means));
    }
    out[d] = np::var<float>(creator_means);
  }
  return out;
}

namespace {

void require_canonical_members(std::span<const TrackBMember> members) {
  for (size_t i = 1; i < members.size(); ++i)
    if (std::tie(members[i - 1].song_group_idx, members[i - 1].member) >=
        std::tie(members[i].song_group_idx, members[i].member))
      throw std::invalid_argument("Track B members are not in canonical order");
}

// Between-creator variances of every song that has pairs, in song order.
std::vector<std::vector<float>> song_variances(std::span<const TrackBPair> pairs,
                                               std::span<const TrackBMember> members) {
  std::vector<std::vector<float>> out;
  int64_t previous_song = -1;
  size_t cursor = 0;
  for (const auto& p : pairs) {
    const int64_t song = p.key.song_group_idx;
    if (song == previous_song) continue;
    previous_song = song;
    while (cursor < members.size() && members[cursor].song_group_idx < song) ++cursor;
    size_t end = cursor;
    while (end < members.size() && members[end].song_group_idx == song) ++end;
    const auto song_members = members.subspan(cursor, end - cursor);
    std::vector<std::string> creators;
    for (const auto& m : song_members) creators.push_back(m.creator);
    if (distinct_creators(creators) < 2)
      throw std::invalid_argument("Track B: a song with pairs lacks its members");
    out.push_back(between_creator_variance(song_members));
    cursor = end;
  }
  return out;
}

TrackBDimSummary summarize_dim(std::span<const TrackBPair> pairs,
                               const std::vector<std::vector<float>>& variances, size_t d) {
  std::vector<double> pearsons, cosines;
  for (const auto& p : pairs) {
    pearsons.push_back(p.dims.at(d).pearson);
    cosines.push_back(p.dims.at(d).cosine);
  }
  std::vector<float> song_vars;
  for (const auto& v : variances) song_vars.push_back(v.at(d));
  TrackBDimSummary s;
  s.dim = static_cast<int64_t>(d);
  s.pearson = np::mean_std(pearsons);
  s.cosine = np::mean_std(cosines);
  s.between_var_mean = song_vars.empty() ? 0.0 : static_cast<double>(np::mean<float>(song_vars));
  s.n_pairs = static_cast<int64_t>(pairs.size());
  s.agreement = track_b_agreement(s.pearson.mean);
  return s;
}

TrackBTaxonomy count_taxonomy(const std::vector<TrackBDimSummary>& dims) {
  TrackBTaxonomy t;
  for (const auto& d : dims) {
    if (d.agreement == Agreement::Perceptual) ++t.perceptual;
    else if (d.agreement == Agreement::Stylistic) ++t.stylistic;
    else ++t.mixed;
  }
  return t;
}

}  // namespace

TrackBSummary summarize_track_b(std::span<const TrackBPair> pairs,
                                std::span<const TrackBMember> members) {
  require_canonical_pairs(pairs, [](const TrackBPair& p) { return p.key; });
  require_canonical_members(members);
  TrackBSummary s;
  s.pairs_compared = static_cast<int64_t>(pairs.size());
  s.songs_analyzed = count_songs(pairs, [](const TrackBPair& p) { return p.key; });
  if (pairs.empty()) return s;
  const auto variances = song_variances(pairs, members);
  const size_t n_dims = pairs.front().dims.size();
  for (size_t d = 0; d < n_dims; ++d) s.dims.push_back(summarize_dim(pairs, variances, d));
  for (size_t d = 0; d < n_dims; ++d) s.ranking.push_back(d);
  std::stable_sort(s.ranking.begin(), s.ranking.end(), [&](size_t a, size_t b) {
    return s.dims[a].pearson.mean > s.dims[b].pearson.mean;
  });
  std::vector<double> full;
  for (const auto& p : pairs) full.push_back(p.full_cosine);
  s.full_cosine = np::mean_std(full);
  s.taxonomy = count_taxonomy(s.dims);
  return s;
}

namespace {

nlohmann::ordered_json dim_fields(const TrackBDimSummary& d) {
  return {{"pearson_mean", d.pearson.mean}, {"pearson_std", d.pearson.std},
          {"cosine_mean", d.cosine.mean},   {"cosine_std", d.cosine.std},
          {"between_var_mean", d.between_var_mean}, {"n_pairs", d.n_pairs}};
}

}  // namespace

nlohmann::ordered_json to_json(const TrackBSummary& s) {
  nlohmann::ordered_json dim_summary = nlohmann::ordered_json::object();
  for (const auto& d : s.dims) dim_summary[std::to_string(d.dim)] = dim_fields(d);
  nlohmann::ordered_json ranking = nlohmann::ordered_json::array();
  for (size_t i : s.ranking) {
    nlohmann::ordered_json entry = {{"dim", s.dims[i].dim}};
    entry.update(dim_fields(s.dims[i]));
    ranking.push_back(entry);
  }
  nlohmann::ordered_json out;
  out["dim_summary"] = dim_summary;
  out["dim_ranking"] = ranking;
  out["full_cosine_mean"] = s.full_cosine ? nlohmann::ordered_json(s.full_cosine->mean) : nullptr;
  out["full_cosine_std"] = s.full_cosine ? nlohmann::ordered_json(s.full_cosine->std) : nullptr;
  out["songs_analyzed"] = s.songs_analyzed;
  out["pairs_compared"] = s.pairs_compared;
  out["taxonomy"] = {{"perceptual", s.taxonomy.perceptual},
                     {"mixed", s.taxonomy.mixed},
                     {"stylistic", s.taxonomy.stylistic}};
  return out;
}

}  // namespace cartography::stats
