#include "pipeline/stats_records.hpp"

namespace cartography::pipeline {
namespace {

io::Json key_json(const stats::PairKey& k) { return {k.song_group_idx, k.member_a, k.member_b}; }
stats::PairKey key_from(const io::Json& j) { return {j[0].get<int64_t>(), j[1].get<int64_t>(), j[2].get<int64_t>()}; }

io::Json matrix_json(const std::optional<stats::Matrix>& m) {
  if (!m) return nullptr;
  return {m->rows, m->cols, m->values};
}
std::optional<stats::Matrix> matrix_from(const io::Json& j) {
  if (j.is_null()) return std::nullopt;
  return stats::Matrix{j[0].get<int64_t>(), j[1].get<int64_t>(), j[2].get<std::vector<double>>()};
}

// The Track B and synthesis parts, shared by the trained model's records and each random
// encoder's (the random-encoder control).
io::Json track_b_json(const std::vector<stats::TrackBPair>& pairs) {
  io::Json b = io::Json::array();
  for (const auto& p : pairs) {
    io::Json dims = io::Json::array();
    for (const auto& d : p.dims) dims.push_back({d.pearson, d.cosine});
    b.push_back({key_json(p.key), p.n_frames, dims, p.full_cosine});
  }
  return b;
}
std::vector<stats::TrackBPair> track_b_from(const io::Json& j) {
  std::vector<stats::TrackBPair> out;
  for (const auto& p : j) {
    stats::TrackBPair pair;
    pair.key = key_from(p[0]);
    pair.n_frames = p[1];
    for (const auto& d : p[2]) pair.dims.push_back({d[0].get<double>(), d[1].get<double>()});
    pair.full_cosine = p[3];
    out.push_back(std::move(pair));
  }
  return out;
}

io::Json members_json(const std::vector<stats::TrackBMember>& members) {
  io::Json out = io::Json::array();
  for (const auto& m : members) out.push_back({m.song_group_idx, m.member, m.creator, m.time_means});
  return out;
}
std::vector<stats::TrackBMember> members_from(const io::Json& j) {
  std::vector<stats::TrackBMember> out;
  for (const auto& m : j)
    out.push_back({m[0].get<int64_t>(), m[1].get<int64_t>(), m[2].get<std::string>(), m[3].get<std::vector<float>>()});
  return out;
}

io::Json maps_json(const std::vector<stats::BeatmapSynthesis>& beatmaps) {
  io::Json maps = io::Json::array();
  for (const auto& s : beatmaps)
    maps.push_back({matrix_json(s.upsampled), matrix_json(s.downsampled), matrix_json(s.raw.r), s.raw.valid});
  return maps;
}
std::vector<stats::BeatmapSynthesis> maps_from(const io::Json& j) {
  std::vector<stats::BeatmapSynthesis> out;
  for (const auto& s : j) {
    stats::BeatmapSynthesis b;
    b.upsampled = matrix_from(s[0]);
    b.downsampled = matrix_from(s[1]);
    b.raw.r = *matrix_from(s[2]);
    b.raw.valid = s[3].get<std::vector<uint8_t>>();
    out.push_back(std::move(b));
  }
  return out;
}

io::Json controls_json(const ControlRecords& c) {
  io::Json onset = io::Json::array(), lag = io::Json::array(), rel = io::Json::array(), random = io::Json::array();
  for (const auto& o : c.onset)
    onset.push_back({key_json(o.key), o.f, o.precision, o.recall, o.matches, o.onsets_a, o.onsets_b});
  for (const auto& l : c.lag) lag.push_back({key_json(l.key), l.best_lag, l.best_score, l.zero_score, l.r_best, l.r_zero});
  for (const auto& r : c.reliability) {
    io::Json dims = io::Json::array();
    for (const auto& d : r.dims) dims.push_back({d.icc.value, d.icc.defined, d.alpha.value, d.alpha.defined});
    rel.push_back({r.song_group_idx, r.raters, r.frames, dims});
  }
  for (const auto& e : c.random)
    random.push_back({e.song_group_idx, e.encoder, track_b_json(e.track_b), members_json(e.members), maps_json(e.beatmaps)});
  return {{"onset", onset}, {"lag", lag}, {"reliability", rel}, {"random", random}};
}

ControlRecords controls_from(const io::Json& j) {
  ControlRecords c;
  for (const auto& o : j.at("onset"))
    c.onset.push_back({key_from(o[0]), o[1].get<double>(), o[2].get<double>(), o[3].get<double>(),
                       o[4].get<int64_t>(), o[5].get<int64_t>(), o[6].get<int64_t>()});
  for (const auto& l : j.at("lag"))
    c.lag.push_back({key_from(l[0]), l[1].get<int64_t>(), l[2].get<double>(), l[3].get<double>(),
                     l[4].get<std::vector<double>>(), l[5].get<std::vector<double>>()});
  for (const auto& r : j.at("reliability")) {
    ReliabilityRecord rec{r[0].get<int64_t>(), r[1].get<int64_t>(), r[2].get<int64_t>(), {}};
    for (const auto& d : r[3])
      rec.dims.push_back({{d[0].get<double>(), d[1].get<bool>()}, {d[2].get<double>(), d[3].get<bool>()}});
    c.reliability.push_back(std::move(rec));
  }
  for (const auto& e : j.at("random"))
    c.random.push_back(
        {e[0].get<int64_t>(), e[1].get<int64_t>(), track_b_from(e[2]), members_from(e[3]), maps_from(e[4])});
  return c;
}

}  // namespace

io::Json records_to_json(const GroupRecords& r) {
  io::Json a = io::Json::array();
  for (const auto& p : r.track_a) {
    io::Json dims = io::Json::array();
    for (const auto& d : p.dims) dims.push_back({d.pearson, d.mad, d.cosine});
    a.push_back({key_json(p.key), p.n_frames, dims, p.full_cosine});
  }
  return {{"a", a},
          {"b", track_b_json(r.track_b)},
          {"members", members_json(r.members)},
          {"maps", maps_json(r.beatmaps)},
          {"controls", controls_json(r.controls)}};
}

GroupRecords records_from_json(const io::Json& j) {
  GroupRecords r;
  for (const auto& p : j.at("a")) {
    stats::TrackAPair pair;
    pair.key = key_from(p[0]);
    pair.n_frames = p[1];
    for (size_t d = 0; d < pair.dims.size(); ++d)
      pair.dims[d] = {p[2][d][0].get<double>(), p[2][d][1].get<double>(), p[2][d][2].get<double>()};
    pair.full_cosine = p[3];
    r.track_a.push_back(pair);
  }
  r.track_b = track_b_from(j.at("b"));
  r.members = members_from(j.at("members"));
  r.beatmaps = maps_from(j.at("maps"));
  r.controls = controls_from(j.at("controls"));
  return r;
}

}  // namespace cartography::pipeline
