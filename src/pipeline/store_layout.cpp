#include "pipeline/store_layout.hpp"

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/operations.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <algorithm>
#include <cstdlib>
#include <map>
#include <type_traits>

#include <spdlog/spdlog.h>

#include "io/run_store.hpp"
#include "pipeline/control_tables.hpp"
#include "io/run_store_mpi.hpp"
#include "pipeline/stats_records.hpp"

namespace cartography::pipeline {
namespace {

// Where each group's maps start: row in /maps, column in /encodings/signal and /latents/mu.
struct GroupOffsets {
  std::vector<int64_t> row, frame, latent;
  int64_t rows = 0, frames = 0, latents = 0, latent_dims = 0;
};

GroupOffsets offsets_on_root(const std::vector<GroupOutcome>& all, size_t groups) {
  GroupOffsets g;
  g.row.assign(groups, 0);
  g.frame.assign(groups, 0);
  g.latent.assign(groups, 0);
  for (const GroupOutcome& o : all) {
    size_t i = static_cast<size_t>(o.song_group_idx);
    g.row[i] = g.rows;
    g.frame[i] = g.frames;
    g.latent[i] = g.latents;
    for (const EncodedMap& m : o.maps) {
      ++g.rows;
      g.frames += m.frames;
      g.latents += m.latent_frames;
      if (m.latent_dims) g.latent_dims = m.latent_dims;
    }
  }
  return g;
}

void broadcast(const boost::mpi::communicator& world, GroupOffsets& g) {
  std::vector<int64_t> totals{g.rows, g.frames, g.latents, g.latent_dims};
  boost::mpi::broadcast(world, g.row, 0);
  boost::mpi::broadcast(world, g.frame, 0);
  boost::mpi::broadcast(world, g.latent, 0);
  boost::mpi::broadcast(world, totals, 0);
  g.rows = totals[0];
  g.frames = totals[1];
  g.latents = totals[2];
  g.latent_dims = totals[3];
}

void write_map_table(io::RunStore& store, const std::vector<GroupOutcome>& all, int64_t rows) {
  std::vector<int64_t> set_id, group, frames, frame_off, latent_frames, latent_off;
  std::vector<std::string> osu_path, creator, version, filename;
  int64_t f = 0, l = 0;
  for (const GroupOutcome& o : all)
    for (const EncodedMap& m : o.maps) {
      set_id.push_back(m.entry.beatmapset_id);
      group.push_back(o.song_group_idx);
      frames.push_back(m.frames);
      frame_off.push_back(f);
      latent_frames.push_back(m.latent_frames);
      latent_off.push_back(l);
      f += m.frames;
      l += m.latent_frames;
      osu_path.push_back(m.entry.osu_path);
      creator.push_back(m.entry.creator.value_or(""));
      version.push_back(m.entry.version.value_or(""));
      filename.push_back(m.filename);
    }
  store.table("maps/beatmapset_id", {rows}, set_id);
  store.table("maps/song_group_idx", {rows}, group);
  store.table("maps/frames", {rows}, frames);
  store.table("maps/frame_offset", {rows}, frame_off);
  store.table("maps/latent_frames", {rows}, latent_frames);
  store.table("maps/latent_offset", {rows}, latent_off);
  store.strings("maps/osu_path", osu_path);
  store.strings("maps/creator", creator);
  store.strings("maps/version", version);
  store.strings("maps/filename", filename);
}

// Pair tables: group and member indices, then one [P, dims] table per measure.
void write_pair_tables(io::RunStore& store, const GroupRecords& r, int64_t latent_dims) {
  const int64_t pa = static_cast<int64_t>(r.track_a.size()), pb = static_cast<int64_t>(r.track_b.size());
  std::vector<int64_t> keys_a, keys_b;
  std::vector<double> pearson, mad, cosine, full, b_pearson, b_cosine, b_full;
  for (const auto& p : r.track_a) {
    keys_a.insert(keys_a.end(), {p.key.song_group_idx, p.key.member_a, p.key.member_b});
    for (const auto& d : p.dims) {
      pearson.push_back(d.pearson);
      mad.push_back(d.mad);
      cosine.push_back(d.cosine);
    }
    full.push_back(p.full_cosine);
  }
  store.table("track_a/pairs", {pa, 3}, keys_a);
  store.table("track_a/pearson", {pa, 9}, pearson);
  store.table("track_a/mad", {pa, 9}, mad);
  store.table("track_a/cosine", {pa, 9}, cosine);
  store.table("track_a/full_cosine", {pa}, full);
  if (latent_dims == 0) return;
  for (const auto& p : r.track_b) {
    keys_b.insert(keys_b.end(), {p.key.song_group_idx, p.key.member_a, p.key.member_b});
    for (const auto& d : p.dims) {
      b_pearson.push_back(d.pearson);
      b_cosine.push_back(d.cosine);
    }
    b_full.push_back(p.full_cosine);
  }
  store.table("track_b/pairs", {pb, 3}, keys_b);
  store.table("track_b/pearson", {pb, latent_dims}, b_pearson);
  store.table("track_b/cosine", {pb, latent_dims}, b_cosine);
  store.table("track_b/full_cosine", {pb}, b_full);
}

// One map's columns in a ragged dataset, and where its values are in the spill.
struct Piece {
  int64_t column = 0, columns = 0;
  uint64_t at = 0;
};

// This rank's maps in one dataset, in column order (the order a transfer's buffer must have),
// whatever order the rank did its groups in. `group_column` is where each group's maps start.
template <typename Columns, typename At>
std::vector<Piece> my_pieces(const ArraySpill& spill, const std::vector<int64_t>& group_column, Columns columns,
                             At at) {
  std::vector<Piece> pieces;
  for (const SpilledGroup& g : spill.groups()) {
    int64_t column = group_column[size_t(g.song_group_idx)];
    for (const SpilledMap& m : g.maps) {
      if (columns(m) > 0) pieces.push_back({column, columns(m), at(m)});
      column += columns(m);
    }
  }
  std::sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) { return a.column < b.column; });
  return pieces;
}

