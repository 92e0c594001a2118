// What the progress of a long stage looks like: a bar redrawn in place on a terminal, plain
// periodic lines in a log file (Slurm output), both with the rate and an ETA. Plain C++, no MPI.
#pragma once

#include <cstddef>
#include <string>

namespace cartography::pipeline {

struct ProgressState {
  std::string stage;     // e.g. "groups"
  size_t done = 0;
  size_t total = 0;
  double elapsed_s = 0;  // since the stage started
};

// Seconds left at the rate so far; negative when nothing is done yet (no estimate).
double eta_seconds(const ProgressState& s);

// "1h02m", "3m05s", "12s": short enough for a bar, exact enough for a plan.
std::string format_duration(double seconds);

// One log line: "groups: 120/803 (14.9%), 12.0 s, 10.0/s, ETA 57s".
std::string progress_line(const ProgressState& s);

// A terminal bar of about `width` columns: "groups [#######.......]  120/803  14.9%  ETA 57s".
std::string progress_bar(const ProgressState& s, int width);

}  // namespace cartography::pipeline
