// The one table of run options and its parser, fed from job-file text (the command line goes
// through the same set_option; tests/cli/run_options.sh drives the real program).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "cli/job_file.hpp"
#include "pipeline/file_kind.hpp"
#include "pipeline/study_options.hpp"

namespace cartography {
namespace {
namespace fs = std::filesystem;
using pipeline::OptionError;
using pipeline::OptionSources;
using pipeline::StudyOptions;

StudyOptions from_yaml(const std::string& text, OptionSources* sources = nullptr) {
  StudyOptions o;
  OptionSources s;
  cli::apply_job_text(text, "/jobs/j.yaml", o, s);
  if (sources) *sources = s;
  return o;
}

std::string refusal(const std::string& text) {
  try {
    from_yaml(text);
  } catch (const OptionError& e) {
    return e.what();
  }
  return "";
}

std::string refusal_of_value(const char* key, const std::string& value) {
  StudyOptions o;
  OptionSources s;
  try {
    pipeline::set_option(o, *pipeline::find_option(key), value, "--x", s);
  } catch (const OptionError& e) {
    return e.what();
  }
  return "";
}

TEST(StudyOptions, TypedValuesFromAJobFile) {
  OptionSources sources;
  StudyOptions o = from_yaml(
      "name: t\nlatent: sample\nseed: 18446744073709551615\ngroup_by: osu-creator\naudio_match: reference\n"
      "resume: true\ndevice: cpu\nprogress_seconds: 0.5\nreport: false\ndataset: data\nout: /abs/out\n",
      &sources);
  EXPECT_EQ(o.latent, pipeline::LatentMode::Sample);
  EXPECT_EQ(o.seed, UINT64_MAX);
  EXPECT_EQ(o.group_by, catalog::GroupBy::OsuCreator);
  EXPECT_EQ(o.audio_match, catalog::AudioMatch::Reference);
  EXPECT_TRUE(o.resume);
  EXPECT_EQ(o.device, pipeline::Device::Cpu);
  EXPECT_DOUBLE_EQ(o.progress_seconds, 0.5);
  EXPECT_FALSE(o.report);
  EXPECT_EQ(o.dataset_dir, "/jobs/data");  // relative to the job file's folder
  EXPECT_EQ(o.out_dir, "/abs/out");
  EXPECT_EQ(sources.at("group_by"), "/jobs/j.yaml: key 'group_by'");
}

TEST(StudyOptions, DefaultsAreTheReferenceChoicesWithTheReportOn) {
  StudyOptions o = from_yaml("name: only\n");
  EXPECT_EQ(o.latent, pipeline::LatentMode::Mean);
  EXPECT_EQ(o.group_by, catalog::GroupBy::SetCreator);
  EXPECT_EQ(o.audio_match, catalog::AudioMatch::CaseInsensitive);
  EXPECT_EQ(o.device, pipeline::Device::Auto);
  EXPECT_TRUE(o.report);
  EXPECT_FALSE(o.resume);
}

TEST(StudyOptions, TheUnderscoreSpellingOfAChoiceIsRefusedNamingFileAndKey) {
  const std::string why = refusal("group_by: osu_creator\n");
  EXPECT_NE(why.find("/jobs/j.yaml: key 'group_by'"), std::string::npos) << why;
  EXPECT_NE(why.find("'osu_creator' is not one of set-creator, osu-creator"), std::string::npos) << why;
  // The command line gets the same reason from the same parser.
  EXPECT_EQ(refusal_of_value("group_by", "osu_creator"), "--x: 'osu_creator' is not one of set-creator, osu-creator");
}

TEST(StudyOptions, ChoicesRoundTripThroughTheirNames) {
  for (const char* v : {"set-creator", "osu-creator"}) {
    StudyOptions o = from_yaml(std::string("group_by: ") + v);
    EXPECT_EQ(pipeline::to_string(o.group_by), v);
  }
  for (const char* v : {"case-insensitive", "reference"})
    EXPECT_EQ(pipeline::to_string(from_yaml(std::string("audio_match: ") + v).audio_match), v);
  for (const char* v : {"mean", "sample"})
    EXPECT_EQ(pipeline::to_string(from_yaml(std::string("latent: ") + v).latent), v);
  for (const char* v : {"auto", "cpu"})
    EXPECT_EQ(pipeline::to_string(from_yaml(std::string("device: ") + v).device), v);
}

TEST(StudyOptions, RefusesMalformedValues) {
  EXPECT_NE(refusal_of_value("seed", "-1"), "");
  EXPECT_NE(refusal_of_value("seed", "18446744073709551616"), "");  // 2^64 wraps otherwise
  EXPECT_NE(refusal_of_value("seed", "12abc"), "");
  EXPECT_NE(refusal_of_value("seed", ""), "");
  EXPECT_NE(refusal_of_value("progress_seconds", "nan"), "");
  EXPECT_NE(refusal_of_value("progress_seconds", "inf"), "");
  EXPECT_NE(refusal_of_value("progress_seconds", "0"), "");
  EXPECT_NE(refusal_of_value("progress_seconds", "-3"), "");
  EXPECT_NE(refusal_of_value("resume", "maybe"), "");
  EXPECT_NE(refusal_of_value("latent", "Mean"), "");
  EXPECT_NE(refusal_of_value("out", std::string(pipeline::kMaxOptionBytes + 1, 'a')), "");
  EXPECT_NE(refusal_of_value("out", std::string("a\0b", 3)), "");
  EXPECT_EQ(refusal_of_value("out", std::string(pipeline::kMaxOptionBytes, 'a')), "");
}

TEST(StudyOptions, ControlsAreOnByDefaultAndTakeTheirValuesFromAJobFile) {
  const StudyOptions d = from_yaml("name: only\n");
  EXPECT_TRUE(d.controls);
  EXPECT_EQ(d.control_seeds, 3);
  EXPECT_EQ(d.control_songs, 20);
  EXPECT_EQ(d.bootstrap, 1000);
  EXPECT_DOUBLE_EQ(d.ci_level, 0.95);
  const StudyOptions o =
      from_yaml("controls: false\ncontrol_seeds: 0\ncontrol_songs: 20\nbootstrap: 0\nci_level: 0.9\n");
  EXPECT_FALSE(o.controls);
  EXPECT_EQ(o.control_seeds, 0);
  EXPECT_EQ(o.control_songs, 20);
  EXPECT_EQ(o.bootstrap, 0);
  EXPECT_DOUBLE_EQ(o.ci_level, 0.9);
  EXPECT_EQ(pipeline::find_option("controls")->flag, std::string("--no-controls"));
}

TEST(StudyOptions, RefusesControlValuesOutOfRangeNamingTheirSource) {
  EXPECT_EQ(refusal_of_value("ci_level", "1"), "--x: '1' is not a level in (0, 1), e.g. 0.95");
  EXPECT_NE(refusal_of_value("ci_level", "0"), "");
  EXPECT_NE(refusal_of_value("ci_level", "nan"), "");
  EXPECT_NE(refusal_of_value("ci_level", "95%"), "");
  EXPECT_NE(refusal_of_value("bootstrap", "-1"), "");
  EXPECT_NE(refusal_of_value("bootstrap", "1e3"), "");
  EXPECT_NE(refusal_of_value("bootstrap", "1000001"), "");
  EXPECT_EQ(refusal_of_value("bootstrap", "1000000"), "");
  EXPECT_EQ(refusal_of_value("control_seeds", "-1"), "--x: '-1' is not a whole number from 0 to 64");
  EXPECT_NE(refusal_of_value("control_songs", "2.5"), "");
  const std::string why = refusal("control_seeds: 100\n");
  EXPECT_NE(why.find("/jobs/j.yaml: key 'control_seeds': '100' is not a whole number from 0 to 64"), std::string::npos) << why;
}

TEST(StudyOptions, JobFileStructureErrorsNameTheFile) {
  EXPECT_NE(refusal("out: [a, b]\n").find("key 'out': expected a single value"), std::string::npos);
  EXPECT_NE(refusal("- a\n- b\n").find("expected a mapping"), std::string::npos);
  EXPECT_NE(refusal("outt: x\n").find("unknown key 'outt'"), std::string::npos);
  EXPECT_NE(refusal("out: a\nout: b\n").find("given twice"), std::string::npos);
  EXPECT_NE(refusal("out: [unclosed\n").find("/jobs/j.yaml: not valid YAML"), std::string::npos);
  EXPECT_NE(refusal("").find("expected a mapping"), std::string::npos);
  EXPECT_NE(refusal("seed:\n").find("key 'seed'"), std::string::npos);
  // A second document used to be dropped without a word, its options never applied.
  EXPECT_NE(refusal("out: a\n---\nout: /etc\n").find("/jobs/j.yaml: holds more than one YAML document"),
            std::string::npos);
  // Streams on which yaml-cpp's LoadAll loops for ever (found by fuzz_job_file): refused, and at once.
  for (const char* endless : {"!,", "!a,", "! ,", ",", "out: a\n!,"})
    EXPECT_NE(refusal(endless).find("/jobs/j.yaml: "), std::string::npos) << endless;
  EXPECT_EQ(from_yaml("---\nout: /data/a\n...\n").out_dir, "/data/a");  // one document, markers and all
}

TEST(StudyOptions, CheckpointNoneMeansTrackAOnly) {
  StudyOptions o = from_yaml("checkpoint: none\nout: o\n");
  EXPECT_TRUE(o.track_a_only);
  OptionSources s;
  pipeline::finalize(o, s, fs::temp_directory_path().string(), "/nonexistent.ckpt");
  EXPECT_TRUE(o.checkpoint.empty());
}

class OptionInputs : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("carto_options_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(OptionInputs, NonRegularInputsAreRefusedWithTheirKind) {
  const std::string fifo = (dir_ / "pipe").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(pipeline::not_a_regular_file(fifo).value_or(""), "is a FIFO, not a regular file");
  EXPECT_EQ(pipeline::not_a_regular_file("/dev/null").value_or(""), "is a character device, not a regular file");
  EXPECT_EQ(pipeline::not_a_regular_file(dir_.string()).value_or(""), "is a folder, not a regular file");
  EXPECT_NE(pipeline::not_a_regular_file((dir_ / "absent").string()).value_or("").find("No such file"),
            std::string::npos);

  // A FIFO job file is refused before anything opens it (opening would block).
  try {
    cli::read_job_file(fifo);
    ADD_FAILURE() << "a FIFO job file was read";
  } catch (const OptionError& e) {
    EXPECT_NE(std::string(e.what()).find("is a FIFO"), std::string::npos);
  }
  // A FIFO or device checkpoint: refused by finalize, naming the option's source.
  for (const std::string& ckpt : {fifo, std::string("/dev/zero")}) {
    StudyOptions o;
    OptionSources s;
    pipeline::set_option(o, *pipeline::find_option("checkpoint"), ckpt, "--checkpoint", s);
    o.out_dir = (dir_ / "out").string();
    try {
      pipeline::finalize(o, s, dir_.string(), "");
      ADD_FAILURE() << ckpt << " accepted as a checkpoint";
    } catch (const OptionError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("--checkpoint: checkpoint " + ckpt + " is a", 0), 0u) << e.what();
    }
  }
}

TEST_F(OptionInputs, OversizedJobFileIsRefusedUnread) {
  const fs::path big = dir_ / "big.yaml";
  std::ofstream(big) << std::string(cli::kMaxJobFileBytes + 1, '#');
  try {
    cli::read_job_file(big.string());
    ADD_FAILURE() << "oversized job file read";
  } catch (const OptionError& e) {
    EXPECT_NE(std::string(e.what()).find("at most"), std::string::npos);
  }
}

TEST(StudyOptions, EveryOptionHasAFlagAKeyAndHelp) {
  std::set<std::string> keys, flags;
  for (const auto& spec : pipeline::option_table()) {
    EXPECT_TRUE(keys.insert(spec.key).second) << spec.key;
    EXPECT_TRUE(flags.insert(spec.flag).second) << spec.flag;
    EXPECT_STRNE(spec.help, "");
    if (spec.is_flag) {  // a switch stands for a value its own parser accepts
      StudyOptions o;
      OptionSources s;
      EXPECT_NO_THROW(pipeline::set_option(o, spec, spec.flag_value, spec.flag, s)) << spec.flag;
    }
  }
  EXPECT_TRUE(keys.count("report"));
}

}  // namespace
}  // namespace cartography
