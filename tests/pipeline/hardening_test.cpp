// Serial checks of the pipeline's defences: resume fingerprints keyed on content and on every
// option that changes a result, the outputs of an earlier run removed (and nothing else), and
// the non-finite guard that keeps poisoned maps out of the statistics.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "pipeline/analysis.hpp"
#include "pipeline/content_hash.hpp"
#include "pipeline/group_checkpoint.hpp"
#include "pipeline/group_job.hpp"
#include "pipeline/out_dir.hpp"

namespace cartography::pipeline {
namespace {
namespace fs = std::filesystem;

class Scratch : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("carto_hardening_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const fs::path& rel, const std::string& bytes) {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel, std::ios::binary) << bytes;
  }
  fs::path dir_;
};

catalog::SongGroup two_sets() {
  catalog::SongGroup g;
  g.match_key = "song ||| artist";
  g.mappers = {"a", "b"};
  g.beatmapsets = {{1, "a", "1.osz"}, {2, "b", "2.osz"}};
  return g;
}

TEST_F(Scratch, FingerprintFollowsContentNotNameOrSize) {
  write("1.osz", "first archive, v1");
  write("2.osz", "second archive");
  write("model.ckpt", "weights A");
  StudyOptions opt;
  opt.checkpoint = (dir_ / "model.ckpt").string();
  const std::string data = dir_.string();
  auto fingerprint = [&](const StudyOptions& o, bool random_control = true) {
    return group_fingerprint(o, content_hash(o.checkpoint), two_sets(), 0, data, random_control);
  };
  const std::string base = fingerprint(opt);
  EXPECT_EQ(base, fingerprint(opt));  // deterministic

  write("1.osz", "first archive, v2");  // same name, same size, other bytes
  EXPECT_NE(fingerprint(opt), base);
  write("1.osz", "first archive, v1");
  EXPECT_EQ(fingerprint(opt), base);

  write("model.ckpt", "weights B");  // another checkpoint of the same size at the same path
  EXPECT_NE(fingerprint(opt), base);
  write("model.ckpt", "weights A");

  for (auto change : std::vector<void (*)(StudyOptions&)>{
           [](StudyOptions& o) { o.latent = LatentMode::Sample; },
           [](StudyOptions& o) { o.seed = 7; },
           [](StudyOptions& o) { o.group_by = catalog::GroupBy::OsuCreator; },
           [](StudyOptions& o) { o.audio_match = catalog::AudioMatch::Reference; },
           [](StudyOptions& o) { o.controls = false; },
           [](StudyOptions& o) { o.control_seeds = 1; }}) {
    StudyOptions other = opt;
    change(other);
    EXPECT_NE(fingerprint(other), base);
  }
  // Options that change no result do not invalidate saved groups.
  StudyOptions same = opt;
  same.progress_seconds = 1;
  same.device = Device::Cpu;
  same.report = false;
  same.bootstrap = 10;  // the intervals are rank 0's, never a saved group's
  same.ci_level = 0.9;
  EXPECT_EQ(fingerprint(same), base);
  // A group the random-encoder control no longer covers (another --control-songs) is recomputed.
  EXPECT_NE(fingerprint(opt, false), base);
  // Track A only vs. with a checkpoint.
  StudyOptions track_a = opt;
  track_a.checkpoint.clear();
  EXPECT_NE(group_fingerprint(track_a, "", two_sets(), 0, data, true), base);
}

TEST_F(Scratch, ContentHashRefusesWhatIsNotARegularFile) {
  const std::string fifo = (dir_ / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_THROW(content_hash(fifo), std::runtime_error);  // would block if opened
  EXPECT_THROW(content_hash((dir_ / "absent").string()), std::runtime_error);
}

TEST_F(Scratch, EarlierOutputsAreRemovedAndNothingElse) {
  for (const std::string& f : out_files::every_file()) {
    write(f, "old");
    write(f + ".tmp", "old");
  }
  write("cartography.h5.partial", "old");
  write("report/index.html", "old");
  write("results/comparison_with_published.json", "old");  // the report's copy: stale otherwise
  write("results/comparison_with_published.json.partial", "old");
  write("progress/group_0.cbor", "old");
  write("notes.txt", "user");
  write("data/mine.json", "user");
  write("results/track_b/extra.csv", "user");

  out_files::remove_previous_outputs(dir_.string(), /*keep_progress=*/true);
  std::vector<std::string> left;
  for (const auto& e : fs::recursive_directory_iterator(dir_))
    if (e.is_regular_file()) left.push_back(fs::relative(e.path(), dir_).string());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"data/mine.json", "notes.txt", "progress/group_0.cbor",
                                            "results/track_b/extra.csv"}));
  EXPECT_FALSE(fs::exists(dir_ / "results/track_a"));  // our folder, left empty: gone
  EXPECT_FALSE(fs::exists(dir_ / "results/synthesis"));

  out_files::remove_previous_outputs(dir_.string(), /*keep_progress=*/false);
  EXPECT_FALSE(fs::exists(dir_ / "progress"));
  EXPECT_TRUE(fs::exists(dir_ / "notes.txt"));
}

