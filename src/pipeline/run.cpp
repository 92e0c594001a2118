// `cartography run`: the distributed job. Rank 0 lists the dataset and builds the index from a
// metadata scan spread over all ranks; whole song groups go to ranks by estimated cost; each
// rank reads, decodes, encodes (and runs the latent model on its device); group outcomes and
// pair statistics travel to rank 0, which writes the JSON; every rank writes its arrays into
// the one parallel HDF5 file.
#include "pipeline/run.hpp"
#include "pipeline/run_session.hpp"

#include <spdlog/spdlog.h>
#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <boost/mpi.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <thread>
#include <cstdio>
#include <cstdlib>

#include "catalog/index.hpp"
#include "pipeline/analysis.hpp"
#include "pipeline/array_spill.hpp"
#include "pipeline/checkpoint_provenance.hpp"
#include "pipeline/content_hash.hpp"
#include "pipeline/controls_outputs.hpp"
#include "pipeline/dataset.hpp"
#include "pipeline/group_checkpoint.hpp"
#include "pipeline/group_dispatch.hpp"
#include "pipeline/group_job.hpp"
#include "pipeline/index_plan.hpp"
#include "pipeline/null_phase.hpp"
#include "pipeline/out_dir.hpp"
#include "pipeline/outputs.hpp"
#include "pipeline/pipeline_plugin.hpp"
#include "pipeline/plan.hpp"
#include "pipeline/progress.hpp"
#include "pipeline/rank_agreement.hpp"
#include "pipeline/run_group.hpp"
#include "pipeline/records.hpp"
#include "pipeline/stats_records.hpp"
#include "pipeline/store_layout.hpp"
#include "report/report.hpp"

namespace cartography::pipeline {
namespace fs = std::filesystem;
namespace mpi = boost::mpi;

namespace {

using Clock = std::chrono::steady_clock;

class StageClock {
 public:
  void start(const std::string& stage) {
    stage_ = stage;
    t0_ = Clock::now();
  }
  void stop() { seconds_[stage_] += std::chrono::duration<double>(Clock::now() - t0_).count(); }
  const std::map<std::string, double>& seconds() const { return seconds_; }

