// The pure part of the null baseline (null_baseline.hpp) on in-memory maps, and the serial
// reader/writer of a closed run file (io/run_store_read.hpp) on a small HDF5 file.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <numeric>

#include "io/run_store_read.hpp"
#include "pipeline/null_baseline.hpp"

namespace cartography::pipeline {
namespace {

// Three songs: song 0 has maps of 40 and 30 frames, song 1 one of 20 (latent missing: 0
// frames), song 2 maps of 25 and 50. Latents: 4 dims, 3 frames per 10 signal frames.
MapTable three_songs() {
  MapTable m;
  m.song_group_idx = {0, 0, 1, 2, 2};
  m.frames = {40, 30, 20, 25, 50};
  m.latent_frames = {12, 9, 0, 7, 15};
  int64_t f = 0, l = 0;
  for (size_t r = 0; r < m.frames.size(); ++r) {
    m.frame_offset.push_back(f);
    m.latent_offset.push_back(l);
    f += m.frames[r];
    l += m.latent_frames[r];
  }
  m.latent_dims = 4;
  return m;
}

// Map r's signal: a different smooth pattern per row (so a wrong row changes every statistic);
// the rows it was asked for are recorded.
class MemorySignals : public SignalSource {
 public:
  explicit MemorySignals(const MapTable& m) : maps_(m) {}
  std::vector<double> encoding(int64_t row) override {
    asked.push_back(row);
    std::vector<double> x(size_t(9 * maps_.frames[size_t(row)]));
    for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.37 * double(i) * double(row + 1)) + double(i % 7);
    return x;
  }
  std::vector<float> latent(int64_t row) override {
    std::vector<float> z(size_t(maps_.latent_dims * maps_.latent_frames[size_t(row)]));
    for (size_t i = 0; i < z.size(); ++i) z[i] = float(std::cos(0.21 * double(i) + double(row)));
    return z;
  }
  std::vector<int64_t> asked;

