#include "stats/track_a.hpp"

#include <stdexcept>

#include "stats/canonical_order.hpp"
#include "stats/similarity.hpp"

namespace cartography::stats {

TrackAPair track_a_pair(const PairKey& key, EncodingView a, EncodingView b, int64_t n_frames) {
  if (a.dims != kInterpretableCount || b.dims != kInterpretableCount)
    throw std::invalid_argument("track_a_pair: encodings must have 9 rows");
  const EncodingView pa = a.prefix(n_frames);
  const EncodingView pb = b.prefix(n_frames);
  TrackAPair out;
  out.key = key;
  out.n_frames = n_frames;
  for (int64_t d = 0; d < kInterpretableCount; ++d) {
    auto& dim = out.dims[static_cast<size_t>(d)];
    dim.pearson = pearson(pa.row(d), pb.row(d));
    dim.mad = mean_abs_diff(pa.row(d), pb.row(d));
    dim.cosine = cosine(pa.row(d), pb.row(d));
  }
  out.full_cosine = mean_frame_cosine(pa, pb, n_frames, kTrackAFrameStride);
  return out;
}

namespace {

TrackADimSummary summarize_dim(std::span<const TrackAPair> pairs, size_t d) {
  std::vector<double> pearsons, mads, cosines;
  for (const auto& p : pairs) {
    pearsons.push_back(p.dims[d].pearson);
    mads.push_back(p.dims[d].mad);
    cosines.push_back(p.dims[d].cosine);
  }
  TrackADimSummary s;
  s.name = std::string(kInterpretableDims[d]);
  s.pearson = np::mean_std(pearsons);
  s.mad = np::mean_std(mads);
  s.cosine = np::mean_std(cosines);
  s.n_pairs = static_cast<int64_t>(pairs.size());
  s.agreement = track_a_agreement(s.pearson.mean);
  return s;
}

}  // namespace

TrackASummary summarize_track_a(std::span<const TrackAPair> pairs) {
  require_canonical_pairs(pairs, [](const TrackAPair& p) { return p.key; });
  TrackASummary s;
  s.pairs_compared = static_cast<int64_t>(pairs.size());
  s.songs_analyzed = count_songs(pairs, [](const TrackAPair& p) { return p.key; });
  if (pairs.empty()) return s;
  for (size_t d = 0; d < kInterpretableDims.size(); ++d) s.dims.push_back(summarize_dim(pairs, d));
  std::vector<double> full;
  for (const auto& p : pairs) full.push_back(p.full_cosine);
  s.full_cosine = np::mean_std(full);
  return s;
}

nlohmann::ordered_json to_json(const TrackASummary& s) {
  nlohmann::ordered_json summary = nlohmann::ordered_json::object();
  for (const auto& d : s.dims) {
    summary[d.name] = {{"pearson_mean", d.pearson.mean}, {"pearson_std", d.pearson.std},
                       {"mad_mean", d.mad.mean},         {"mad_std", d.mad.std},
                       {"cosine_mean", d.cosine.mean},   {"cosine_std", d.cosine.std},
                       {"n_pairs", d.n_pairs}};
  }
  nlohmann::ordered_json out;
  out["summary"] = summary;
  out["cross_mapper_cosine_mean"] = s.full_cosine ? nlohmann::ordered_json(s.full_cosine->mean) : nullptr;
  out["cross_mapper_cosine_std"] = s.full_cosine ? nlohmann::ordered_json(s.full_cosine->std) : nullptr;
  out["songs_analyzed"] = s.songs_analyzed;
  out["pairs_compared"] = s.pairs_compared;
  return out;
}

}  // namespace cartography::stats
