// Parity with the reference encoder: every fixture the reference accepted must encode to its
// golden [9, L] array within 1e-9 on every row; every fixture it rejected must be rejected by
// us with the matching reason.
#include <gtest/gtest.h>

#include <map>

#include "encode/fixture_names.hpp"
#include "encode/golden_compare.hpp"
#include "encode/signal_encoder.hpp"
#include "osu/beatmap.hpp"
#include "support/golden_h5.hpp"

namespace cartography::testing {
namespace {

const GoldenFile& golden() {
  static const GoldenFile file(golden_path("encode_9dim.h5"));
  return file;
}

// The Marathon map's golden lives in its own file and has its own (slow) test.
std::vector<std::string> names_where(bool ok) {
  std::vector<std::string> out;
  for (const auto& o : reference_outcomes())
    if (o.ok == ok && o.name != kMarathon) out.push_back(o.name);
  return out;
}

std::string param_name(const ::testing::TestParamInfo<std::string>& info) { return test_name_of(info.param); }

// Accepted fixtures whose maps carry a repair, each named with the repairs it must carry.
// zero-length-sliders: its first three sliders (the blank line after them ends the section)
// have length 0, so slide duration 0: finite in the reference too, recorded for counting.
const std::map<std::string, size_t> kExpectedRepairs = {
    {"ppy-osu__zero-length-sliders__completed.osu", 3},
};

class AcceptedFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(AcceptedFixture, MatchesReferenceEncoding) {
  const std::string name = GetParam();
  ASSERT_TRUE(golden().contains(name)) << name << " missing from the golden file";
  const GoldenEncoding reference = golden().read(name);
  const osu::Beatmap beatmap = osu::read_beatmap(osu_fixture(name));
  EXPECT_EQ(static_cast<int64_t>(beatmap.hit_objects().size()), reference.n_objects);
  EXPECT_EQ(beatmap.ar(), reference.ar);
  EXPECT_EQ(beatmap.od(), reference.od);
  const auto expected = kExpectedRepairs.find(name);
  EXPECT_EQ(beatmap.repairs().size(), expected == kExpectedRepairs.end() ? 0u : expected->second);
  ASSERT_EQ(reference.rows, encode::kRows);
  encode::SignalEncoder encoder(beatmap);
  std::vector<double> ours(static_cast<size_t>(encode::kRows * reference.frames));
  encoder.encode_block(0, reference.frames, ours.data(), reference.frames);
  EXPECT_TRUE(rows_match(ours, reference)) << name;
}

INSTANTIATE_TEST_SUITE_P(Golden, AcceptedFixture, ::testing::ValuesIn(names_where(true)), param_name);

// Our reason for each kind of reference exception (the reference's text is Python's).
std::string expected_reason(const std::string& reference_error) {
  static const std::pair<const char*, const char*> kReasons[] = {
      {"no hit objects", "no hit objects"},
      {"no timing points", "no timing points"},
      {"could not convert string to float", "is not a number"},
      {"cannot convert float NaN to integer", "is not finite"},
      {"KeyError: 'HPDrainRate'", "missing [Difficulty] HPDrainRate"},
      {"bad slider", "no control point besides its head"},
  };
  for (const auto& [theirs, ours] : kReasons)
    if (reference_error.find(theirs) != std::string::npos) return ours;
  return "(no mapping for: " + reference_error + ")";
}

class RejectedFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(RejectedFixture, IsRejectedWithTheReferenceReason) {
  const std::string name = GetParam();
  std::string reference_error;
  for (const auto& o : reference_outcomes())
    if (o.name == name) reference_error = o.error;
  try {
    osu::read_beatmap(osu_fixture(name));
    FAIL() << name << " accepted; the reference raised " << reference_error;
  } catch (const osu::ChartError& e) {
    EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    EXPECT_NE(e.reason.find(expected_reason(reference_error)), std::string::npos)
        << "ours: " << e.what() << "\nreference: " << reference_error;
  }
}

INSTANTIATE_TEST_SUITE_P(Golden, RejectedFixture, ::testing::ValuesIn(names_where(false)), param_name);

}  // namespace
}  // namespace cartography::testing