// A link at data/ (planted in a shared --out) sent the run's JSON into the link's target folder.
TEST_F(Scratch, OutputFoldersThatAreLinksAreRefused) {
  write("elsewhere/keep.txt", "user");
  fs::create_directories(dir_ / "out");
  fs::create_symlink(dir_ / "elsewhere", dir_ / "out/data");
  try {
    out_files::create_output_folders((dir_ / "out").string(), false, false);
    ADD_FAILURE() << "a linked data/ was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("out/data is a symbolic link"), std::string::npos) << e.what();
  }
  out_files::create_output_folders((dir_ / "fresh").string(), true, true);  // folders of its own: fine
  EXPECT_TRUE(fs::is_directory(dir_ / "fresh/results/synthesis"));
  EXPECT_TRUE(fs::is_directory(dir_ / "fresh/results/controls"));
  // A linked results/controls/ is refused too.
  fs::create_directories(dir_ / "linked/results");
  fs::create_symlink(dir_ / "elsewhere", dir_ / "linked/results/controls");
  EXPECT_THROW(out_files::create_output_folders((dir_ / "linked").string(), false, true), std::runtime_error);
}

// Progress files are read back from --out, where anything may have been left (--resume is always
// passed by the Slurm scripts): each of these is "not resumable", found promptly, never a crash.
TEST_F(Scratch, DamagedProgressFilesAreRecomputedNeverTrusted) {
  const std::string out = dir_.string();
  write("progress/group_0.cbor", std::string(200000, '\x81'));  // 200,000 nested arrays: stack overflow
  ASSERT_EQ(::mkfifo((dir_ / "progress/group_1.cbor").c_str(), 0600), 0);  // blocked the reader
  fs::create_symlink("/dev/zero", dir_ / "progress/group_2.cbor");          // read until memory ran out
  write("progress/group_3.cbor", "\x9b\xff\xff\xff\xff\xff\xff\xff\xff");  // 2^64-1 items, none there
  fs::create_directories(dir_ / "progress/group_4.cbor");
  for (int idx = 0; idx <= 5; ++idx) EXPECT_FALSE(load_group(out, idx, "fingerprint", out)) << "group " << idx;
}

// A NaN or inf in a saved group (a run never saves one) was trusted: the whole run then failed at
// its last JSON write ("refusing to write a non-finite number", no summary).
TEST_F(Scratch, ProgressFileWithANonFiniteNumberIsRecomputed) {
  const std::string out = dir_.string();
  save_group(out, "fingerprint", GroupOutcome{}, io::Json{{"pearson", {0.5, 0.25}}});
  ASSERT_TRUE(load_group(out, 0, "fingerprint", out));  // the same file with finite numbers loads
  for (const double bad : {std::nan(""), std::numeric_limits<double>::infinity()}) {
    save_group(out, "fingerprint", GroupOutcome{}, io::Json{{"pearson", {0.5, bad}}});
    EXPECT_FALSE(load_group(out, 0, "fingerprint", out)) << bad;
  }
}