// Bytes one rank loads per collective transfer: what bounds the final write's memory. 16 MiB
// keeps the transfers few (a GB per rank is ~60) and the buffer below what a group's own work
// needs. CARTOGRAPHY_TEST_WRITE_ROUND_BYTES lowers it so that small test corpora take many rounds.
uint64_t round_budget() {
  static const uint64_t bytes = [] {
    const char* v = std::getenv("CARTOGRAPHY_TEST_WRITE_ROUND_BYTES");
    const unsigned long long n = v ? std::strtoull(v, nullptr, 10) : 0;
    return n > 0 ? uint64_t(n) : uint64_t(16) << 20;
  }();
  return bytes;
}

// Consecutive pieces, at most `budget` bytes a round; a piece bigger than that goes alone.
std::vector<std::vector<Piece>> in_rounds(const std::vector<Piece>& pieces, uint64_t bytes_per_column,
                                          uint64_t budget) {
  std::vector<std::vector<Piece>> rounds;
  uint64_t bytes = 0;
  for (const Piece& p : pieces) {
    const uint64_t b = uint64_t(p.columns) * bytes_per_column;
    if (rounds.empty() || bytes + b > budget) {
      rounds.emplace_back();
      bytes = 0;
    }
    rounds.back().push_back(p);
    bytes += b;
  }
  return rounds;
}

// A round's values read from the spill straight into the layout write_columns() wants:
// [rows, round columns], the pieces side by side. `buffer` is reused from round to round.
template <typename T>
io::ColumnSpans<T> load_round(const ArraySpill& spill, const std::vector<Piece>& round, int64_t rows,
                              std::vector<T>& buffer) {
  int64_t width = 0;
  for (const Piece& p : round) width += p.columns;
  buffer.resize(size_t(rows * width));
  io::ColumnSpans<T> spans;
  int64_t left = 0;
  for (const Piece& p : round) {
    for (int64_t r = 0; r < rows; ++r)
      spill.read(p.at + uint64_t(r * p.columns) * sizeof(T), buffer.data() + r * width + left, size_t(p.columns));
    spans.spans.emplace_back(p.column, p.columns);
    left += p.columns;
  }
  spans.data = buffer.data();
  return spans;
}

// Every rank's error (empty: none) reaches every rank, which all throw the first one.
void throw_if_any(const boost::mpi::communicator& world, const std::string& mine) {
  std::vector<std::string> errors;
  boost::mpi::all_gather(world, mine, errors);
  for (size_t r = 0; r < errors.size(); ++r)
    if (!errors[r].empty()) throw io::StoreError("rank " + std::to_string(r) + ": " + errors[r]);
}

