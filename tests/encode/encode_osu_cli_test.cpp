// `cartography encode-osu`: the .npy it writes, the exit code and the one stderr line of a
// rejected chart, warnings for repairs, no partial output. Built twice: against the installed
// binary (CARTO_CLI_SUBPROCESS, run with std::system) and in-process around the command
// function, so the command is tested even while the rest of the binary is being written.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>

#include "encode/fixture_names.hpp"
#include "encode/signal_encoder.hpp"
#include "io/npy.hpp"

#ifndef CARTO_CLI_SUBPROCESS
#include "cli/command.hpp"
#endif

namespace cartography::testing {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  int exit_code = -1;
  std::string stderr_text;
};

std::string quote(const std::string& s) { return "'" + s + "'"; }

#ifdef CARTO_CLI_SUBPROCESS
Outcome run_encode_osu(const std::string& arguments) {
  const fs::path err = fs::temp_directory_path() / ("encode_osu_cli_" + std::to_string(::getpid()) + ".err");
  const std::string command = std::string(CARTO_BINARY_DIR) + "/bin/cartography encode-osu " + arguments + " 2> " + quote(err.string());
  const int status = std::system(command.c_str());
  std::ifstream in(err);
  std::stringstream text;
  text << in.rdbuf();
  fs::remove(err);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text.str()};
}
#else
Outcome run_encode_osu(const std::string& arguments) {
  CLI::App app;
  const cli::Command command = cli::add_encode_osu(app);
  ::testing::internal::CaptureStderr();
  int code = -1;
  try {
    app.parse("cartography encode-osu " + arguments, true);
    code = command.run();
  } catch (const CLI::ParseError& e) {
    code = app.exit(e);
  }
  return {code, ::testing::internal::GetCapturedStderr()};
}
#endif

int count_lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

class EncodeOsuCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("encode_osu_cli_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string out(const std::string& name) const { return (dir_ / name).string(); }
  std::string write_chart(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return out(name);
  }
  fs::path dir_;
};

TEST_F(EncodeOsuCli, WritesTheEncodingAsNpy) {
  const std::string chart = osu_fixture("ppy-osu__103019__completed.osu");
  const int64_t L = 20982;
  const auto result = run_encode_osu(quote(chart) + " --frames " + std::to_string(L) + " --out " + quote(out("x.npy")) + " --block 1000");
  ASSERT_EQ(result.exit_code, 0) << result.stderr_text;
  EXPECT_EQ(result.stderr_text, "");
  const auto npy = io::read_npy<double>(out("x.npy"));
  EXPECT_EQ(npy.shape, (std::vector<int64_t>{9, L}));
  const auto expected = encode::encode_beatmap(osu::read_beatmap(chart), L);
  ASSERT_EQ(npy.data.size(), expected.size());
  EXPECT_EQ(std::memcmp(npy.data.data(), expected.data(), expected.size() * sizeof(double)), 0);
  EXPECT_FALSE(fs::exists(out("x.npy.tmp")));
}

TEST_F(EncodeOsuCli, ZeroFrames) {
  const auto result = run_encode_osu(quote(osu_fixture("ppy-osu__basic__completed.osu")) + " --frames 0 --out " + quote(out("e.npy")));
  ASSERT_EQ(result.exit_code, 0) << result.stderr_text;
  EXPECT_EQ(io::read_npy<double>(out("e.npy")).shape, (std::vector<int64_t>{9, 0}));
}

TEST_F(EncodeOsuCli, RejectedChartIsOneLineAndNoFile) {
  const std::string chart = osu_fixture("ppy-osu__nan-slider__completed.osu");
  const auto result = run_encode_osu(quote(chart) + " --frames 100 --out " + quote(out("r.npy")));
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(count_lines(result.stderr_text), 1) << result.stderr_text;
  EXPECT_NE(result.stderr_text.find(chart + ":"), std::string::npos) << result.stderr_text;
  EXPECT_NE(result.stderr_text.find("slide duration is not finite"), std::string::npos) << result.stderr_text;
  EXPECT_FALSE(fs::exists(out("r.npy")));
  EXPECT_FALSE(fs::exists(out("r.npy.tmp")));
}

TEST_F(EncodeOsuCli, MissingChartIsOneLine) {
  const auto result = run_encode_osu(quote(out("absent.osu")) + " --frames 10 --out " + quote(out("a.npy")));
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(count_lines(result.stderr_text), 1) << result.stderr_text;
  EXPECT_NE(result.stderr_text.find("absent.osu"), std::string::npos);
}

TEST_F(EncodeOsuCli, RepairsAreWarnedOncePerObject) {
  const std::string chart = write_chart("z.osu", std::string("[General]\nAudioFilename: a.mp3\nMode: 0\n\n") +
                                                     "[Metadata]\nTitle:t\nArtist:a\nCreator:c\nVersion:v\n\n"
                                                     "[Difficulty]\nHPDrainRate:5\nCircleSize:4\nOverallDifficulty:5\n"
                                                     "SliderMultiplier:1\nSliderTickRate:1\n\n[TimingPoints]\n0,500,4\n\n"
                                                     "[HitObjects]\n15,199,1000,2,0,L|15:199,1,46.875\n"
                                                     "78,193,2000,2,0,L|330:193,1,0\n");
  const auto result = run_encode_osu(quote(chart) + " --frames 1000 --out " + quote(out("z.npy")));
  ASSERT_EQ(result.exit_code, 0) << result.stderr_text;
  EXPECT_EQ(count_lines(result.stderr_text), 2) << result.stderr_text;
  EXPECT_NE(result.stderr_text.find(chart + ":22: hit object 0: zero-length line"), std::string::npos) << result.stderr_text;
  EXPECT_NE(result.stderr_text.find(chart + ":23: hit object 1: zero-duration"), std::string::npos) << result.stderr_text;
  const auto npy = io::read_npy<double>(out("z.npy"));
  EXPECT_TRUE(std::all_of(npy.data.begin(), npy.data.end(), [](double v) { return std::isfinite(v); }));
}