// A sparse progress file of 64 GiB (a few KB on disk) was read whole into memory before parsing.
// Checked in a child process, whose peak memory is its own.
TEST_F(Scratch, HugeSparseProgressFileIsNotReadIntoMemory) {
  fs::create_directories(dir_ / "progress");
  { std::ofstream(dir_ / "progress/group_0.cbor", std::ios::binary) << "\xa1"; }  // a map, then zeros
  fs::resize_file(dir_ / "progress/group_0.cbor", uint64_t{64} << 30);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const bool loaded = load_group(dir_.string(), 0, "fingerprint", dir_.string()).has_value();
    struct rusage usage {};
    ::getrusage(RUSAGE_SELF, &usage);
    ::_exit(!loaded && usage.ru_maxrss < 512 * 1024 ? 0 : 1);  // ru_maxrss is in KiB
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
}

TEST(NonFinite, FirstBadValueIsLocated) {
  std::vector<double> v(9 * 4, 1.0);
  EXPECT_FALSE(first_non_finite(v, 4));
  v[2 * 4 + 3] = std::numeric_limits<double>::infinity();
  EXPECT_EQ(first_non_finite(v, 4).value_or(""), "infinity at row 2, column 3");
  v[1] = std::nan("");
  EXPECT_EQ(first_non_finite(v, 4).value_or(""), "NaN at row 0, column 1");
  // Latents are float32: a finite float64 encoding can overflow there.
  std::vector<float> z(32 * 3, 0.5f);
  EXPECT_FALSE(first_non_finite(z, 3));
  const float largest = std::numeric_limits<float>::max();
  z[5 * 3 + 2] = largest * 2.0f;  // IEEE overflow to infinity
  EXPECT_EQ(first_non_finite(z, 3).value_or(""), "infinity at row 5, column 2");
}

GroupOutcome two_maps(double scale) {
  GroupOutcome o;
  o.song_group_idx = 3;
  o.target_L = 64;
  for (const char* creator : {"a", "b"}) {
    EncodedMap m;
    m.entry.creator = creator;
    m.entry.osu_path = std::string("1/") + creator + ".osu";
    m.frames = o.target_L;
    m.signal.resize(9 * 64);
    for (size_t i = 0; i < m.signal.size(); ++i) m.signal[i] = scale * double((i * 7 + creator[0]) % 13);
    o.maps.push_back(std::move(m));
  }
  return o;
}

TEST(StatisticsGuard, FiniteButHugeSignalsNeverReachTheSummaries) {
  AnalysisInputs none;  // Track A only
  GroupTimings t;
  GroupOutcome ok = two_maps(1.0);
  io::Json records = analyse_group(none, ok, t);
  EXPECT_EQ(ok.maps.size(), 2u);
  EXPECT_EQ(records.at("a").size(), 1u);  // one pair

  GroupOutcome huge = two_maps(1e300);  // finite, but squares and sums overflow
  records = analyse_group(none, huge, t);
  EXPECT_TRUE(huge.maps.empty());
  EXPECT_TRUE(records.at("a").empty());
  ASSERT_EQ(huge.skips.size(), 2u);
  EXPECT_EQ(huge.skips[0].stage, "statistics");
  EXPECT_EQ(huge.skips[0].subject, "1/a.osu");
  EXPECT_NE(huge.skips[0].reason.find("not finite"), std::string::npos);
  EXPECT_NO_THROW(io::dump_python_style(records));  // no NaN left to refuse
}

}  // namespace
}  // namespace cartography::pipeline