 private:
  std::string stage_;
  Clock::time_point t0_;
  std::map<std::string, double> seconds_;
};

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

std::vector<ArchiveFile> broadcast_listing(const mpi::communicator& world, const std::string& dir) {
  std::string packed = decide_on_root(world, [&] {
    io::Json j = io::Json::array();
    for (const auto& a : list_archives(dir)) j.push_back({a.name, a.path, a.bytes, a.refused});
    return pack(j);
  });
  std::vector<ArchiveFile> files;
  for (const auto& a : unpack(packed)) files.push_back({a[0], a[1], a[2].get<uint64_t>(), a[3]});
  return files;
}

// Each rank reads the first .osu of a contiguous slice of archives; rank 0 gathers the scans
// in dataset order.
std::vector<catalog::ArchiveScan> distributed_scan(const mpi::communicator& world,
                                                   const std::vector<ArchiveFile>& files, catalog::GroupBy group_by) {
  auto [begin, end] = slice_for_rank(files.size(), world.rank(), world.size());
  io::Json mine = io::Json::array();
  for (size_t i = begin; i < end; ++i) {
    mine.push_back(scan_file(files[i], group_by));
  }
  std::vector<std::string> parts;
  mpi::gather(world, pack(mine), parts, 0);
  std::vector<catalog::ArchiveScan> scans;
  for (const auto& p : parts)
    for (const auto& s : unpack(p)) scans.push_back(s.get<catalog::ArchiveScan>());
  return scans;
}

IndexPlan broadcast_plan(const mpi::communicator& world, const IndexPlan& plan) {
  io::Json j = {{"groups", plan.groups}, {"owner", plan.owner}, {"order", plan.order}};
  std::string packed = world.rank() == 0 ? pack(j) : std::string();
  mpi::broadcast(world, packed, 0);
  io::Json got = unpack(packed);
  return {got.at("groups").get<std::vector<catalog::SongGroup>>(), got.at("owner").get<std::vector<int>>(),
          got.at("order").get<std::vector<size_t>>()};
}

void log_outcome(const GroupOutcome& o) {
  for (const auto& s : o.skips) spdlog::info("skip [{}] {}: {}", s.stage, s.subject, s.reason);
  for (const auto& w : o.warnings) spdlog::warn("{}", w);
}

// A finished group's arrays go to this rank's spill and leave memory (array_spill.hpp); the
// reason when they cannot (a full disk), which stops the run like a failed progress file.
std::string spill_arrays(ArraySpill& spill, GroupOutcome& outcome) {
  try {
    spill.append(outcome);
    return {};
  } catch (const std::exception& e) {
    return e.what();
  }
}

size_t packed_bytes(const std::vector<std::string>& packed) {
  size_t bytes = 0;
  for (const std::string& p : packed) bytes += p.size();
  return bytes;
}

// Rank 0 gets every outcome's metadata and analysis records, in song_group_idx order.
std::vector<std::string> gather_packed(const mpi::communicator& world, const std::string& mine) {
  std::vector<std::string> parts;
  mpi::gather(world, mine, parts, 0);
  return parts;
}

// Tests of kill-and-resume need a run that is still going when they kill it:
// CARTOGRAPHY_TEST_GROUP_DELAY_MS makes every group take at least that much longer.
void test_group_delay() {
  static const long ms = [] {
    const char* v = std::getenv("CARTOGRAPHY_TEST_GROUP_DELAY_MS");
    return v ? std::strtol(v, nullptr, 10) : 0L;
  }();
  if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

// The node's cores shared among its ranks, and never more than this process may run on (a rank
// that mpirun or srun bound to one core sees one in its affinity mask): more threads than cores
// only wait for each other. The latent stage lowers it further for small maps.
int intra_op_threads(int ranks_on_node) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int allowed = cores;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) allowed = std::max(1, CPU_COUNT(&set));
  return std::max(1, std::min(allowed, cores / std::max(1, ranks_on_node)));
}

// The latent model on every rank, each with its share of the node's cores; a rank that cannot
// open it stops the whole run with the reason (the same on every rank, usually).
AnalysisInputs open_analysis(const mpi::communicator& world, const RunOptions& opt, size_t groups) {
  MPI_Comm node;
  MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, world.rank(), MPI_INFO_NULL, &node);
  int ranks_on_node = 1;
  MPI_Comm_size(node, &ranks_on_node);
  MPI_Comm_free(&node);
  AnalysisInputs in;
  std::string error;
  try {
    in = prepare_analysis(opt, intra_op_threads(ranks_on_node), groups);
  } catch (const std::exception& e) {
    error = e.what();
  }
  share_errors(world, error);
  return in;
}

std::optional<CheckpointProvenance> checkpoint_provenance_on_root(const mpi::communicator& world,
                                                                  const RunOptions& opt, const std::string& hash) {
  if (opt.checkpoint.empty()) return std::nullopt;
  const std::string packed =
      decide_on_root(world, [&] { return pack(to_json(read_checkpoint_provenance(opt.checkpoint, hash))); });
  return provenance_from_json(unpack(packed), opt.checkpoint);
}

}  // namespace

RunIndex index_in_session(const mpi::communicator& world, const std::string& dataset_dir, catalog::GroupBy group_by) {
  RunIndex index;
  index.files = broadcast_listing(world, dataset_dir);
  index.counts.archives_seen = index.files.size();
  std::vector<catalog::ArchiveScan> scans = distributed_scan(world, index.files, group_by);
  std::string plan_error;
  if (world.rank() == 0) {
    try {
      index.plan = plan_index(scans, index.files, world.size(), group_by, index.skips, index.counts);
    } catch (const std::exception& e) {
      plan_error = e.what();
    }
  }
  rethrow_if_any(world, plan_error);
  index.plan = broadcast_plan(world, index.plan);
  return index;
}

