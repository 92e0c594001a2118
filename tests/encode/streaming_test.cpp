// Encoding in blocks, of any size and even out of order, gives the whole encoding bit for bit.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "encode/fixture_names.hpp"
#include "encode/signal_encoder.hpp"

namespace cartography::encode {
namespace {

std::vector<double> in_blocks(const osu::Beatmap& bm, int64_t L, const std::vector<int64_t>& starts) {
  SignalEncoder encoder(bm);
  std::vector<double> out(static_cast<size_t>(kRows * L));
  for (size_t k = 0; k < starts.size(); ++k) {
    const int64_t first = starts[k];
    const int64_t last = k + 1 < starts.size() ? std::max(first, starts[k + 1]) : L;
    // Write straight into the whole array: row stride L, block at column `first`.
    encoder.encode_block(first, last - first, out.data() + first, L);
  }
  return out;
}

std::vector<int64_t> every(int64_t block, int64_t L) {
  std::vector<int64_t> starts;
  for (int64_t f = 0; f < L; f += block) starts.push_back(f);
  return starts;
}

bool bit_identical(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

TEST(Streaming, AnyBlockSizeGivesTheSameBits) {
  const osu::Beatmap bm = osu::read_beatmap(testing::osu_fixture("ppy-osu__100374__completed.osu"));
  const int64_t L = 40505;
  const auto whole = encode_beatmap(bm, L);
  for (int64_t block : {1, 2, 7, 98, 1000, 4096, 32768, 40504, 40505, 100000}) {
    SCOPED_TRACE(block);
    EXPECT_TRUE(bit_identical(in_blocks(bm, L, every(block, L)), whole));
  }
}

TEST(Streaming, SeparateBuffersPerBlock) {
  const osu::Beatmap bm = osu::read_beatmap(testing::osu_fixture("ppy-osu__Soleily_-_Renatus_Gamu_Insane_.osu"));
  const int64_t L = 30000, block = 4000;
  const auto whole = encode_beatmap(bm, L);
  SignalEncoder encoder(bm);
  std::vector<double> buffer(static_cast<size_t>(kRows * block)), joined(whole.size());
  for (int64_t first = 0; first < L; first += block) {
    const int64_t n = std::min(block, L - first);
    encoder.encode_block(first, n, buffer.data(), block);
    for (int r = 0; r < kRows; ++r)
      std::copy_n(buffer.begin() + r * block, n, joined.begin() + r * L + first);
  }
  EXPECT_TRUE(bit_identical(joined, whole));
}

TEST(Streaming, OutOfOrderBlocksRestartTheSweep) {
  const osu::Beatmap bm = osu::read_beatmap(testing::osu_fixture("ppy-osu__103019__completed.osu"));
  const int64_t L = 20982;
  const auto whole = encode_beatmap(bm, L);
  std::vector<int64_t> starts = every(1500, L);
  std::mt19937 random(7);
  std::shuffle(starts.begin(), starts.end(), random);
  // Each start encodes up to the next multiple of 1500.
  SignalEncoder encoder(bm);
  std::vector<double> out(whole.size());
  for (int64_t first : starts) encoder.encode_block(first, std::min<int64_t>(1500, L - first), out.data() + first, L);
  EXPECT_TRUE(bit_identical(out, whole));
}

TEST(Streaming, SecondThreadGivesTheSameBits) {
  const osu::Beatmap bm = osu::read_beatmap(testing::osu_fixture("ppy-osu__100374__completed.osu"));
  const int64_t L = 40505, block = 8192;
  const auto whole = encode_beatmap(bm, L);
  SignalEncoder encoder(bm, {.threads = 2});
  std::vector<double> out(whole.size());
  for (int64_t first = 0; first < L; first += block)
    encoder.encode_block(first, std::min(block, L - first), out.data() + first, L);
  EXPECT_TRUE(bit_identical(out, whole));
}

TEST(Streaming, RejectsBadArguments) {
  const osu::Beatmap bm = osu::read_beatmap(testing::osu_fixture("ppy-osu__103019__completed.osu"));
  SignalEncoder encoder(bm);
  std::vector<double> out(90);
  EXPECT_THROW(encoder.encode_block(-1, 10, out.data(), 10), std::invalid_argument);
  EXPECT_THROW(encoder.encode_block(0, 10, out.data(), 9), std::invalid_argument);
  EXPECT_NO_THROW(encoder.encode_block(5, 0, out.data(), 0));
}

}  // namespace
}  // namespace cartography::encode