TEST_F(EncodeOsuCli, UnwritableOutputLeavesNothing) {
  const std::string target = out("no/such/dir/x.npy");
  const auto result = run_encode_osu(quote(osu_fixture("ppy-osu__basic__completed.osu")) + " --frames 10 --out " + quote(target));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(count_lines(result.stderr_text), 1) << result.stderr_text;
  EXPECT_FALSE(fs::exists(target));
  EXPECT_FALSE(fs::exists(target + ".tmp"));
}

// rename() would replace the node itself (as root, `--out /dev/full` became a regular file).
TEST_F(EncodeOsuCli, OutputThatIsAFifoIsRefusedAndLeftAlone) {
  const std::string target = out("fifo.npy");
  ASSERT_EQ(::mkfifo(target.c_str(), 0600), 0);
  const auto result = run_encode_osu(quote(osu_fixture("ppy-osu__basic__completed.osu")) + " --frames 10 --out " + quote(target));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(count_lines(result.stderr_text), 1) << result.stderr_text;
  EXPECT_NE(result.stderr_text.find("is a FIFO"), std::string::npos) << result.stderr_text;
  EXPECT_TRUE(fs::is_fifo(fs::symlink_status(target)));
  EXPECT_FALSE(fs::exists(fs::symlink_status(target + ".tmp")));
}

TEST_F(EncodeOsuCli, OutputThatIsTheInputChartIsRefused) {
  const std::string chart = out("c.osu");  // a chart that encodes: the old code replaced it, rc 0
  fs::copy_file(osu_fixture("ppy-osu__basic__completed.osu"), chart);
  const auto original = fs::file_size(chart);
  fs::create_symlink(chart, out("link.osu"));
  for (const std::string& target : {chart, out("link.osu"), out("./c.osu")}) {
    const auto result = run_encode_osu(quote(chart) + " --frames 10 --out " + quote(target));
    EXPECT_EQ(result.exit_code, 1) << target;
    EXPECT_NE(result.stderr_text.find("is the input file"), std::string::npos) << result.stderr_text;
  }
  EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(chart)));
  EXPECT_EQ(fs::file_size(chart), original);
  std::ifstream in(chart);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}).rfind("osu file format", 0), 0u);
}

// A link planted at the temporary's name (a shared folder) must not be written through.
TEST_F(EncodeOsuCli, LinkPlantedAtTheTemporaryIsNotFollowed) {
  const std::string victim = write_chart("victim.txt", "precious"), target = out("x.npy");
  fs::create_symlink(victim, target + ".tmp");
  const auto result = run_encode_osu(quote(osu_fixture("ppy-osu__basic__completed.osu")) + " --frames 10 --out " + quote(target));
  ASSERT_EQ(result.exit_code, 0) << result.stderr_text;
  std::ifstream in(victim);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "precious");
  EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(target)));
  EXPECT_EQ(io::read_npy<double>(target).shape, (std::vector<int64_t>{9, 10}));
}

TEST_F(EncodeOsuCli, NegativeFramesIsAUsageError) {
  const auto result = run_encode_osu(quote(osu_fixture("ppy-osu__basic__completed.osu")) + " --frames -5 --out " + quote(out("n.npy")));
  EXPECT_NE(result.exit_code, 0);
  EXPECT_FALSE(fs::exists(out("n.npy")));
}

TEST_F(EncodeOsuCli, FrameCountsBeyondTheMaximumOrNotWholeNumbersAreRefused) {
  const std::string chart = quote(osu_fixture("ppy-osu__basic__completed.osu"));
  // Wrapped by a plain int64 parse, the first of these became a huge count that filled the disk.
  for (const char* frames : {"99999999999999999999", "18446744073709551616", "2407446", "1e3", "12abc", "-1", "' '"}) {
    SCOPED_TRACE(frames);
    const auto result = run_encode_osu(chart + " --frames " + frames + " --out " + quote(out("f.npy")));
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(count_lines(result.stderr_text), 1) << result.stderr_text;
    EXPECT_NE(result.stderr_text.find("is not a whole number of frames from 0 to 2407445 (--max-frames)"),
              std::string::npos)
        << result.stderr_text;
    EXPECT_FALSE(fs::exists(out("f.npy")));
    EXPECT_FALSE(fs::exists(out("f.npy.tmp")));
  }
}

TEST_F(EncodeOsuCli, MaxFramesIsFourHoursAndCanBeChanged) {
  // 4 h x 16384 Hz / 98 samples per frame, rounded up.
  EXPECT_EQ(2407445, (4 * 3600 * 16384 + 97) / 98);
  const std::string chart = quote(osu_fixture("ppy-osu__basic__completed.osu"));
  EXPECT_EQ(run_encode_osu(chart + " --frames 11 --max-frames 10 --out " + quote(out("m.npy"))).exit_code, 2);
  EXPECT_FALSE(fs::exists(out("m.npy")));
  const auto result = run_encode_osu(chart + " --frames 10 --max-frames 10 --out " + quote(out("m.npy")));
  ASSERT_EQ(result.exit_code, 0) << result.stderr_text;
  EXPECT_EQ(io::read_npy<double>(out("m.npy")).shape, (std::vector<int64_t>{9, 10}));
  EXPECT_EQ(run_encode_osu(chart + " --frames 10 --max-frames 99999999999999999999 --out " + quote(out("w.npy"))).exit_code, 2);
}

}  // namespace
}  // namespace cartography::testing