namespace {

// The run on an initialised communicator.
int run_on(const mpi::communicator& world, const RunOptions& opt) {
  const bool root = world.rank() == 0;
  StageClock clock;
  RunCounts counts;
  std::vector<Skip> root_skips;
  auto t_start = Clock::now();

  // --out holds exactly this run's files: every output an earlier run may have left is gone
  // before anything is computed.
  decide_on_root(world, [&] {
    out_files::remove_previous_outputs(opt.out_dir, opt.resume);
    out_files::create_output_folders(opt.out_dir, !opt.checkpoint.empty(), opt.controls);
    return std::string();
  });

  clock.start("index");
  RunIndex index = index_in_session(world, opt.dataset_dir, opt.group_by);
  const std::vector<ArchiveFile>& files = index.files;
  const IndexPlan& plan = index.plan;
  counts = index.counts;
  root_skips = std::move(index.skips);
  clock.stop();
  if (root)
    spdlog::info("index: {} archives, {} multi-mapper groups, {} ranks", files.size(), plan.groups.size(), world.size());

  // Groups handed out while the run goes, largest first (group_dispatch.hpp); `mine` holds this
  // rank's in the order it took them, packed (CBOR): a JSON tree of a group's records takes ~10x
  // its ~10 KB, and what a rank keeps until the gather grows with the groups it does.
  clock.start("groups");
  Progress progress(world, plan.groups.size(), opt.progress_seconds);
  std::vector<std::string> mine;  // metadata and records; the arrays are in `spill`
  ArraySpill spill(spill_path(opt.out_dir, world.rank()));
  GroupTimings timings;
  AnalysisInputs analysis_inputs = open_analysis(world, opt, plan.groups.size());
  const std::string checkpoint_hash =
      decide_on_root(world, [&] { return opt.checkpoint.empty() ? std::string() : content_hash(opt.checkpoint); });
  // Read once on rank 0 and broadcast, so every rank (and any rank count) records the same.
  const std::optional<CheckpointProvenance> checkpoint = checkpoint_provenance_on_root(world, opt, checkpoint_hash);
  size_t resumed = 0;
  std::string fatal;  // a failure of this rank's own writes: the run stops, on every rank
  double busy_s = 0;  // inside run_group: the rest of the stage this rank waited for the others
  const bool static_plan = !decide_on_root(world, [] { return std::string(static_plan_requested() ? "1" : ""); }).empty();
  GroupDispatch dispatch(world, plan.order, static_plan ? plan.owner : std::vector<int>());
  const auto t_groups = Clock::now();
  // A rank whose writes failed still takes groups, without working on them: the rest of the
  // run drains fast, and every rank reaches the shared error check below.
  for (std::optional<size_t> next = dispatch.next(); next; next = dispatch.next()) {
    const size_t g = *next;
    if (fatal.empty()) {
      const auto t0 = Clock::now();
      GroupResult r = run_group(opt, checkpoint_hash, plan.groups[g], static_cast<int>(g), analysis_inputs, timings);
      busy_s += std::chrono::duration<double>(Clock::now() - t0).count();
      fatal = r.save_error;
      if (fatal.empty()) fatal = spill_arrays(spill, r.outcome);
      resumed += r.resumed ? 1 : 0;
      log_outcome(r.outcome);
      test_group_delay();
      mine.push_back(pack({{"outcome", outcome_metadata(r.outcome)}, {"records", r.records}}));
    }
    progress.group_done();  // also after a failure: rank 0 counts on every message
  }
  progress.finish();
  dispatch.close();
  share_errors(world, fatal);  // every rank waits here for the last group of the run
  const double groups_wall_s = std::chrono::duration<double>(Clock::now() - t_groups).count();
  clock.stop();
  counts.groups_resumed = mpi::all_reduce(world, resumed, std::plus<size_t>());

  // Rank 0 collects metadata and analysis records of every group.
  clock.start("reduce");
  std::vector<std::vector<std::string>> parts;
  mpi::gather(world, mine, parts, 0);
  std::vector<GroupOutcome> all;
  GroupRecords merged_records;  // every group's records, decoded once, in song_group_idx order
  if (root) {
    // Decoded one group at a time: rank 0 never holds every group's JSON tree at once.
    std::vector<std::pair<GroupOutcome, GroupRecords>> merged;
    for (auto& from_rank : parts) {
      for (const std::string& p : from_rank) {
        const io::Json item = unpack(p);
        merged.push_back({outcome_from_metadata(item.at("outcome")), records_from_json(item.at("records"))});
      }
      std::vector<std::string>().swap(from_rank);
    }
    std::sort(merged.begin(), merged.end(),
              [](const auto& a, const auto& b) { return a.first.song_group_idx < b.first.song_group_idx; });
    for (auto& [o, r] : merged) {
      all.push_back(std::move(o));
      merged_records.append(std::move(r));
    }
  }
  clock.stop();

  // Rank 0 writes the JSON; everyone writes arrays into the HDF5 file.
  clock.start("write");
  std::string write_error;
  if (root) {
    try {
      // Every JSON is written only now, after every group: a killed run leaves none behind.
      io::write_json_file(opt.out_dir + "/" + out_files::kIndex, catalog::index_json(plan.groups));
      write_root_outputs(opt, all, merged_records, counts);
    } catch (const std::exception& e) {
      write_error = e.what();
    }
  }
  rethrow_if_any(world, write_error);
  std::string store_error;
  NullRecords null_records;  // the null baseline (rank 0), when controls are on
  try {
    // The null phase reads the arrays back from the closed file and adds its own before the
    // rename, so a cartography.h5 that looks finished holds them too.
    auto null_baseline = [&](const std::string& partial) {
      null_records = null_phase(world, partial, merged_records, opt.seed, member_creators(all));
    };
    write_store(world, opt, checkpoint, files.size(), plan.groups.size(), all, merged_records, spill,
                opt.controls ? std::function<void(const std::string&)>(null_baseline) : nullptr);
  } catch (const std::exception& e) {
    store_error = e.what();
  }
  share_errors(world, store_error);
  std::string null_error;  // results/controls/null_baseline.json, from the null phase's records
  if (root) {
    try {
      write_null_baseline(opt, merged_records, null_records);
    } catch (const std::exception& e) {
      null_error = e.what();
    }
  }
  rethrow_if_any(world, null_error);
  clock.stop();

  // Per-rank figures for the summary: stage times and peak memory.
  io::Json rank_figures = {{"rank", world.rank()},
                           {"groups", mine.size()},
                           {"read_s", timings.read_s},
                           {"audio_s", timings.audio_s},
                           {"encode_s", timings.encode_s},
                           {"latent_s", timings.latent_s},
                           {"controls_s", timings.controls_s},
                           {"busy_s", busy_s},
                           // What this rank sent to rank 0.
                           {"gather_bytes", packed_bytes(mine)},
                           {"idle_s", std::max(0.0, groups_wall_s - busy_s)},
                           {"peak_rss_mib", peak_rss_mib()}};
  std::vector<std::string> figures = gather_packed(world, pack(rank_figures));
  if (root) {
    std::vector<Skip> skips = root_skips;
    std::vector<std::string> warnings;
    for (const auto& o : all) {
      skips.insert(skips.end(), o.skips.begin(), o.skips.end());
      warnings.insert(warnings.end(), o.warnings.begin(), o.warnings.end());
    }
    io::Json per_rank = io::Json::array();
    for (const auto& f : figures) per_rank.push_back(unpack(f));
    io::Json stage_seconds = io::Json::object();
    for (const auto& [stage, s] : clock.seconds()) stage_seconds[stage] = s;
    io::Json timing = {{"ranks", world.size()},
                       {"total_s", std::chrono::duration<double>(Clock::now() - t_start).count()},
                       {"stage_s", stage_seconds},
                       {"per_rank", per_rank}};
    std::vector<std::string> odd_names;
    for (const auto& f : files)
      if (!io::is_valid_utf8(f.name)) odd_names.push_back(f.name);
    io::write_json_file(opt.out_dir + "/" + out_files::kSummary,
                        summary_json(counts, skips, warnings, timing, odd_names,
                                     checkpoint ? to_json(*checkpoint) : io::Json(nullptr)));
    std::fputs(summary_text(counts, skips, warnings.size()).c_str(), stdout);
    // Which model made the latents and whether it was trained, beside the counts (issue 9).
    if (checkpoint) std::printf("checkpoint: %s — %s\n", checkpoint->file.c_str(), checkpoint->verdict.c_str());
    std::fflush(stdout);
    std::error_code ec;
    fs::remove_all(progress_dir(opt.out_dir), ec);  // everything is in cartography.h5 now
  }
  return 0;
}

// A failed run leaves nothing that looks like a result (the index JSON is written early, the
// HDF5 file late): only the progress files stay, for --resume.
void remove_outputs_of_failed_run(const RunOptions& opt) {
  try {
    out_files::remove_previous_outputs(opt.out_dir, true);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
  }
}

}  // namespace

