// Which model a run used and whether it was trained (pipeline/checkpoint_provenance.hpp).
// Expected fields come from tests/data/train/provenance/expected.json, which make_expected.py
// writes from the files with Python's own pickle.
#include <gtest/gtest.h>

#include <fstream>

#include "latent/checkpoint/checkpoint_error.hpp"
#include "pipeline/checkpoint_provenance.hpp"
#include "pipeline/content_hash.hpp"

namespace cartography::pipeline {
namespace {

const std::string kRepo = std::string(CARTO_TEST_DATA) + "/../..";
const std::string kUntrained = "checkpoints/vae_small_UNTRAINED_random_weights.ckpt";
const std::string kTrained = "tests/data/train/tiny_lightning252.ckpt";

io::Json expected(const std::string& rel) {
  std::ifstream f(std::string(CARTO_TEST_DATA) + "/train/provenance/expected.json");
  return io::Json::parse(f).at(rel);
}

CheckpointProvenance read(const std::string& rel) {
  const std::string path = kRepo + "/" + rel;
  return read_checkpoint_provenance(path, content_hash(path));
}

void expect_fields(const CheckpointProvenance& p, const io::Json& want) {
  EXPECT_EQ(p.file, want.at("file").get<std::string>());
  EXPECT_EQ(p.bytes, want.at("bytes").get<int64_t>());
  EXPECT_EQ(p.global_step, want.at("global_step").get<int64_t>());
  EXPECT_EQ(p.epoch, want.at("epoch").get<int64_t>());
  EXPECT_EQ(p.lightning_version, want.at("lightning_version").get<std::string>());
  EXPECT_EQ(p.training_state, want.at("training_state").get<bool>());
  EXPECT_EQ(p.architecture, want.at("architecture").get<std::string>());
}

TEST(CheckpointProvenance, BundledFixtureIsUntrainedDespiteItsCounters) {
  const CheckpointProvenance p = read(kUntrained);
  expect_fields(p, expected(kUntrained));
  EXPECT_EQ(p.trained, "no");
  EXPECT_EQ(p.verdict.rfind("untrained (random weights)", 0), 0u) << p.verdict;
}

TEST(CheckpointProvenance, FixtureKnownByItsBytesUnderAnotherName) {
  // tests/data/vae/vae_small.ckpt is the same file without UNTRAINED in its name.
  const CheckpointProvenance p = read("tests/data/vae/vae_small.ckpt");
  EXPECT_EQ(p.trained, "no");
  EXPECT_TRUE(is_random_weight_fixture(content_hash(kRepo + "/tests/data/vae/vae_tiny.ckpt")));
}

TEST(CheckpointProvenance, LightningTrainingRunIsTrained) {
  const CheckpointProvenance p = read(kTrained);
  expect_fields(p, expected(kTrained));
  EXPECT_EQ(p.trained, "yes");
  EXPECT_EQ(p.verdict, "trained: 8 optimizer steps, epoch 0");
}

CheckpointProvenance with_step(std::optional<int64_t> step, const std::string& file = "model.ckpt") {
  CheckpointProvenance p;
  p.file = file;
  p.xxh3_128 = "00000000000000000000000000000000";
  p.global_step = step;
  apply_verdict(p);
  return p;
}

TEST(CheckpointProvenance, VerdictRule) {
  EXPECT_EQ(with_step(1).trained, "yes");
  EXPECT_EQ(with_step(0).trained, "no");
  EXPECT_EQ(with_step(-3).trained, "no");
  EXPECT_EQ(with_step(std::nullopt).trained, "unknown");  // a bare state_dict
  EXPECT_EQ(with_step(500, "x_UNTRAINED.ckpt").trained, "no");
}

TEST(CheckpointProvenance, JsonRoundTrip) {
  const CheckpointProvenance p = read(kTrained);
  const CheckpointProvenance q = provenance_from_json(to_json(p), p.path);
  EXPECT_EQ(to_json(q), to_json(p));
  EXPECT_EQ(q.path, p.path);
  const io::Json none = to_json(with_step(std::nullopt));
  EXPECT_TRUE(none.at("global_step").is_null());
  EXPECT_EQ(to_json(provenance_from_json(none, "")), none);
}

TEST(CheckpointProvenance, NotACheckpointNamesTheFile) {
  const std::string path = std::string(CARTO_BINARY_DIR) + "/not_a_checkpoint.ckpt";
  std::ofstream(path) << "hello";
  try {
    read_checkpoint_provenance(path, content_hash(path));
    FAIL() << "accepted a text file";
  } catch (const latent::CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cartography::pipeline
