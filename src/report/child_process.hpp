// Runs a program with an argument vector (no shell), optionally capturing its stdout and stderr.
#pragma once

#include <string>
#include <vector>

namespace cartography::report {

struct ChildResult {
  int exit_code = -1;   // the program's status, or 128 + signal number
  std::string out;      // captured stdout (empty when not captured)
  std::string err;      // captured stderr (empty when not captured)
};

// `argv[0]` is looked up in PATH when it has no '/'. A stream not captured is this process's own.
// Throws std::runtime_error when the program cannot be started.
ChildResult run_child(const std::vector<std::string>& argv, bool capture_out, bool capture_err);

}  // namespace cartography::report
