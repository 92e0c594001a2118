// The report stage's C++ side: the child-process runner it starts Python with, and the errors
// of its entry points on runs that cannot be reported on.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "report/child_process.hpp"
#include "report/report.hpp"

namespace cr = cartography::report;
namespace fs = std::filesystem;

TEST(ChildProcess, CapturesStdoutStderrAndExitCode) {
  auto r = cr::run_child({"sh", "-c", "echo out; echo err >&2; exit 3"}, true, true);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
}

TEST(ChildProcess, LargeOutputOnBothStreamsDoesNotDeadlock) {
  // 4 MiB on each stream: far past a pipe's buffer, so reading one stream only would hang.
  auto r = cr::run_child({"sh", "-c", "head -c 4194304 /dev/zero; head -c 4194304 /dev/zero >&2"}, true, true);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.size(), 4194304u);
  EXPECT_EQ(r.err.size(), 4194304u);
}

TEST(ChildProcess, UncapturedStreamIsNotRead) {
  auto r = cr::run_child({"sh", "-c", "echo visible-in-test-log; echo err >&2"}, false, true);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(r.err, "err\n");
}

TEST(ChildProcess, KilledChildReportsTheSignal) {
  auto r = cr::run_child({"sh", "-c", "kill -9 $$"}, true, true);
  EXPECT_EQ(r.exit_code, 128 + 9);
}

TEST(ChildProcess, MissingProgramThrows) {
  EXPECT_THROW(cr::run_child({"/nonexistent/program"}, true, true), std::runtime_error);
}

TEST(Report, ScriptAndPublishedResultsAreFound) {
  EXPECT_TRUE(fs::exists(cr::script_dir() / "report_main.py"));
  EXPECT_TRUE(fs::exists(cr::published_dir() / "track_a.json"));
}

TEST(Report, MissingRunIsRefusedNamingIt) {
  const fs::path run = fs::path(CARTO_BINARY_DIR) / "tests/report/no_such_run_dir";
  try {
    cr::write_report(run);
    FAIL() << "no error";
  } catch (const cr::ReportError& e) {
    EXPECT_NE(std::string(e.what()).find(run.string()), std::string::npos) << e.what();
  }
  EXPECT_THROW(cr::headline_tables(run), cr::ReportError);
  EXPECT_THROW(cr::compare_runs(run, run, 1e-9), cr::ReportError);
}

TEST(Report, PythonThatCannotStartIsAnErrorNamingTheSetting) {
  setenv("CARTOGRAPHY_PYTHON", "/nonexistent/python3", 1);
  try {
    cr::headline_tables(".");
    FAIL() << "no error";
  } catch (const cr::ReportError& e) {
    EXPECT_NE(std::string(e.what()).find("CARTOGRAPHY_PYTHON"), std::string::npos) << e.what();
  }
  setenv("CARTOGRAPHY_PYTHON", "/bin/false", 1);  // starts, then fails
  EXPECT_THROW(cr::headline_tables("."), cr::ReportError);
  unsetenv("CARTOGRAPHY_PYTHON");
}
