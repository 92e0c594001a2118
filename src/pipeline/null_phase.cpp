#include "pipeline/null_phase.hpp"

#include <boost/mpi/collectives.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>

#include <spdlog/spdlog.h>

#include <chrono>

#include "io/run_store_read.hpp"
#include "pipeline/plan.hpp"
#include "pipeline/records.hpp"
#include "pipeline/stats_records.hpp"

namespace cartography::pipeline {
namespace {

namespace mpi = boost::mpi;

// The maps' signals straight from the file. Consecutive null pairs often share their first
// map ((g, a, b) and (g, a, c) of one song): the last two maps read are kept.
class FileSignals : public SignalSource {
 public:
  FileSignals(const io::RunFileReader& file, const MapTable& maps) : file_(file), maps_(maps) {}
  std::vector<double> encoding(int64_t row) override {
    return cached(encodings_, row, [&] {
      return file_.columns("encodings/signal", maps_.frame_offset[size_t(row)], maps_.frames[size_t(row)], double());
    });
  }
  std::vector<float> latent(int64_t row) override {
    return cached(latents_, row, [&] {
      return file_.columns("latents/mu", maps_.latent_offset[size_t(row)], maps_.latent_frames[size_t(row)], float());
    });
  }

 private:
  template <typename T>
  struct Two {
    int64_t row[2] = {-1, -1};
    std::vector<T> data[2];
    int next = 0;
  };
  template <typename T, typename Read>
  static std::vector<T> cached(Two<T>& c, int64_t row, Read read) {
    for (int i = 0; i < 2; ++i)
      if (c.row[i] == row) return c.data[i];
    c.row[c.next] = row;
    c.data[c.next] = read();
    std::vector<T> out = c.data[c.next];
    c.next ^= 1;
    return out;
  }
  const io::RunFileReader& file_;
  const MapTable& maps_;
  Two<double> encodings_;
  Two<float> latents_;
};

MapTable read_map_table(const io::RunFileReader& f) {
  MapTable m;
  m.song_group_idx = f.int64s("maps/song_group_idx");
  m.frames = f.int64s("maps/frames");
  m.frame_offset = f.int64s("maps/frame_offset");
  m.latent_frames = f.int64s("maps/latent_frames");
  m.latent_offset = f.int64s("maps/latent_offset");
  if (f.has("latents/mu")) m.latent_dims = f.rows("latents/mu");
  return m;
}

io::Json pairs_json(const std::vector<controls::NullPair>& pairs) {
  io::Json j = io::Json::array();
  for (const auto& p : pairs)
    j.push_back({p.real.song_group_idx, p.real.member_a, p.real.member_b, p.song_a, p.member_a, p.song_b, p.member_b,
                 p.length, p.tolerance_used});
  return j;
}

std::vector<controls::NullPair> pairs_from(const io::Json& j) {
  std::vector<controls::NullPair> out;
  for (const auto& p : j)
    out.push_back({{p[0].get<int64_t>(), p[1].get<int64_t>(), p[2].get<int64_t>()}, p[3].get<int64_t>(),
                   p[4].get<int64_t>(), p[5].get<int64_t>(), p[6].get<int64_t>(), p[7].get<int64_t>(),
                   p[8].get<double>()});
  return out;
}

// A slice travels as the JSON form of the pipeline's records (doubles bit-exact) and its pairs.
io::Json slice_json(const NullRecords& s) {
  GroupRecords r;
  r.track_a = s.track_a;
  r.track_b = s.track_b;
  return {{"records", records_to_json(r)}, {"a", pairs_json(s.a_pairs)}, {"b", pairs_json(s.b_pairs)},
          {"b_index", s.b_real_index}};
}

NullRecords slice_from(const io::Json& j) {
  GroupRecords r = records_from_json(j.at("records"));
  NullRecords s;
  s.track_a = std::move(r.track_a);
  s.track_b = std::move(r.track_b);
  s.a_pairs = pairs_from(j.at("a"));
  s.b_pairs = pairs_from(j.at("b"));
  s.b_real_index = j.at("b_index").get<std::vector<int64_t>>();
  return s;
}

std::vector<int64_t> identities(const std::vector<controls::NullPair>& pairs) {
  std::vector<int64_t> out;
  for (const auto& p : pairs) out.insert(out.end(), {p.song_a, p.member_a, p.song_b, p.member_b});
  return out;
}

// /controls/null/*: Track A always (possibly empty), Track B when the run has latents.
std::vector<io::RootTable> null_tables(const NullRecords& r, int64_t latent_dims) {
  const int64_t pa = int64_t(r.a_pairs.size()), pb = int64_t(r.b_pairs.size());
  std::vector<double> pearson, mad, cosine, full, b_pearson, b_cosine, b_full;
  std::vector<int64_t> frames, b_frames;
  for (const auto& p : r.track_a) {
    for (const auto& d : p.dims) {
      pearson.push_back(d.pearson);
      mad.push_back(d.mad);
      cosine.push_back(d.cosine);
    }
    full.push_back(p.full_cosine);
    frames.push_back(p.n_frames);
  }
  std::vector<io::RootTable> t{{"controls/null/pairs", {pa, 4}, identities(r.a_pairs)},
                               {"controls/null/real_pair", {pa}, r.a_real_index},
                               {"controls/null/frames", {pa}, frames},
                               {"controls/null/track_a_pearson", {pa, 9}, pearson},
                               {"controls/null/track_a_mad", {pa, 9}, mad},
                               {"controls/null/track_a_cosine", {pa, 9}, cosine},
                               {"controls/null/track_a_full_cosine", {pa}, full}};
  if (latent_dims == 0) return t;
  for (const auto& p : r.track_b) {
    for (const auto& d : p.dims) {
      b_pearson.push_back(d.pearson);
      b_cosine.push_back(d.cosine);
    }
    b_full.push_back(p.full_cosine);
    b_frames.push_back(p.n_frames);
  }
  t.push_back({"controls/null/track_b_pairs", {pb, 4}, identities(r.b_pairs)});
  t.push_back({"controls/null/track_b_real_pair", {pb}, r.b_real_index});
  t.push_back({"controls/null/track_b_frames", {pb}, b_frames});
  t.push_back({"controls/null/track_b_pearson", {pb, latent_dims}, b_pearson});
  t.push_back({"controls/null/track_b_cosine", {pb, latent_dims}, b_cosine});
  t.push_back({"controls/null/track_b_full_cosine", {pb}, b_full});
  return t;
}

// Runs fn on rank 0; its error (if any) reaches every rank as an exception.
template <typename Fn>
void on_root(const mpi::communicator& world, Fn fn) {
  std::string error;
  if (world.rank() == 0) {
    try {
      fn();
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  mpi::broadcast(world, error, 0);
  if (!error.empty()) throw io::StoreError("null baseline: " + error);
}

}  // namespace

NullRecords null_phase(const mpi::communicator& world, const std::string& partial, const GroupRecords& real,
                       uint64_t seed, const std::vector<std::vector<std::string>>& creators) {
  const auto t0 = std::chrono::steady_clock::now();
  std::string packed_pairs;
  on_root(world, [&] {
    const io::RunFileReader file(partial);
    const MapTable maps = read_map_table(file);
    const std::vector<controls::SongLength> songs = null_candidate_songs(real.track_a, MapLocator(maps), creators);
    std::vector<stats::PairKey> keys;
    for (const auto& p : real.track_a) keys.push_back(p.key);
    packed_pairs = pack(pairs_json(controls::choose_null_pairs(keys, songs, {seed})));
  });
  mpi::broadcast(world, packed_pairs, 0);
  const std::vector<controls::NullPair> pairs = pairs_from(unpack(packed_pairs));

  // Every rank its slice; an error is carried to rank 0 with the slice.
  io::Json mine;
  try {
    const io::RunFileReader file(partial);
    const MapTable maps = read_map_table(file);
    FileSignals source(file, maps);
    auto [begin, end] = slice_for_rank(pairs.size(), world.rank(), world.size());
    mine = {{"slice", slice_json(null_slice(pairs, begin, end, maps, source, maps.latent_dims > 0))}};
  } catch (const std::exception& e) {
    mine = {{"error", std::string("rank ") + std::to_string(world.rank()) + ": " + e.what()}};
  }
  std::vector<std::string> parts;
  mpi::gather(world, pack(mine), parts, 0);  // every reader has closed the file after this

  NullRecords all;
  on_root(world, [&] {
    int64_t latent_dims = 0;
    for (const std::string& part : parts) {
      io::Json j = unpack(part);
      if (j.contains("error")) throw std::runtime_error(j.at("error").get<std::string>());
      append_slice(all, slice_from(j.at("slice")));
    }
    link_to_real(all, real.track_a, real.track_b);
    {
      const io::RunFileReader file(partial);  // closed before add_tables opens it for writing
      if (file.has("latents/mu")) latent_dims = file.rows("latents/mu");
    }
    io::add_tables(partial, null_tables(all, latent_dims));
    spdlog::info("null baseline: {} Track A and {} Track B cross-song pairs in {:.2f} s", all.track_a.size(),
                 all.track_b.size(), std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  });
  return all;
}

}  // namespace cartography::pipeline
