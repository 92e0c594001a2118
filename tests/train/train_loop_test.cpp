// The training loop with a fake trainer (tests/train/fake_trainer.hpp): the reference's schedule
// (tests/data/train/loop/schedule.json, from make_goldens.py), validation cadence, checkpoints,
// resume = uninterrupted, metrics.csv, failures.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "train/checkpoint_files.hpp"
#include "train/fake_trainer.hpp"
#include "train/metrics_log.hpp"
#include "train/train_loop.hpp"

namespace cartography::train {
namespace {
namespace fs = std::filesystem;
using testing::FakeTrainer;
using testing::all_weights;
using testing::ToySource;

TrainConfig tiny_config() {
  return read_train_config(std::string(CARTO_TEST_DATA) + "/../../config/latent_tiny.yml");
}

std::string fresh_dir(const std::string& name) {
  const std::string dir = std::string(CARTO_BINARY_DIR) + "/tests/train/loop_" + name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::vector<std::string>> csv_rows(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(read_text(path));
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream l(line);
    while (std::getline(l, cell, ',')) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.push_back("");
    rows.push_back(cells);
  }
  return rows;
}

struct Case {
  TrainConfig config;
  LoopOptions options;
  int64_t windows = 0;
};

// A, C, batches per epoch, max_steps and the validation interval of one golden case.
Case make_case(int A, int C, int64_t per_epoch, int64_t max_steps, int64_t val_every, const std::string& dir) {
  Case c;
  c.config = tiny_config();
  c.config.model.grad_accum_steps = A;
  c.config.model.critic_steps_per_gen = C;
  c.config.max_steps = max_steps;
  c.config.max_epochs = -1;
  c.config.val_check_interval = {true, double(val_every)};
  c.config.check_val_every_n_epoch.reset();
  c.config.limit_val_batches = {false, 1.0};
  c.config.log_every_n_steps = 1;
  c.config.batch_size = 3;
  c.config.seq_len = 16;
  c.config.model.warmup_steps = 4;
  c.windows = per_epoch * c.config.batch_size + 2;  // the incomplete last batch is not a batch
  c.options.config = c.config;
  c.options.out_dir = dir;
  c.options.seed = 7;
  return c;
}

TEST(TrainLoop, ScheduleAndValidationCadenceAreTheReferences) {
  std::ifstream in(std::string(CARTO_TEST_DATA) + "/train/loop/schedule.json");
  const auto cases = nlohmann::json::parse(in);
  ASSERT_GE(cases.size(), 5u);
  for (const auto& g : cases) {
    const std::string name = "A" + g["A"].dump() + "_C" + g["C"].dump() + "_E" + g["batches_per_epoch"].dump();
    SCOPED_TRACE(name);
    Case c = make_case(g["A"], g["C"], g["batches_per_epoch"], g["max_steps"], g["val_every"], fresh_dir(name));
    FakeTrainer trainer(c.config.model);
    ToySource source(c.windows, c.config.batch_size, c.config.seq_len, 7);
    const LoopResult r = run_train_loop(trainer, source, *std::make_unique<SingleProcess>(), c.options);
    EXPECT_EQ(trainer.events, g["events"].get<std::string>());
    EXPECT_EQ(r.global_step, g["global_step"].get<int64_t>());
    EXPECT_EQ(r.batches_total, g["batches"].get<int64_t>());
    EXPECT_EQ(r.epoch, g["epoch"].get<int64_t>());
    // One metrics row per batch (log_every_n_steps 1); val/l2_rec on the validated ones.
    const auto rows = csv_rows(metrics_path(c.options.out_dir));
    ASSERT_EQ(rows.size(), size_t(r.batches_total) + 1);
    EXPECT_EQ(read_text(metrics_path(c.options.out_dir)).substr(0, 60), std::string(MetricsLog::header()).substr(0, 60));
    std::vector<int64_t> validated;
    for (size_t i = 1; i < rows.size(); ++i) {
      ASSERT_EQ(rows[i].size(), 12u);
      EXPECT_EQ(std::stoll(rows[i][2]), int64_t(i - 1));
      if (!rows[i][9].empty()) validated.push_back(std::stoll(rows[i][2]));
      for (int col : {3, 4, 5, 6, 7, 8, 10, 11}) EXPECT_FALSE(rows[i][size_t(col)].empty()) << "column " << col;
    }
    EXPECT_EQ(validated, g["val_after"].get<std::vector<int64_t>>());
    EXPECT_EQ(rows.back()[1], g["global_step"].dump());
  }
}

TEST(TrainLoop, CheckpointsLastAndBestAtomically) {
  const std::string dir = fresh_dir("checkpoints");
  Case c = make_case(1, 1, 4, 24, 3, dir);
  FakeTrainer trainer(c.config.model);
  ToySource source(c.windows, 3, 16, 7);
  SingleProcess alone;
  run_train_loop(trainer, source, alone, c.options);
  EXPECT_TRUE(fs::exists(last_checkpoint_path(dir)));
  EXPECT_TRUE(fs::exists(best_checkpoint_path(dir)));
  EXPECT_TRUE(fs::exists(pending_gradients_path(last_checkpoint_path(dir))));
  for (const auto& e : fs::directory_iterator(dir + "/checkpoints"))
    EXPECT_EQ(e.path().string().find(".tmp"), std::string::npos) << e.path();
  // 12 batches, validation after every 3rd: 4 last.ckpt writes, best at least once; no extra
  // write at the end (the last batch was a checkpoint batch).
  FakeTrainer loaded(c.config.model, 99);
  latent::CheckpointMeta meta;
  ASSERT_EQ(loaded.load(last_checkpoint_path(dir).c_str(), &meta), 0);
  EXPECT_EQ(meta.global_step, 24);
  EXPECT_EQ(meta.batches_seen, 12);
  EXPECT_EQ(meta.epoch, 2);
  EXPECT_EQ(meta.batches_in_epoch, 4);  // the epoch ended with its last batch; the next starts epoch 3
  EXPECT_EQ(std::string(meta.best_path), "best.ckpt");
  EXPECT_EQ(std::string(meta.config_yaml), c.config.yaml_text);
  EXPECT_EQ(read_text(config_copy_path(dir)), c.config.yaml_text);
  EXPECT_GT(meta.best_val_l2, 0);
  EXPECT_EQ(all_weights(loaded), all_weights(trainer));
  EXPECT_GE(trainer.saves, 5);
  EXPECT_LE(trainer.saves, 8);

  // --checkpoint-every 5: last.ckpt after batches 5 and 10, and at the end (12).
  const std::string dir2 = fresh_dir("checkpoint_every");
  c.options.out_dir = dir2;
  c.options.checkpoint_every = 5;
  c.config.val_check_interval = {true, 1000};
  c.options.config = c.config;
  FakeTrainer t2(c.config.model);
  run_train_loop(t2, source, alone, c.options);
  EXPECT_EQ(t2.saves, 3);
  EXPECT_FALSE(fs::exists(best_checkpoint_path(dir2)));  // never validated
}

TEST(TrainLoop, FailedSaveLeavesNoFileAtTheFinalName) {
  const std::string dir = fresh_dir("failed_save");
  Case c = make_case(1, 1, 4, 24, 3, dir);
  FakeTrainer trainer(c.config.model);
  trainer.fail_save_with = "disk full";
  ToySource source(c.windows, 3, 16, 7);
  SingleProcess alone;
  try {
    run_train_loop(trainer, source, alone, c.options);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("best.ckpt: checkpoint not written: disk full"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(best_checkpoint_path(dir)));
  EXPECT_FALSE(fs::exists(last_checkpoint_path(dir)));
}

struct Interrupted : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Stopped (a normal end at a lower max_steps, or a crash between checkpoints), then --resume:
// the same weights, to the bit, and the same metrics.csv as one uninterrupted run.
void expect_resume_equals_uninterrupted(int A, int C, int64_t stop_at_batch, bool crash) {
  SCOPED_TRACE("A=" + std::to_string(A) + " C=" + std::to_string(C) + " stop=" + std::to_string(stop_at_batch) +
               (crash ? " crash" : ""));
  SingleProcess alone;
  const int64_t max_steps = 40;
  Case whole = make_case(A, C, 5, max_steps, 3, fresh_dir("whole"));
  FakeTrainer uninterrupted(whole.config.model);
  ToySource s1(whole.windows, 3, 16, 7);
  run_train_loop(uninterrupted, s1, alone, whole.options);

  Case part = make_case(A, C, 5, max_steps, 3, fresh_dir("part"));
  part.options.checkpoint_every = 2;
  FakeTrainer first(part.config.model);
  ToySource s2(part.windows, 3, 16, 7);
  if (crash) {
    EXPECT_THROW(run_train_loop(first, s2, alone, part.options, [&](const LoopStatus& s) {
                   if (s.batches_total == stop_at_batch) throw Interrupted("killed");
                 }),
                 Interrupted);
  } else {
    LoopOptions shorter = part.options;
    shorter.config.max_steps = stop_at_batch;  // in steps here: stops after the batch reaching it
    run_train_loop(first, s2, alone, shorter);
  }
  FakeTrainer second(part.config.model, 1234);  // other initial weights: all must come from last.ckpt
  part.options.resume = true;
  const LoopResult r = run_train_loop(second, s2, alone, part.options);
  EXPECT_GE(r.global_step, max_steps);
  EXPECT_EQ(all_weights(second), all_weights(uninterrupted));
  EXPECT_EQ(read_text(metrics_path(part.options.out_dir)), read_text(metrics_path(whole.options.out_dir)));
}

TEST(TrainLoop, ResumeEqualsUninterrupted) {
  expect_resume_equals_uninterrupted(1, 1, 10, false);
  expect_resume_equals_uninterrupted(2, 2, 13, false);  // pending generator and critic gradients
  expect_resume_equals_uninterrupted(3, 2, 7, true);    // crash after batch 7, last.ckpt from batch 6
  expect_resume_equals_uninterrupted(2, 1, 9, true);
}

TEST(TrainLoop, ResumeRefusesMissingOrForeignPendingGradients) {
  SingleProcess alone;
  const std::string dir = fresh_dir("resume_bad");
  Case c = make_case(2, 1, 5, 10, 3, dir);
  FakeTrainer t(c.config.model);
  ToySource s(c.windows, 3, 16, 7);
  run_train_loop(t, s, alone, c.options);
  const std::string grad = pending_gradients_path(last_checkpoint_path(dir));
  c.options.resume = true;
  c.options.config.max_steps = 20;
  {
    std::fstream f(grad, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(40);
    f.put('\x55');
  }
  try {
    FakeTrainer t2(c.config.model);
    run_train_loop(t2, s, alone, c.options);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(grad), std::string::npos) << e.what();
  }
  fs::remove(grad);
  FakeTrainer t3(c.config.model);
  EXPECT_THROW(run_train_loop(t3, s, alone, c.options), std::runtime_error);
  // A metrics.csv that is not ours is named, not overwritten.
  c.options.resume = false;
  c.options.config.max_steps = 10;
  run_train_loop(t3, s, alone, c.options);
  c.options.resume = true;
  c.options.config.max_steps = 20;
  std::ofstream(metrics_path(dir)) << "a,b\n1,2\n";
  try {
    run_train_loop(t3, s, alone, c.options);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(metrics_path(dir) + ": not a metrics.csv of fit-latent"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(read_text(metrics_path(dir)), "a,b\n1,2\n");
  fs::remove(pending_gradients_path(last_checkpoint_path(dir)));
  EXPECT_THROW(run_train_loop(t3, s, alone, c.options), std::runtime_error);
  const std::string empty = fresh_dir("resume_none");
  c.options.out_dir = empty;
  try {
    FakeTrainer t4(c.config.model);
    run_train_loop(t4, s, alone, c.options);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no checkpoint to resume from"), std::string::npos) << e.what();
  }
}

TEST(TrainLoop, TooFewWindowsForOneBatchIsAnError) {
  SingleProcess alone;
  Case c = make_case(1, 1, 1, 4, 1, fresh_dir("no_batch"));
  FakeTrainer t(c.config.model);
  ToySource s(2, 3, 16, 7);
  try {
    run_train_loop(t, s, alone, c.options);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no complete training batch"), std::string::npos);
  }
}

// Rank 0 of four, alone in this process: the sums are its own, which is all this test needs.
struct FirstOfFour final : GradientReducer {
  int rank() const override { return 0; }
  int size() const override { return 4; }
  void sum(float*, int64_t) override {}
  void sum(double*, int64_t) override {}
  bool same_everywhere(uint64_t) override { return true; }
};

TEST(TrainLoop, FewerWindowsPerBatchThanRanksIsAnError) {
  FirstOfFour ranks;
  Case c = make_case(1, 1, 4, 4, 1, fresh_dir("few_windows"));  // batch_size 3
  FakeTrainer t(c.config.model);
  ToySource s(c.windows, 3, 16, 7);
  try {
    run_train_loop(t, s, ranks, c.options);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("batch_size = 3 is below the 4 ranks"), std::string::npos) << e.what();
  }
}

TEST(TrainLoop, MaxEpochsStopsAtTheEpochEnd) {
  SingleProcess alone;
  Case c = make_case(1, 1, 4, -1, 100, fresh_dir("epochs"));
  c.options.config.max_epochs = 2;
  FakeTrainer t(c.config.model);
  ToySource s(c.windows, 3, 16, 7);
  const LoopResult r = run_train_loop(t, s, alone, c.options);
  EXPECT_EQ(r.batches_total, 8);
  EXPECT_EQ(r.global_step, 16);
}

}  // namespace
}  // namespace cartography::train