 private:
  const MapTable& maps_;
};

std::vector<int64_t> identities(const std::vector<controls::NullPair>& pairs) {
  std::vector<int64_t> out;
  for (const auto& p : pairs) out.insert(out.end(), {p.song_a, p.member_a, p.song_b, p.member_b, p.length});
  return out;
}

controls::NullPair null_pair(stats::PairKey real, int64_t song_b, int64_t member_b, int64_t length) {
  return {real, real.song_group_idx, real.member_a, song_b, member_b, length, 0.25};
}

TEST(NullBaseline, LocatesMapsAndSongLengths) {
  const MapTable m = three_songs();
  const MapLocator where(m);
  EXPECT_EQ(where.row(0, 1), 1);
  EXPECT_EQ(where.row(2, 0), 3);
  EXPECT_EQ(where.row(2, 1), 4);
  EXPECT_EQ(where.members(2), 2);
  EXPECT_EQ(where.members(7), 0);
  EXPECT_THROW(where.row(1, 1), std::out_of_range);
  EXPECT_THROW(where.row(3, 0), std::out_of_range);
  EXPECT_EQ(where.song_frames(), (std::vector<int64_t>{30, 20, 25}));
  EXPECT_EQ(where.song_latent_frames(), (std::vector<int64_t>{9, 0, 7}));
}

TEST(NullBaseline, RefusesMapsOfASongThatAreNotTogether) {
  MapTable m = three_songs();
  m.song_group_idx = {0, 1, 0, 2, 2};
  EXPECT_THROW(MapLocator{m}, std::invalid_argument);
}

TEST(NullBaseline, CandidateSongsAreThoseOfTheRealPairs) {
  const MapTable m = three_songs();
  std::vector<stats::TrackAPair> real(3);
  real[0].key = {0, 0, 1};
  real[1].key = {2, 0, 1};
  real[2].key = {2, 1, 0};
  const auto songs = null_candidate_songs(real, MapLocator(m));
  ASSERT_EQ(songs.size(), 2u);
  EXPECT_EQ(songs[0].song_group_idx, 0);
  EXPECT_EQ(songs[0].members, 2);
  EXPECT_EQ(songs[0].length, 30);
  EXPECT_EQ(songs[1].song_group_idx, 2);
  EXPECT_EQ(songs[1].length, 25);
}

TEST(NullBaseline, ComparesTheRightMapsOverTheSongsCommonLengths) {
  const MapTable m = three_songs();
  const MapLocator where(m);
  MemorySignals source(m);
  const controls::NullPair p = null_pair({0, 1, 0}, 2, 1, 25);
  const NullPairStats st = null_pair_stats(p, m, where, where.song_latent_frames(), source, true);
  EXPECT_EQ(source.asked, (std::vector<int64_t>{1, 4}));
  EXPECT_EQ(st.track_a.key, (stats::PairKey{0, 1, 0}));  // the real pair's key
  EXPECT_EQ(st.track_a.n_frames, 25);
  ASSERT_TRUE(st.track_b.has_value());
  EXPECT_EQ(st.track_b->n_frames, 7);  // min(9, 7): the songs' common latent lengths
  EXPECT_EQ(st.track_b->dims.size(), 4u);

  // The same maps, given to the statistics by hand, give the same values.
  MemorySignals again(m);
  const std::vector<double> a = again.encoding(1), b = again.encoding(4);
  const stats::TrackAPair direct =
      stats::track_a_pair({0, 1, 0}, stats::EncodingView(a, 9, 30), stats::EncodingView(b, 9, 50), 25);
  for (size_t d = 0; d < 9; ++d) EXPECT_EQ(st.track_a.dims[d].pearson, direct.dims[d].pearson);
  EXPECT_EQ(st.track_a.full_cosine, direct.full_cosine);
}

TEST(NullBaseline, NoTrackBWhenASongLacksLatentsOrWithoutModel) {
  const MapTable m = three_songs();
  const MapLocator where(m);
  MemorySignals source(m);
  EXPECT_FALSE(null_pair_stats(null_pair({0, 0, 1}, 1, 0, 20), m, where, where.song_latent_frames(), source, true)
                   .track_b.has_value());
  EXPECT_FALSE(null_pair_stats(null_pair({0, 0, 1}, 2, 0, 25), m, where, where.song_latent_frames(), source, false)
                   .track_b.has_value());
}

// Slices joined in rank order equal the whole list, for any number of slices.
TEST(NullBaseline, SlicesJoinToTheWhole) {
  const MapTable m = three_songs();
  const std::vector<controls::NullPair> pairs{null_pair({0, 0, 1}, 2, 0, 25), null_pair({0, 1, 0}, 1, 0, 20),
                                              null_pair({2, 0, 1}, 0, 1, 25), null_pair({2, 1, 0}, 0, 0, 25)};
  MemorySignals whole_source(m);
  const NullRecords whole = null_slice(pairs, 0, pairs.size(), m, whole_source, true);
  ASSERT_EQ(whole.track_a.size(), 4u);
  EXPECT_EQ(whole.b_real_index, (std::vector<int64_t>{0, 2, 3}));  // pair 1 meets song 1: no latents
  for (size_t cut : {size_t(1), size_t(2), size_t(3)}) {
    MemorySignals source(m);
    NullRecords joined = null_slice(pairs, 0, cut, m, source, true);
    append_slice(joined, null_slice(pairs, cut, pairs.size(), m, source, true));
    ASSERT_EQ(identities(joined.a_pairs), identities(whole.a_pairs));
    ASSERT_EQ(joined.b_real_index, whole.b_real_index);
    for (size_t i = 0; i < whole.track_a.size(); ++i) EXPECT_EQ(joined.track_a[i].full_cosine, whole.track_a[i].full_cosine);
    for (size_t i = 0; i < whole.track_b.size(); ++i) EXPECT_EQ(joined.track_b[i].full_cosine, whole.track_b[i].full_cosine);
  }
}

TEST(NullBaseline, LinksToTheRealPairsAndDropsTrackBWithoutARealOne) {
  const MapTable m = three_songs();
  const std::vector<controls::NullPair> pairs{null_pair({0, 0, 1}, 2, 0, 25), null_pair({2, 0, 1}, 0, 1, 25)};
  MemorySignals source(m);
  NullRecords r = null_slice(pairs, 0, pairs.size(), m, source, true);
  ASSERT_EQ(r.track_b.size(), 2u);
  std::vector<stats::TrackAPair> real_a(3);
  real_a[0].key = {0, 0, 1};
  real_a[1].key = {1, 0, 1};
  real_a[2].key = {2, 0, 1};
  std::vector<stats::TrackBPair> real_b(1);
  real_b[0].key = {2, 0, 1};  // song 0's real pair has no Track B record
  link_to_real(r, real_a, real_b);
  EXPECT_EQ(r.a_real_index, (std::vector<int64_t>{0, 2}));
  ASSERT_EQ(r.b_pairs.size(), 1u);
  EXPECT_EQ(r.b_pairs[0].real, (stats::PairKey{2, 0, 1}));
  EXPECT_EQ(r.b_real_index, (std::vector<int64_t>{0}));
  EXPECT_EQ(r.track_b.size(), 1u);

  real_a.erase(real_a.begin());  // a null pair beside no real pair: a bug upstream, said loudly
  EXPECT_THROW(link_to_real(r, real_a, real_b), std::logic_error);
}

TEST(RunFileReader, ReadsColumnSlicesAndRefusesWhatIsNotThere) {
  const std::string path = "/tmp/carto_null_baseline_test_" + std::to_string(::getpid()) + ".h5";
  std::filesystem::remove(path);
  {
    // An empty HDF5 file to add tables to, as rank 0 does to cartography.h5.partial.
    hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    H5Fclose(f);
  }
  std::vector<double> signal(3 * 5);
  std::iota(signal.begin(), signal.end(), 0.0);  // row r, column c holds 5r + c
  io::add_tables(path, {{"encodings/signal", {3, 5}, signal}, {"maps/frames", {2}, std::vector<int64_t>{2, 3}}});
  EXPECT_THROW(io::add_tables(path, {{"maps/frames", {1}, std::vector<int64_t>{1}}}), io::StoreError);
  EXPECT_THROW(io::add_tables(path, {{"x", {2, 2}, std::vector<int64_t>{1}}}), io::StoreError);

  const io::RunFileReader file(path);
  EXPECT_TRUE(file.has("encodings/signal"));
  EXPECT_FALSE(file.has("latents/mu"));
  EXPECT_FALSE(file.has("nothing/here"));
  EXPECT_EQ(file.rows("encodings/signal"), 3);
  EXPECT_EQ(file.int64s("maps/frames"), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(file.columns("encodings/signal", 2, 3, double()),
            (std::vector<double>{2, 3, 4, 7, 8, 9, 12, 13, 14}));
  EXPECT_TRUE(file.columns("encodings/signal", 5, 0, double()).empty());
  try {
    (void)file.columns("encodings/signal", 3, 3, double());
    FAIL() << "read beyond the columns";
  } catch (const io::StoreError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)file.columns("maps/frames", 0, 1, double()), io::StoreError);  // not 2-D
  EXPECT_THROW(io::RunFileReader("/nonexistent/run.h5"), io::StoreError);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace cartography::pipeline
