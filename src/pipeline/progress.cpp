#include "pipeline/progress.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "pipeline/progress_text.hpp"

namespace cartography::pipeline {
namespace {
constexpr int kProgressTag = 7301;
}

Progress::Progress(MPI_Comm comm, size_t total, double interval_s)
    : comm_(comm), total_(total), interval_s_(interval_s) {
  MPI_Comm_rank(comm, &rank_);
  start_ = last_print_ = std::chrono::steady_clock::now();
  payload_.reserve(total);  // stable addresses for the pending sends
}

void Progress::group_done() {
  if (rank_ == 0) {
    ++done_;
    poll();
    return;
  }
  payload_.push_back(1);
  sends_.emplace_back();
  MPI_Isend(&payload_.back(), 1, MPI_INT, 0, kProgressTag, comm_, &sends_.back());
}

void Progress::poll() {
  if (rank_ != 0) return;
  int flag = 1;
  while (done_ < total_) {
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, kProgressTag, comm_, &flag, &status);
    if (!flag) break;
    int n = 0;
    MPI_Recv(&n, 1, MPI_INT, status.MPI_SOURCE, kProgressTag, comm_, MPI_STATUS_IGNORE);
    done_ += static_cast<size_t>(n);
  }
  print(false);
}

void Progress::finish() {
  if (rank_ == 0) {
    while (done_ < total_) {
      int n = 0;
      MPI_Recv(&n, 1, MPI_INT, MPI_ANY_SOURCE, kProgressTag, comm_, MPI_STATUS_IGNORE);
      done_ += static_cast<size_t>(n);
      print(false);
    }
    print(true);
  } else if (!sends_.empty()) {
    MPI_Waitall(static_cast<int>(sends_.size()), sends_.data(), MPI_STATUSES_IGNORE);
  }
}

// Open MPI gives every rank a pseudo-terminal even when mpirun's own output goes to a file, and
// Slurm jobs write logs, so under either the bar would fill a log with carriage returns: the bar
// is for a single process on a real terminal, lines for everything else.
static bool redraw_in_place() {
  return isatty(fileno(stdout)) == 1 && !std::getenv("OMPI_COMM_WORLD_SIZE") && !std::getenv("PMI_RANK") &&
         !std::getenv("SLURM_JOB_ID");
}

// On a terminal a bar redrawn in place a few times a second; in a log (Slurm output) one plain
// line per interval, so the file stays readable and small.
void Progress::print(bool force) {
  auto now = std::chrono::steady_clock::now();
  static const bool tty = redraw_in_place();
  const double every = tty ? std::min(interval_s_, 0.25) : interval_s_;
  if (!force && std::chrono::duration<double>(now - last_print_).count() < every) return;
  last_print_ = now;
  const ProgressState state{"groups", done_, total_, std::chrono::duration<double>(now - start_).count()};
  if (tty) {
    std::fprintf(stdout, "\r%s\x1b[K%s", progress_bar(state, 72).c_str(), force ? "\n" : "");
    std::fflush(stdout);
  } else {
    spdlog::info("{}", progress_line(state));
  }
}

}  // namespace cartography::pipeline
