// checked.hpp against independent arithmetic: unsigned __int128 / long double references and
// hand-picked boundaries (the largest value that fits, the smallest that does not).
#include "common/checked.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace checked = cartography::checked;

namespace {
constexpr std::uint64_t u64_max = std::numeric_limits<std::uint64_t>::max();
constexpr std::int64_t i64_max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t i64_min = std::numeric_limits<std::int64_t>::min();
}  // namespace

TEST(Checked, MulRefusesTheWrappingProductOfACraftedStorage) {
  // numel 2^61 + 1 of a 8-byte dtype: the wrapping product is 8, the size of a tiny entry.
  const std::uint64_t numel = (std::uint64_t{1} << 61) + 1;
  EXPECT_EQ(numel * 8u, 8u);  // what the unchecked check saw
  EXPECT_FALSE(checked::mul(numel, std::uint64_t{8}).has_value());
  EXPECT_EQ(checked::mul(std::uint64_t{1} << 60, std::uint64_t{8}), std::uint64_t{1} << 63);
}

TEST(Checked, AddSubMulAgreeWithWideArithmeticOnRandomOperands) {
  std::mt19937_64 rng(12345);
  for (int i = 0; i < 20000; ++i) {
    // Operands of random magnitudes, so that both fitting and overflowing cases occur.
    const std::uint64_t a = rng() >> (rng() % 64);
    const std::uint64_t b = rng() >> (rng() % 64);
    const unsigned __int128 wide_sum = static_cast<unsigned __int128>(a) + b;
    const unsigned __int128 wide_prod = static_cast<unsigned __int128>(a) * b;
    const auto sum = checked::add(a, b);
    const auto prod = checked::mul(a, b);
    const auto diff = checked::sub(a, b);
    ASSERT_EQ(sum.has_value(), wide_sum <= u64_max);
    if (sum) ASSERT_EQ(static_cast<unsigned __int128>(*sum), wide_sum);
    ASSERT_EQ(prod.has_value(), wide_prod <= u64_max);
    if (prod) ASSERT_EQ(static_cast<unsigned __int128>(*prod), wide_prod);
    ASSERT_EQ(diff.has_value(), a >= b);
    if (diff) ASSERT_EQ(*diff + b, a);
  }
}

TEST(Checked, SignedBoundaries) {
  EXPECT_EQ(checked::add(i64_max - 1, std::int64_t{1}), i64_max);
  EXPECT_FALSE(checked::add(i64_max, std::int64_t{1}));
  EXPECT_FALSE(checked::sub(i64_min, std::int64_t{1}));
  EXPECT_FALSE(checked::mul(i64_min, std::int64_t{-1}));
  EXPECT_EQ(checked::mul(std::int64_t{-3}, std::int64_t{4}), -12);
}

TEST(Checked, MixedOperandTypesIntoANamedResult) {
  // The exact result decides, not a conversion of the operands: -1 + 3 fits size_t, -5 + 3 not.
  EXPECT_EQ(checked::add<std::size_t>(std::int64_t{-1}, 3u), std::size_t{2});
  EXPECT_FALSE(checked::add<std::size_t>(std::int64_t{-5}, 3u));
  EXPECT_FALSE(checked::mul<std::size_t>(std::int64_t{-2}, std::uint32_t{4}));
  EXPECT_FALSE(checked::mul<std::int32_t>(std::int64_t{1} << 20, std::int64_t{1} << 11));
  EXPECT_EQ(checked::mul<std::int32_t>(std::int64_t{1} << 20, std::int64_t{1} << 10), 1 << 30);
}

TEST(Checked, ProductOfAShape) {
  EXPECT_EQ(checked::product<std::int64_t>(std::vector<std::int64_t>{}), 1);
  EXPECT_EQ(checked::product<std::int64_t>(std::vector<std::int64_t>{2, 3, 7}), 42);
  EXPECT_EQ(checked::product<std::size_t>(std::array<int, 2>{1 << 16, 1 << 16}), std::size_t{1} << 32);
  // Overflow before a zero is still refused; a negative dimension never becomes a size_t.
  EXPECT_FALSE(checked::product<std::int64_t>(std::vector<std::int64_t>{1 << 30, 1 << 30, 1 << 30, 0}));
  EXPECT_FALSE(checked::product<std::size_t>(std::vector<std::int64_t>{4, -1}));
  EXPECT_FALSE(checked::product<std::int64_t>(std::vector<std::int64_t>{std::int64_t{1} << 32, std::int64_t{1} << 31}));
}

TEST(Checked, Narrow) {
  EXPECT_EQ(checked::narrow<std::int32_t>(std::int64_t{2147483647}), 2147483647);
  EXPECT_FALSE(checked::narrow<std::int32_t>(std::int64_t{2147483648}));
  EXPECT_FALSE(checked::narrow<std::size_t>(std::int64_t{-1}));
  EXPECT_FALSE(checked::narrow<std::int64_t>(u64_max));
  EXPECT_EQ(checked::narrow<std::uint8_t>(255), 255);
  EXPECT_FALSE(checked::narrow<std::uint8_t>(256));
}

TEST(Checked, TruncateDouble) {
  EXPECT_EQ(checked::truncate<std::int64_t>(-2.9), -2);
  EXPECT_EQ(checked::truncate<std::int64_t>(1e18), 1000000000000000000);
  EXPECT_FALSE(checked::truncate<std::int64_t>(9223372036854775808.0));  // 2^63
  EXPECT_EQ(checked::truncate<std::int64_t>(-9223372036854775808.0), i64_min);
  EXPECT_FALSE(checked::truncate<std::int64_t>(1e160));
  EXPECT_FALSE(checked::truncate<std::int64_t>(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_FALSE(checked::truncate<std::int64_t>(-std::numeric_limits<double>::infinity()));
  EXPECT_FALSE(checked::truncate<std::uint32_t>(-1.0));
  EXPECT_EQ(checked::truncate<std::uint32_t>(-0.5), 0u);  // truncates to zero, which fits
  EXPECT_EQ(checked::truncate<std::uint32_t>(4294967295.9), 4294967295u);
  EXPECT_FALSE(checked::truncate<std::uint32_t>(4294967296.0));
}

TEST(Checked, InBounds) {
  EXPECT_TRUE(checked::in_bounds(0, 10, 10));
  EXPECT_TRUE(checked::in_bounds(10, 0, 10));
  EXPECT_FALSE(checked::in_bounds(1, 10, 10));
  EXPECT_FALSE(checked::in_bounds(11, 0, 10));
  EXPECT_FALSE(checked::in_bounds(std::int64_t{-1}, 1, 10));
  EXPECT_FALSE(checked::in_bounds(5, std::int64_t{-1}, 10));
  // An offset near 2^64 whose wrapping sum would land inside the buffer.
  EXPECT_FALSE(checked::in_bounds(u64_max - 2, std::uint64_t{8}, std::uint64_t{100}));
}
