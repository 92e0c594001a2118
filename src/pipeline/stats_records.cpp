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

}  // namespace

io::Json records_to_json(const GroupRecords& r) {
  io::Json a = io::Json::array(), b = io::Json::array(), members = io::Json::array(), maps = io::Json::array();
  for (const auto& p : r.track_a) {
    io::Json dims = io::Json::array();
    for (const auto& d : p.dims) dims.push_back({d.pearson, d.mad, d.cosine});
    a.push_back({key_json(p.key), p.n_frames, dims, p.full_cosine});
  }
  for (const auto& p : r.track_b) {
    io::Json dims = io::Json::array();
    for (const auto& d : p.dims) dims.push_back({d.pearson, d.cosine});
    b.push_back({key_json(p.key), p.n_frames, dims, p.full_cosine});
  }
  for (const auto& m : r.members) members.push_back({m.song_group_idx, m.member, m.creator, m.time_means});
  for (const auto& s : r.beatmaps)
    maps.push_back({matrix_json(s.upsampled), matrix_json(s.downsampled), matrix_json(s.raw.r), s.raw.valid});
  return {{"a", a}, {"b", b}, {"members", members}, {"maps", maps}};
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
  for (const auto& p : j.at("b")) {
    stats::TrackBPair pair;
    pair.key = key_from(p[0]);
    pair.n_frames = p[1];
    for (const auto& d : p[2]) pair.dims.push_back({d[0].get<double>(), d[1].get<double>()});
    pair.full_cosine = p[3];
    r.track_b.push_back(std::move(pair));
  }
  for (const auto& m : j.at("members"))
    r.members.push_back({m[0].get<int64_t>(), m[1].get<int64_t>(), m[2].get<std::string>(), m[3].get<std::vector<float>>()});
  for (const auto& s : j.at("maps")) {
    stats::BeatmapSynthesis b;
    b.upsampled = matrix_from(s[0]);
    b.downsampled = matrix_from(s[1]);
    b.raw.r = *matrix_from(s[2]);
    b.raw.valid = s[3].get<std::vector<uint8_t>>();
    r.beatmaps.push_back(std::move(b));
  }
  return r;
}

}  // namespace cartography::pipeline
