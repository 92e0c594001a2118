// run_group(), the whole work on one song group, serially on corpus_small: its records summed
// over every group reproduce the reference's result files (to the tolerances of the end-to-end
// parity check: Track A 1e-9; Track B and synthesis v1 with the reference's VAE 1e-6), a
// broken archive is a skip with its reason while the rest of its group still counts, and a
// saved group reloads (--resume) with the same records and bit-identical signals, but never when
// stale or damaged.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <fstream>
#include <sstream>

#include "catalog/index.hpp"
#include "io/json.hpp"
#include "pipeline/dataset.hpp"
#include "pipeline/group_checkpoint.hpp"
#include "pipeline/index_plan.hpp"
#include "pipeline/records.hpp"
#include "pipeline/run_group.hpp"
#include "pipeline/stats_records.hpp"
#include "stats/json_compare.hpp"
#include "stats/synthesis.hpp"
#include "stats/track_a.hpp"
#include "stats/track_b.hpp"

namespace cartography::pipeline {
namespace {
namespace fs = std::filesystem;

const std::string kData = CARTO_TEST_DATA;
const std::string kCorpus = kData + "/corpus_small";
const std::string kReference = kData + "/corpus_small_reference/";
const std::string kCheckpoint = kData + "/vae/vae_small.ckpt";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The index of a folder, serially, as rank 0 plans it.
std::vector<catalog::SongGroup> index_of(const std::string& dir) {
  std::vector<catalog::ArchiveScan> scans;
  const std::vector<ArchiveFile> files = list_archives(dir);
  for (const ArchiveFile& f : files) scans.push_back(scan_file(f, catalog::GroupBy::SetCreator));
  std::vector<Skip> skips;
  RunCounts counts;
  return plan_index(scans, files, 1, catalog::GroupBy::SetCreator, skips, counts).groups;
}

fs::path scratch_dir(const std::string& tag) {
  fs::path d = fs::temp_directory_path() / ("carto_run_group_" + std::to_string(::getpid()) + "_" + tag);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

RunOptions options(const std::string& dataset, const fs::path& out, const std::string& checkpoint) {
  RunOptions opt;
  opt.dataset_dir = dataset;
  opt.out_dir = out.string();
  opt.checkpoint = checkpoint;
  return opt;
}

struct CorpusRun {
  std::vector<GroupResult> results;
  GroupRecords records;
};

CorpusRun run_every_group(const RunOptions& opt, AnalysisInputs& analysis) {
  CorpusRun run;
  GroupTimings timings;
  const auto groups = index_of(opt.dataset_dir);
  for (size_t g = 0; g < groups.size(); ++g) {
    run.results.push_back(run_group(opt, "", groups[g], static_cast<int>(g), analysis, timings));
    run.records.append(records_from_json(run.results.back().records));
  }
  return run;
}

// The plan rank 0 makes: the reference's song groups in its order, every group owned by a rank
// in range, and archives that cannot be indexed (a refused file, a repeated beatmapset id)
// counted as index skips naming the file.
TEST(PlanIndex, GroupsAreTheReferenceIndexAndBadArchivesAreSkips) {
  std::vector<ArchiveFile> files = list_archives(kCorpus);
  std::vector<catalog::ArchiveScan> scans;
  for (const ArchiveFile& f : files) scans.push_back(scan_file(f, catalog::GroupBy::SetCreator));
  files.push_back({"fifo.osz", kCorpus + "/fifo.osz", 0, "not a regular file (a FIFO)"});
  scans.push_back(scan_file(files.back(), catalog::GroupBy::SetCreator));
  scans.push_back(scans.front());  // the same beatmapset id again
  scans.back().filename = "copy.osz";
  std::vector<Skip> skips;
  RunCounts counts;
  const IndexPlan plan = plan_index(scans, files, 3, catalog::GroupBy::SetCreator, skips, counts);

  std::vector<std::string> ours, theirs;
  for (const auto& g : plan.groups) ours.push_back(g.match_key);
  for (const auto& g : io::Json::parse(slurp(kReference + "multi_mapper_index.json")))
    theirs.push_back(g.at("match_key").get<std::string>());
  EXPECT_EQ(ours, theirs);
  ASSERT_EQ(plan.owner.size(), plan.groups.size());
  for (int o : plan.owner) EXPECT_TRUE(o >= 0 && o < 3) << o;
  std::set<std::string> skipped;
  for (const Skip& k : skips)
    if (k.stage == "index") skipped.insert(k.subject);
  EXPECT_EQ(skipped, (std::set<std::string>{"fifo.osz", "copy.osz"}));
  EXPECT_EQ(counts.archives_indexed, files.size() - 1);  // every real archive once; not the FIFO
}

TEST(RunGroup, TrackAOfEveryGroupMatchesTheReference) {
  const fs::path out = scratch_dir("track_a");
  AnalysisInputs none;
  const CorpusRun run = run_every_group(options(kCorpus, out, ""), none);
  EXPECT_GT(stats::testing::expect_json_near(stats::to_json(stats::summarize_track_a(run.records.track_a)),
                                             stats::testing::load_json(kReference + "track_a_results.json"), 1e-9),
            60);
  // The maps, in manifest order, are the reference's representatives.
  std::vector<std::string> ours, theirs;
  for (const GroupResult& r : run.results)
    for (const EncodedMap& m : r.outcome.maps) ours.push_back(m.filename);
  for (const auto& e : io::Json::parse(slurp(kReference + "encoding_manifest.json")))
    theirs.push_back(e.at("filename").get<std::string>());
  EXPECT_EQ(ours, theirs);
  for (const GroupResult& r : run.results) {
    EXPECT_FALSE(r.resumed);
    EXPECT_EQ(r.save_error, "");
  }
  fs::remove_all(out);
}

TEST(RunGroup, WithTheReferenceVaeTrackBAndSynthesisMatchTheReference) {
  RunOptions opt = options(kCorpus, scratch_dir("track_b"), kCheckpoint);
  opt.device = Device::Cpu;
  AnalysisInputs analysis = prepare_analysis(opt, 1, index_of(kCorpus).size());
  const CorpusRun run = run_every_group(opt, analysis);
  const auto a = stats::summarize_track_a(run.records.track_a);
  const auto b = stats::summarize_track_b(run.records.track_b, run.records.members);
  const auto v1 = stats::summarize_synthesis_v1(run.records.beatmaps, b);
  EXPECT_GT(stats::testing::expect_json_near(stats::to_json(b), stats::testing::load_json(kReference + "track_b_results.json"), 1e-6), 400);
  EXPECT_GT(stats::testing::expect_json_near(stats::to_json(v1, a, b),
                                             stats::testing::load_json(kReference + "synthesis_results.json"), 1e-6),
            400);
  fs::remove_all(opt.out_dir);
}

// A copy of the first group's archives with one of them cut short.
TEST(RunGroup, ABrokenArchiveIsASkipAndTheRestOfItsGroupCounts) {
  const fs::path out = scratch_dir("broken_out"), data = scratch_dir("broken_data");
  const auto groups = index_of(kCorpus);
  const catalog::SongGroup& group = groups.at(0);
  ASSERT_GE(group.beatmapsets.size(), 3u);
  for (const auto& s : group.beatmapsets) fs::copy_file(kCorpus + "/" + s.filename, data / s.filename);
  const std::string broken = group.beatmapsets[0].filename;
  fs::resize_file(data / broken, 200);

  AnalysisInputs none;
  GroupTimings timings;
  GroupResult whole = run_group(options(kCorpus, out, ""), "", group, 0, none, timings);
  GroupResult cut = run_group(options(data.string(), out, ""), "", group, 0, none, timings);
  bool named = false;
  for (const Skip& s : cut.outcome.skips)
    named = named || (s.stage == "archive" && s.subject == broken && !s.reason.empty());
  EXPECT_TRUE(named) << "no archive skip names " << broken;
  size_t maps_of_broken = 0;
  for (const EncodedMap& m : whole.outcome.maps) maps_of_broken += m.entry.archive_file == broken;
  ASSERT_GT(maps_of_broken, 0u);
  EXPECT_EQ(cut.outcome.maps.size(), whole.outcome.maps.size() - maps_of_broken);
  EXPECT_FALSE(cut.outcome.maps.empty());
  fs::remove_all(out);
  fs::remove_all(data);
}

TEST(RunGroup, ASavedGroupReloadsIdenticallyButNeverWhenStaleOrDamaged) {
  const fs::path out = scratch_dir("resume");
  RunOptions opt = options(kCorpus, out, "");
  const auto groups = index_of(kCorpus);
  AnalysisInputs none;
  GroupTimings timings;
  const GroupResult first = run_group(opt, "", groups.at(1), 1, none, timings);
  ASSERT_FALSE(first.outcome.maps.empty());

  opt.resume = true;
  const GroupResult again = run_group(opt, "", groups.at(1), 1, none, timings);
  EXPECT_TRUE(again.resumed);
  EXPECT_EQ(again.records, first.records);
  EXPECT_EQ(outcome_metadata(again.outcome), outcome_metadata(first.outcome));
  ASSERT_EQ(again.outcome.maps.size(), first.outcome.maps.size());
  for (size_t i = 0; i < first.outcome.maps.size(); ++i)
    EXPECT_EQ(again.outcome.maps[i].signal, first.outcome.maps[i].signal) << "map " << i;

  RunOptions other = opt;  // an option that changes results: the saved group is stale
  other.audio_match = catalog::AudioMatch::Reference;
  EXPECT_FALSE(run_group(other, "", groups.at(1), 1, none, timings).resumed);

  const fs::path saved = fs::path(progress_dir(out.string())) / "group_1.cbor";
  ASSERT_TRUE(fs::exists(saved));
  fs::resize_file(saved, fs::file_size(saved) / 2);
  const GroupResult damaged = run_group(opt, "", groups.at(1), 1, none, timings);
  EXPECT_FALSE(damaged.resumed);
  EXPECT_EQ(damaged.records, first.records);
  fs::remove_all(out);
}

}  // namespace
}  // namespace cartography::pipeline