// A [rows, total] ragged dataset, written from the spill in as many collective rounds as the
// rank with the most needs. A rank that cannot read its spill takes part in the remaining
// rounds with nothing (leaving would hang the others), and then every rank fails with its reason.
template <typename T>
void write_from_spill(const boost::mpi::communicator& world, io::RunStore& store, const std::string& name,
                      int64_t rows, int64_t total, const ArraySpill& spill, const std::vector<Piece>& pieces) {
  store.create_ragged(name, std::is_same_v<T, double> ? io::Element::Float64 : io::Element::Float32, rows, total);
  const std::vector<std::vector<Piece>> rounds = in_rounds(pieces, uint64_t(rows) * sizeof(T), round_budget());
  const size_t all_rounds = boost::mpi::all_reduce(world, rounds.size(), boost::mpi::maximum<size_t>());
  std::vector<T> buffer;
  std::string error;
  for (size_t k = 0; k < all_rounds; ++k) {
    io::ColumnSpans<T> spans;
    if (k < rounds.size() && error.empty()) {
      try {
        spans = load_round(spill, rounds[k], rows, buffer);
      } catch (const std::exception& e) {
        error = e.what();
      }
    }
    store.write_columns(name, spans);
  }
  throw_if_any(world, error);
}

// Beside "checkpoint" (its path): what the model is and whether it was trained
// (checkpoint_provenance.hpp); counters absent from the file are absent here too.
void write_checkpoint_attributes(io::RunStore& store, const CheckpointProvenance& p) {
  store.attribute("checkpoint_file", p.file);
  store.attribute("checkpoint_bytes", p.bytes);
  store.attribute("checkpoint_xxh3_128", p.xxh3_128);
  if (p.global_step) store.attribute("checkpoint_global_step", *p.global_step);
  if (p.epoch) store.attribute("checkpoint_epoch", *p.epoch);
  if (p.lightning_version) store.attribute("checkpoint_lightning_version", *p.lightning_version);
  store.attribute("checkpoint_training_state", static_cast<int64_t>(p.training_state));
  store.attribute("checkpoint_architecture", p.architecture);
  store.attribute("checkpoint_trained", p.trained);
  store.attribute("checkpoint_verdict", p.verdict);
}

}  // namespace

void write_store(const boost::mpi::communicator& world, const RunOptions& opt,
                 const std::optional<CheckpointProvenance>& checkpoint, size_t archives_seen, size_t groups,
                 const std::vector<GroupOutcome>& all, const GroupRecords& records,
                 const ArraySpill& mine, const std::function<void(const std::string&)>& before_rename) {
  GroupOffsets off = world.rank() == 0 ? offsets_on_root(all, groups) : GroupOffsets{};
  broadcast(world, off);

  io::RunStore store = io::RunStore::create(opt.out_dir + "/cartography.h5", io::StoreComm{world});
  store.attribute("format", std::string("cartography-run/1"));
  store.attribute("cartography_version", std::string("0.1.0"));
  store.attribute("dataset_dir", opt.dataset_dir);
  store.attribute("checkpoint", opt.checkpoint);
  if (checkpoint) write_checkpoint_attributes(store, *checkpoint);
  store.attribute("latent", opt.checkpoint.empty() ? std::string("none") : to_string(opt.latent));
  store.attribute("seed", static_cast<int64_t>(opt.seed));
  store.attribute("group_by", to_string(opt.group_by));
  store.attribute("audio_match", to_string(opt.audio_match));
  store.attribute("job_file", opt.job_file);
  store.attribute("ranks", static_cast<int64_t>(world.size()));
  store.attribute("archives_seen", static_cast<int64_t>(archives_seen));
  store.attribute("multi_mapper_groups", static_cast<int64_t>(groups));

  write_map_table(store, all, off.rows);
  const auto signal = my_pieces(
      mine, off.frame, [](const SpilledMap& m) { return m.frames; }, [](const SpilledMap& m) { return m.signal_at; });
  write_from_spill<double>(world, store, "encodings/signal", 9, off.frames, mine, signal);
  if (off.latent_dims > 0) {
    const auto latent = my_pieces(
        mine, off.latent, [](const SpilledMap& m) { return m.latent_frames; },
        [](const SpilledMap& m) { return m.latent_at; });
    write_from_spill<float>(world, store, "latents/mu", off.latent_dims, off.latents, mine, latent);
  }
  write_pair_tables(store, records, off.latent_dims);
  if (opt.controls) write_control_tables(store, records.controls);
  // Correct either way, but an independent fallback is what makes a large run's write slow.
  for (const std::string& w : store.independent_writes()) spdlog::warn("cartography.h5: {}", w);
  store.finish(before_rename);
}

}  // namespace cartography::pipeline
