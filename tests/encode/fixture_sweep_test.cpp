// Every .osu fixture, including the originals the reference was not run on (many lack header
// fields): accepted and encoded to finite values within the documented bounds, or rejected
// with a ChartError; nothing else.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "encode/fixture_names.hpp"
#include "encode/signal_encoder.hpp"

namespace cartography::testing {
namespace {

std::vector<std::string> all_fixtures() {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(std::string(CARTO_TEST_DATA) + "/osu"))
    if (e.path().extension() == ".osu") names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

class AnyFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(AnyFixture, AcceptedAndFiniteOrRejectedWithAReason) {
  try {
    const osu::Beatmap bm = osu::read_beatmap(osu_fixture(GetParam()));
    double last_end = 0;
    for (const auto& o : bm.hit_objects()) last_end = std::max(last_end, o.end_time);
    // The golden files' frame count: int((last end + 1500) / 1000 * 16384 / 98) + 1.
    const auto L = static_cast<int64_t>((last_end + 1500) / 1000 * 16384 / 98) + 1;
    const int64_t frames = std::min<int64_t>(L, 1'000'000);
    const auto x = encode::encode_beatmap(bm, frames);
    // The documented bounds: rows 0-6 in [-1, 1]; X and Y within the cursor bound (NaN fails
    // every comparison, so this also proves finiteness).
    const double bound = bm.limits().max_cursor_coordinate();
    for (int r = 0; r < encode::kRows; ++r) {
      const double limit = r < 7 ? 1.0 : bound / (r == 7 ? 256 : 192) + 1;
      const auto row = x.begin() + r * frames;
      EXPECT_TRUE(std::all_of(row, row + frames, [&](double v) { return std::abs(v) <= limit; })) << "row " << r;
    }
  } catch (const osu::ChartError& e) {
    EXPECT_FALSE(e.reason.empty());
    EXPECT_EQ(std::string(e.what()).find(osu_fixture(GetParam())), 0u) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, AnyFixture, ::testing::ValuesIn(all_fixtures()),
                         [](const auto& info) { return test_name_of(info.param); });

}  // namespace
}  // namespace cartography::testing
