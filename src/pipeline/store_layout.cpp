#include "pipeline/store_layout.hpp"

#include <boost/mpi/collectives.hpp>
#include <boost/serialization/vector.hpp>
#include <map>

#include <spdlog/spdlog.h>

#include "io/run_store.hpp"
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

template <typename T, typename Offset, typename Columns, typename Data>
std::vector<io::ColumnBlock<T>> my_blocks(const std::vector<GroupOutcome>& mine, Offset offset, Columns columns,
                                          Data data) {
  std::vector<io::ColumnBlock<T>> blocks;
  for (const GroupOutcome& o : mine) {
    int64_t at = offset(o);
    for (const EncodedMap& m : o.maps) {
      blocks.push_back({at, columns(m), data(m)});
      at += columns(m);
    }
  }
  return blocks;
}

}  // namespace

void write_store(const boost::mpi::communicator& world, const RunOptions& opt, size_t archives_seen, size_t groups,
                 const std::vector<GroupOutcome>& all, const GroupRecords& records,
                 const std::vector<GroupOutcome>& mine) {
  GroupOffsets off = world.rank() == 0 ? offsets_on_root(all, groups) : GroupOffsets{};
  broadcast(world, off);

  io::RunStore store = io::RunStore::create(opt.out_dir + "/cartography.h5", io::StoreComm{world});
  store.attribute("format", std::string("cartography-run/1"));
  store.attribute("cartography_version", std::string("0.1.0"));
  store.attribute("dataset_dir", opt.dataset_dir);
  store.attribute("checkpoint", opt.checkpoint);
  store.attribute("latent", opt.checkpoint.empty() ? std::string("none") : to_string(opt.latent));
  store.attribute("seed", static_cast<int64_t>(opt.seed));
  store.attribute("group_by", to_string(opt.group_by));
  store.attribute("audio_match", to_string(opt.audio_match));
  store.attribute("job_file", opt.job_file);
  store.attribute("ranks", static_cast<int64_t>(world.size()));
  store.attribute("archives_seen", static_cast<int64_t>(archives_seen));
  store.attribute("multi_mapper_groups", static_cast<int64_t>(groups));

  write_map_table(store, all, off.rows);
  auto signal_blocks = my_blocks<double>(
      mine, [&](const GroupOutcome& o) { return off.frame[size_t(o.song_group_idx)]; },
      [](const EncodedMap& m) { return m.frames; }, [](const EncodedMap& m) { return m.signal.data(); });
  store.ragged("encodings/signal", 9, off.frames, signal_blocks);
  if (off.latent_dims > 0) {
    auto latent_blocks = my_blocks<float>(
        mine, [&](const GroupOutcome& o) { return off.latent[size_t(o.song_group_idx)]; },
        [](const EncodedMap& m) { return m.latent_frames; }, [](const EncodedMap& m) { return m.latent.data(); });
    store.ragged("latents/mu", off.latent_dims, off.latents, latent_blocks);
  }
  write_pair_tables(store, records, off.latent_dims);
  // Correct either way, but an independent fallback is what makes a large run's write slow.
  for (const std::string& w : store.independent_writes()) spdlog::warn("cartography.h5: {}", w);
  store.finish();
}

}  // namespace cartography::pipeline
