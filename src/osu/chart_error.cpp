#include "osu/chart_error.hpp"

#include <charconv>

namespace cartography::osu {
namespace {

std::string locate(const std::string& file, int64_t line) {
  return line > 0 ? file + ":" + std::to_string(line) : file;
}

}  // namespace

ChartError::ChartError(std::string file_name, int64_t line_number, std::string why)
    : std::runtime_error(locate(file_name, line_number) + ": " + why),
      file(std::move(file_name)),
      line(line_number),
      reason(std::move(why)) {}

std::string shown(double value) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  return std::string(buffer, end);
}

std::string describe(const Repair& repair, const std::string& file_name) {
  return locate(file_name, repair.line) + ": hit object " + std::to_string(repair.object_index) +
         ": " + repair.what;
}

}  // namespace cartography::osu
