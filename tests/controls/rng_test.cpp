// SplitMix64 against published values and the golden script's reimplementation.
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "controls/goldens.hpp"
#include "controls/rng.hpp"

namespace cartography::controls {
namespace {

using testing::goldens;

// The outputs for seed 1234567 commonly quoted as a test vector of the reference C
// splitmix64: a check independent of our golden script.
TEST(SplitMix64, PublishedSequenceForSeed1234567) {
  SplitMix64 r(1234567);
  const std::vector<uint64_t> expected = {6457827717110365317ULL, 3203168211198807973ULL,
                                          9817491932198370423ULL, 4593380528125082431ULL,
                                          16408922859458223821ULL};
  for (uint64_t e : expected) EXPECT_EQ(r.next(), e);
}

TEST(SplitMix64, MatchesGoldenSequences) {
  for (const auto& c : goldens().at("rng").at("next")) {
    SplitMix64 r(c.at("seed").get<uint64_t>());
    for (const auto& e : c.at("next")) EXPECT_EQ(r.next(), e.get<uint64_t>());
  }
}

TEST(SplitMix64, UniformIndexMatchesGoldenDraws) {
  int n_cases = 0;
  for (const auto& c : goldens().at("rng").at("uniform_index")) {
    SplitMix64 r(c.at("seed").get<uint64_t>());
    const auto n = c.at("n").get<uint64_t>();
    for (const auto& e : c.at("draws")) {
      const uint64_t d = r.uniform_index(n);
      EXPECT_EQ(d, e.get<uint64_t>()) << "n = " << n;
      EXPECT_LT(d, n);
    }
    ++n_cases;
  }
  EXPECT_GE(n_cases, 5);
}

// n = 2^63 + 12345 rejects about half of all draws: the rejection loop must consume draws
// exactly as documented for the golden sequence above to match; here, its values stay in range.
TEST(SplitMix64, UniformIndexRejectsToStayUnbiased) {
  SplitMix64 r(3);
  const uint64_t n = (1ULL << 63) + 12345;
  for (int i = 0; i < 1000; ++i) EXPECT_LT(r.uniform_index(n), n);
  EXPECT_THROW(r.uniform_index(0), std::invalid_argument);
}

TEST(SplitMix64, DeriveSeedMatchesGoldenAndDependsOnOrder) {
  for (const auto& c : goldens().at("rng").at("derive_seed")) {
    const auto v = c.at("values").get<std::vector<int64_t>>();
    const uint64_t seed = c.at("seed").get<uint64_t>();
    uint64_t got = 0;
    switch (v.size()) {
      case 0: got = derive_seed(seed, {}); break;
      case 2: got = derive_seed(seed, {v[0], v[1]}); break;
      case 3: got = derive_seed(seed, {v[0], v[1], v[2]}); break;
      default: FAIL() << "unexpected golden arity";
    }
    EXPECT_EQ(got, c.at("derived").get<uint64_t>());
  }
  EXPECT_NE(derive_seed(42, {3, 0, 1}), derive_seed(42, {3, 1, 0}));
}

}  // namespace
}  // namespace cartography::controls
