// The pipeline and synth plugins keep the latent plugin's convention: a version check at load
// that refuses another interface with a message naming the plugin and both versions, options
// that cross as plain structs and come back whole (every enum value), out-of-range values
// refused on arrival, and only the C entry points exported.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <set>
#include <string>
#include <tuple>

#include "common/plugin.hpp"
#include "pipeline/pipeline_plugin.hpp"
#include "synth/synth_plugin.hpp"

namespace cartography {
namespace {

const std::string kLib = CARTO_BINARY_DIR "/lib";

class PluginAbi : public ::testing::Test {
 protected:
  void SetUp() override { setenv("CARTOGRAPHY_PLUGIN_DIR", kLib.c_str(), 1); }
};

TEST_F(PluginAbi, MatchingVersionsAreAccepted) {
  EXPECT_NO_THROW(require_plugin_abi("pipeline", pipeline::kPipelineAbiSymbol, pipeline::kPipelineAbiVersion));
  EXPECT_NO_THROW(require_plugin_abi("synth", synth::kSynthAbiSymbol, synth::kSynthAbiVersion));
}

TEST_F(PluginAbi, AnotherVersionIsRefusedWithBothNumbers) {
  const int wanted = pipeline::kPipelineAbiVersion + 1;
  try {
    require_plugin_abi("pipeline", pipeline::kPipelineAbiSymbol, wanted);
    FAIL() << "no error";
  } catch (const PluginError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("pipeline plugin"), std::string::npos) << m;
    EXPECT_NE(m.find("version " + std::to_string(pipeline::kPipelineAbiVersion)), std::string::npos) << m;
    EXPECT_NE(m.find("needs " + std::to_string(wanted)), std::string::npos) << m;
    EXPECT_NE(m.find("libcartography_pipeline.so"), std::string::npos) << m;
  }
}

// Every field of StudyOptions, for comparing two of them.
auto fields(const pipeline::StudyOptions& o) {
  return std::tie(o.dataset_dir, o.out_dir, o.checkpoint, o.job_file, o.track_a_only, o.latent, o.seed, o.group_by,
                  o.audio_match, o.resume, o.device, o.progress_seconds, o.report, o.controls, o.control_seeds,
                  o.control_songs, o.bootstrap, o.ci_level);
}

// libgomp reads its wait policy once, when a plugin loads it: the loader sets passive waiting
// first (spinning threads collapse on a shared node), and keeps a policy the user chose.
TEST(PluginLoading, OpenMpWaitsPassivelyUnlessTheUserChose) {
  unsetenv("OMP_WAIT_POLICY");
  EXPECT_THROW(open_plugin("no_such_plugin_a"), PluginError);
  ASSERT_NE(std::getenv("OMP_WAIT_POLICY"), nullptr);
  EXPECT_STREQ(std::getenv("OMP_WAIT_POLICY"), "PASSIVE");
  setenv("OMP_WAIT_POLICY", "ACTIVE", 1);
  EXPECT_THROW(open_plugin("no_such_plugin_b"), PluginError);
  EXPECT_STREQ(std::getenv("OMP_WAIT_POLICY"), "ACTIVE");
  unsetenv("OMP_WAIT_POLICY");
}

TEST(PipelinePluginOptions, EveryFieldAndEnumValueCrossesWhole) {
  for (auto latent : {pipeline::LatentMode::Mean, pipeline::LatentMode::Sample})
    for (auto group_by : {catalog::GroupBy::SetCreator, catalog::GroupBy::OsuCreator})
      for (auto audio : {catalog::AudioMatch::CaseInsensitive, catalog::AudioMatch::Reference})
        for (auto device : {pipeline::Device::Auto, pipeline::Device::Cpu}) {
          pipeline::StudyOptions o;
          o.dataset_dir = "/data/ä dir";
          o.out_dir = "out";
          o.checkpoint = "m.ckpt";
          o.job_file = "job.yaml";
          o.track_a_only = true;
          o.latent = latent;
          o.seed = 0xFFFFFFFFFFFFFFFFull;
          o.group_by = group_by;
          o.audio_match = audio;
          o.resume = true;
          o.device = device;
          o.progress_seconds = 0.25;
          o.report = false;
          o.controls = false;
          o.control_seeds = 7;
          o.control_songs = 12345678901;
          o.bootstrap = 17;
          o.ci_level = 0.9;
          const pipeline::PipelineRunOptions plain = pipeline::to_plugin_options(o);
          const pipeline::StudyOptions back = pipeline::from_plugin_options(plain);
          EXPECT_EQ(fields(back), fields(o));
        }
}

TEST(PipelinePluginOptions, OutOfRangeValuesAndNullStringsAreRefused) {
  pipeline::StudyOptions o;
  pipeline::PipelineRunOptions plain = pipeline::to_plugin_options(o);
  plain.group_by = 2;
  EXPECT_THROW(pipeline::from_plugin_options(plain), pipeline::OptionError);
  plain = pipeline::to_plugin_options(o);
  plain.latent = -1;
  EXPECT_THROW(pipeline::from_plugin_options(plain), pipeline::OptionError);
  plain = pipeline::to_plugin_options(o);
  plain.out_dir = nullptr;
  EXPECT_THROW(pipeline::from_plugin_options(plain), pipeline::OptionError);
  plain = pipeline::to_plugin_options(o);
  plain.bootstrap = -1;
  EXPECT_THROW(pipeline::from_plugin_options(plain), pipeline::OptionError);
  plain = pipeline::to_plugin_options(o);
  plain.ci_level = 1.0;
  EXPECT_THROW(pipeline::from_plugin_options(plain), pipeline::OptionError);
}

TEST(PipelinePluginOptions, CrossValidateOptionsCrossWholeAndBadStepCountsAreRefused) {
  pipeline::CrossValidateOptions o;
  o.run.dataset_dir = "/data/ä dir";
  o.run.out_dir = "cv";
  o.run.seed = 42;
  o.run.controls = false;
  o.seed_given = true;
  o.config = "config/latent_tiny.yml";
  o.max_steps = 1234567890123;
  o.full_checkpoint = "full.ckpt";
  o.cv_checkpoint = "cv.ckpt";
  const pipeline::PipelineCrossValidateOptions plain = pipeline::to_plugin_options(o);
  const pipeline::CrossValidateOptions back = pipeline::from_plugin_options(plain);
  EXPECT_EQ(fields(back.run), fields(o.run));
  EXPECT_EQ(std::tie(back.seed_given, back.config, back.max_steps, back.full_checkpoint, back.cv_checkpoint),
            std::tie(o.seed_given, o.config, o.max_steps, o.full_checkpoint, o.cv_checkpoint));
  pipeline::PipelineCrossValidateOptions bad = plain;
  bad.max_steps = 0;
  EXPECT_THROW(pipeline::from_plugin_options(bad), pipeline::OptionError);
  bad = plain;
  bad.cv_checkpoint = nullptr;
  EXPECT_THROW(pipeline::from_plugin_options(bad), pipeline::OptionError);
}

TEST(PipelinePluginOptions, FitLatentOptionsCrossWholeAndBadValuesAreRefused) {
  pipeline::FitLatentOptions o;
  o.dataset_dir = "/data/ä dir";
  o.config = "config/latent_tiny.yml";
  o.out_dir = "fit";
  o.cache_dir = "cache";
  o.max_steps = 1234567890123;
  o.seed = 0;  // a given seed of 0 differs from none
  o.resume = true;
  o.checkpoint_every = 7;
  o.check_weights_every = 3;
  o.progress_seconds = 0.5;
  o.force_cpu = true;
  o.threads = 5;
  o.deterministic = true;
  const pipeline::PipelineFitLatentOptions plain = pipeline::to_plugin_options(o);
  const pipeline::FitLatentOptions back = pipeline::from_plugin_options(plain);
  EXPECT_EQ(std::tie(back.dataset_dir, back.config, back.out_dir, back.cache_dir, back.max_steps, back.seed, back.resume,
                     back.checkpoint_every, back.check_weights_every, back.progress_seconds, back.force_cpu,
                     back.threads, back.deterministic),
            std::tie(o.dataset_dir, o.config, o.out_dir, o.cache_dir, o.max_steps, o.seed, o.resume, o.checkpoint_every,
                     o.check_weights_every, o.progress_seconds, o.force_cpu, o.threads, o.deterministic));
  o.seed.reset();
  EXPECT_FALSE(pipeline::from_plugin_options(pipeline::to_plugin_options(o)).seed.has_value());
  for (auto spoil : std::vector<std::function<void(pipeline::PipelineFitLatentOptions&)>>{
           [](auto& p) { p.max_steps = 0; }, [](auto& p) { p.checkpoint_every = -1; },
           [](auto& p) { p.progress_seconds = 0; }, [](auto& p) { p.threads = -2; },
           [](auto& p) { p.config = nullptr; }}) {
    pipeline::PipelineFitLatentOptions bad = plain;
    spoil(bad);
    EXPECT_THROW(pipeline::from_plugin_options(bad), pipeline::OptionError);
  }
}

// Function and data symbols the library defines in its dynamic table (nm -D --defined-only).
std::set<std::string> exported(const std::string& library) {
  std::set<std::string> names;
  FILE* p = popen(("nm -D --defined-only " + library + " 2>/dev/null").c_str(), "r");
  if (!p) return names;
  std::array<char, 4096> line{};
  while (fgets(line.data(), line.size(), p)) {
    char type = 0;
    char name[4000] = {};
    if (std::sscanf(line.data(), "%*s %c %3999s", &type, name) == 2 && std::string("TDBWVRi").find(type) != std::string::npos)
      names.insert(name);
  }
  pclose(p);
  return names;
}

TEST(PluginExports, OnlyTheCEntryPointsLeaveThePlugins) {
  const std::set<std::string> pipeline_expected{"cartography_pipeline_abi_version", "cartography_pipeline_run",
                                                "cartography_pipeline_cross_validate",
                                                "cartography_pipeline_fit_latent"};
  const std::set<std::string> synth_expected{"cartography_synth_abi_version", "cartography_synth_run"};
  const auto strip = [](std::set<std::string> s) {  // the linker's own section markers
    for (const char* n : {"_init", "_fini", "_edata", "_end", "__bss_start"}) s.erase(n);
    return s;
  };
  EXPECT_EQ(strip(exported(kLib + "/libcartography_pipeline.so")), pipeline_expected);
  EXPECT_EQ(strip(exported(kLib + "/libcartography_synth.so")), synth_expected);
}

}  // namespace
}  // namespace cartography
