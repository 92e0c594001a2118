// The per-rank spill of finished arrays (pipeline/array_spill.hpp): what goes in comes back bit
// for bit at the offsets it reports, the outcome's arrays are freed (capacity, not only size),
// the file is never visible under its name, and a write that fails (a file size limit standing
// in for a full disk) or a folder that cannot be made is an error naming the file, with the
// outcome left whole.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "pipeline/array_spill.hpp"

namespace cartography::pipeline {
namespace {
namespace fs = std::filesystem;

std::string scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("carto_spill_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(dir);
  return dir.string();
}

// A map of `frames` columns whose every value is distinct (and not a round number): a value read
// from the wrong offset cannot pass for the right one.
EncodedMap map_of(int64_t frames, int64_t latent_dims, int64_t latent_frames, double seed) {
  EncodedMap m;
  m.filename = "m" + std::to_string(seed) + ".npy";
  m.frames = frames;
  for (int64_t i = 0; i < 9 * frames; ++i) m.signal.push_back(seed + 0.001 * double(i) + 1e-9);
  m.latent_dims = latent_dims;
  m.latent_frames = latent_frames;
  for (int64_t i = 0; i < latent_dims * latent_frames; ++i) m.latent.push_back(float(-seed - 0.5 * double(i)));
  return m;
}

GroupOutcome group_of(int idx, std::vector<EncodedMap> maps) {
  GroupOutcome o;
  o.song_group_idx = idx;
  o.maps = std::move(maps);
  return o;
}

TEST(ArraySpill, ArraysComeBackBitForBitAndLeaveMemory) {
  const std::string dir = scratch("roundtrip");
  const std::string path = spill_path(dir, 3);
  EXPECT_EQ(path, dir + "/progress/spill.rank3.bin");
  ArraySpill spill(path);
  EXPECT_FALSE(fs::exists(dir));  // nothing until the first group
  // Group 7 with latents, then group 2 without (a Track-A-only group) and an empty map.
  std::vector<GroupOutcome> groups{group_of(7, {map_of(5, 3, 2, 1.0), map_of(11, 3, 4, 2.0)}),
                                   group_of(2, {map_of(4, 0, 0, 3.0), map_of(0, 0, 0, 4.0)})};
  const std::vector<GroupOutcome> copies = groups;
  for (GroupOutcome& g : groups) spill.append(g);
  EXPECT_FALSE(fs::exists(path)) << "the spill must never be visible under its name";
  EXPECT_TRUE(fs::exists(dir + "/progress"));

  ASSERT_EQ(spill.groups().size(), 2u);
  uint64_t expected_bytes = 0;
  for (size_t g = 0; g < groups.size(); ++g) {
    const SpilledGroup& s = spill.groups()[g];
    EXPECT_EQ(s.song_group_idx, copies[g].song_group_idx);
    ASSERT_EQ(s.maps.size(), copies[g].maps.size());
    for (size_t k = 0; k < s.maps.size(); ++k) {
      const EncodedMap& orig = copies[g].maps[k];
      const EncodedMap& kept = groups[g].maps[k];
      EXPECT_EQ(kept.signal.capacity(), 0u);
      EXPECT_EQ(kept.latent.capacity(), 0u);
      EXPECT_EQ(kept.frames, orig.frames);  // sizes and metadata stay for the tables
      EXPECT_EQ(kept.latent_frames, orig.latent_frames);
      EXPECT_EQ(kept.filename, orig.filename);
      const SpilledMap& m = s.maps[k];
      EXPECT_EQ(m.frames, orig.frames);
      EXPECT_EQ(m.latent_dims, orig.latent_dims);
      EXPECT_EQ(m.latent_frames, orig.latent_frames);
      std::vector<double> signal(orig.signal.size());
      spill.read(m.signal_at, signal.data(), signal.size());
      EXPECT_EQ(signal, orig.signal);
      std::vector<float> latent(orig.latent.size());
      spill.read(m.latent_at, latent.data(), latent.size());
      EXPECT_EQ(latent, orig.latent);
      expected_bytes += orig.signal.size() * sizeof(double) + orig.latent.size() * sizeof(float);
    }
  }
  EXPECT_EQ(spill.bytes(), expected_bytes);
  // One row of the second map (what the final write reads): row 4 of [9, 11].
  std::vector<double> row(11);
  spill.read(spill.groups()[0].maps[1].signal_at + 4 * 11 * sizeof(double), row.data(), row.size());
  EXPECT_EQ(row, std::vector<double>(copies[0].maps[1].signal.begin() + 44, copies[0].maps[1].signal.begin() + 55));
  // Reading past the end is an error, not garbage.
  EXPECT_THROW(spill.read(spill.bytes() - 8, row.data(), 2), SpillError);
  fs::remove_all(dir);
}

TEST(ArraySpill, ArraysThatDisagreeWithTheirSizesAreRefused) {
  const std::string dir = scratch("sizes");
  ArraySpill spill(spill_path(dir, 0));
  GroupOutcome g = group_of(1, {map_of(5, 2, 3, 1.0)});
  g.maps[0].frames = 6;
  EXPECT_THROW(spill.append(g), SpillError);
  EXPECT_EQ(g.maps[0].signal.size(), 45u);  // left whole
  EXPECT_TRUE(spill.groups().empty());
  fs::remove_all(dir);
}

TEST(ArraySpill, AFolderThatCannotBeMadeIsAnErrorNamingTheFile) {
  const std::string dir = scratch("nofolder");
  fs::create_directories(dir);
  std::ofstream(dir + "/out") << "a file where the out folder should be";
  ArraySpill spill(spill_path(dir + "/out", 0));
  GroupOutcome g = group_of(1, {map_of(5, 0, 0, 1.0)});
  try {
    spill.append(g);
    ADD_FAILURE() << "spilled under a regular file";
  } catch (const SpillError& e) {
    EXPECT_NE(std::string(e.what()).find(dir + "/out/progress/spill.rank0.bin"), std::string::npos) << e.what();
  }
  EXPECT_EQ(g.maps[0].signal.size(), 45u);
  fs::remove_all(dir);
}

// A file size limit makes write() fail with EFBIG the way a full disk fails with ENOSPC: the
// group that did not fit is not recorded, its arrays stay, and the error names the file.
TEST(ArraySpill, AFailedWriteIsAnErrorAndTheGroupStaysWhole) {
  const std::string dir = scratch("full");
  const std::string path = spill_path(dir, 1);
  ArraySpill spill(path);
  GroupOutcome small = group_of(1, {map_of(10, 0, 0, 1.0)});  // 720 bytes
  spill.append(small);
  rlimit old{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);  // the limit would otherwise kill the test
  rlimit limit = old;
  limit.rlim_cur = 4096;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limit), 0);
  GroupOutcome big = group_of(2, {map_of(100, 0, 0, 2.0)});  // 7,200 bytes: past the limit
  std::string error;
  try {
    spill.append(big);
  } catch (const SpillError& e) {
    error = e.what();
  }
  setrlimit(RLIMIT_FSIZE, &old);
  ::signal(SIGXFSZ, old_handler);
  EXPECT_NE(error.find(path), std::string::npos) << error;
  EXPECT_NE(error.find("File too large"), std::string::npos) << error;
  EXPECT_EQ(big.maps[0].signal.size(), 900u);
  ASSERT_EQ(spill.groups().size(), 1u);
  EXPECT_EQ(spill.bytes(), 720u);
  // The spill goes on from where the failed group started: nothing of it is read back.
  GroupOutcome next = group_of(3, {map_of(2, 0, 0, 3.0)});
  const std::vector<double> expected = next.maps[0].signal;
  spill.append(next);
  std::vector<double> back(expected.size());
  spill.read(spill.groups()[1].maps[0].signal_at, back.data(), back.size());
  EXPECT_EQ(spill.groups()[1].maps[0].signal_at, 720u);
  EXPECT_EQ(back, expected);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cartography::pipeline