int run_in_session(const mpi::communicator& world, const RunOptions& opt) {
  try {
    return run_on(world, opt);
  } catch (const SharedFailure& e) {
    if (world.rank() == 0) {
      spdlog::error("run failed: {}", e.what());
      remove_outputs_of_failed_run(opt);
    }
    return 1;
  } catch (const std::exception& e) {
    spdlog::error("run failed: {}", e.what());
    // A fatal error on one rank must not leave the others waiting in a collective.
    if (world.size() > 1) world.abort(1);
    return 1;
  }
}

void set_rank_log_pattern(const mpi::communicator& world) {
  spdlog::set_pattern(world.size() > 1 ? "[%H:%M:%S rank " + std::to_string(world.rank()) + "] %v" : "[%H:%M:%S] %v");
}

namespace {

int run_ranks(const RunOptions& opt, bool& root) {
  mpi::environment env(mpi::threading::single, true);
  mpi::communicator world;
  root = world.rank() == 0;
  set_rank_log_pattern(world);
  return run_in_session(world, opt);
}

// The report and the headline tables, by rank 0 once every output is complete. It runs after
// MPI_Finalize: it starts a Python child, and forking inside an MPI process is what some
// transports forbid. A report that cannot be made is a warning: the results stand without it.
void report_on_root(const RunOptions& opt) {
  namespace rep = cartography::report;
  try {
    const rep::ReportResult r = rep::write_report(opt.out_dir);
    std::fputs(rep::headline_tables(opt.out_dir, r.index_html).c_str(), stdout);
    std::fflush(stdout);
  } catch (const std::exception& e) {
    spdlog::warn("no report: {}", e.what());
  }
}

}  // namespace

int run_pipeline(const RunOptions& opt) {
  bool root = false;
  const int rc = run_ranks(opt, root);
  if (rc == 0 && root && opt.report) report_on_root(opt);
  return rc;
}

}  // namespace cartography::pipeline

// The plugin's only exports (the library is built with hidden visibility).
#define CARTO_EXPORT __attribute__((visibility("default")))

extern "C" CARTO_EXPORT int cartography_pipeline_abi_version() { return cartography::pipeline::kPipelineAbiVersion; }

extern "C" CARTO_EXPORT int cartography_pipeline_run(const cartography::pipeline::PipelineRunOptions* options) {
  try {
    if (!options) throw std::invalid_argument("cartography_pipeline_run: no options");
    return cartography::pipeline::run_pipeline(cartography::pipeline::from_plugin_options(*options));
  } catch (const std::exception& e) {  // nothing is thrown across the plugin boundary
    spdlog::error("run failed: {}", e.what());
    return 1;
  }
}
