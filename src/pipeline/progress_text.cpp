#include "pipeline/progress_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace cartography::pipeline {

double eta_seconds(const ProgressState& s) {
  if (s.done == 0 || s.total < s.done || !(s.elapsed_s >= 0)) return -1;
  return s.elapsed_s / static_cast<double>(s.done) * static_cast<double>(s.total - s.done);
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto total = static_cast<long long>(std::llround(seconds));
  const long long h = total / 3600, m = (total % 3600) / 60, sec = total % 60;
  char buf[48];
  if (h > 0)
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", h, m);
  else if (m > 0)
    std::snprintf(buf, sizeof buf, "%lldm%02llds", m, sec);
  else
    std::snprintf(buf, sizeof buf, "%llds", sec);
  return buf;
}

namespace {

// Percentage of an empty stage is 100: nothing is left to do.
double percent(const ProgressState& s) {
  return s.total == 0 ? 100.0 : 100.0 * static_cast<double>(s.done) / static_cast<double>(s.total);
}

std::string eta_text(const ProgressState& s) {
  return s.done >= s.total ? "done" : "ETA " + format_duration(eta_seconds(s));
}

}  // namespace

std::string progress_line(const ProgressState& s) {
  char buf[160];
  const double rate = s.elapsed_s > 0 ? static_cast<double>(s.done) / s.elapsed_s : 0.0;
  std::snprintf(buf, sizeof buf, "%zu/%zu (%.1f%%), %.1f s, %.2f/s, ", s.done, s.total, percent(s), s.elapsed_s,
                rate);
  return s.stage + ": " + buf + eta_text(s);
}

std::string progress_bar(const ProgressState& s, int width) {
  char tail[96];
  std::snprintf(tail, sizeof tail, "] %zu/%zu %5.1f%% ", s.done, s.total, percent(s));
  const std::string head = s.stage + " [";
  const std::string rest = std::string(tail) + eta_text(s);
  const int cells = std::max(10, width - static_cast<int>(head.size() + rest.size()));
  const int filled = static_cast<int>(std::floor(percent(s) / 100.0 * cells));
  return head + std::string(std::clamp(filled, 0, cells), '#') + std::string(cells - std::clamp(filled, 0, cells), '.') +
         rest;
}

}  // namespace cartography::pipeline
