#include "pipeline/progress_text.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace cartography::pipeline {
namespace {

TEST(ProgressText, EtaIsTheRemainingWorkAtTheRateSoFar) {
  EXPECT_DOUBLE_EQ(eta_seconds({"groups", 25, 100, 10.0}), 30.0);
  EXPECT_LT(eta_seconds({"groups", 0, 100, 10.0}), 0);  // no estimate before the first group
  EXPECT_DOUBLE_EQ(eta_seconds({"groups", 100, 100, 10.0}), 0.0);
}

TEST(ProgressText, DurationsReadAsHoursMinutesSeconds) {
  EXPECT_EQ(format_duration(0), "0s");
  EXPECT_EQ(format_duration(59.4), "59s");
  EXPECT_EQ(format_duration(185), "3m05s");
  EXPECT_EQ(format_duration(3720), "1h02m");
  EXPECT_EQ(format_duration(-1), "?");
  EXPECT_EQ(format_duration(1.0 / 0.0), "?");
}

TEST(ProgressText, LogLineCarriesCountsRateAndEta) {
  EXPECT_EQ(progress_line({"groups", 120, 800, 12.0}), "groups: 120/800 (15.0%), 12.0 s, 10.00/s, ETA 1m08s");
  EXPECT_EQ(progress_line({"groups", 0, 0, 0.0}), "groups: 0/0 (100.0%), 0.0 s, 0.00/s, done");
}

TEST(ProgressText, BarFillsInProportionAndKeepsItsWidth) {
  const std::string half = progress_bar({"groups", 50, 100, 5.0}, 72);
  const std::string full = progress_bar({"groups", 100, 100, 9.0}, 72);
  EXPECT_EQ(half.size(), 72u);
  EXPECT_EQ(full.size(), 72u);
  const auto cells = [](const std::string& bar, char c) {
    const auto open = bar.find('['), close = bar.find(']');
    return std::count(bar.begin() + open + 1, bar.begin() + close, c);
  };
  EXPECT_EQ(cells(half, '#'), cells(half, '.'));
  EXPECT_EQ(cells(full, '.'), 0);
  EXPECT_NE(full.find("done"), std::string::npos);
}

}  // namespace
}  // namespace cartography::pipeline
