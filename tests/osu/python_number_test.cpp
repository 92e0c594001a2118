// float(str), int(str) and int(float) exactly as the reference's Python applies them.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "osu/python_number.hpp"

namespace cartography::osu {
namespace {

TEST(PythonFloat, AcceptsPythonsSpellings) {
  EXPECT_EQ(python_float("1"), 1.0);
  EXPECT_EQ(python_float(" 1.5\t"), 1.5);
  EXPECT_EQ(python_float("1_000.2_5"), 1000.25);
  EXPECT_EQ(python_float(".5"), 0.5);
  EXPECT_EQ(python_float("-1."), -1.0);
  EXPECT_EQ(python_float("+2e3"), 2000.0);
  EXPECT_EQ(python_float("1E-2"), 0.01);
  EXPECT_EQ(python_float("\xC2\xA0" "7"), 7.0);  // Unicode whitespace is stripped too
  EXPECT_EQ(python_float("0.1"), 0.1);
  EXPECT_EQ(python_float("260.869565217391"), 260.869565217391);
}

// The short path for [-]digits[.digits]: exact integers up to 15 digits, from_chars beyond and
// for decimals; the expected values are the compiler's own (correctly rounded) literals.
TEST(PythonFloat, PlainDecimalsAsTheCompilerReadsThem) {
  EXPECT_EQ(python_float("67.4999979400635"), 67.4999979400635);
  EXPECT_EQ(python_float("-111.111111111111"), -111.111111111111);
  EXPECT_EQ(python_float("422.535211267606"), 422.535211267606);
  EXPECT_EQ(python_float("999999999999999"), 999999999999999.0);      // 15 digits: exact
  EXPECT_EQ(python_float("9007199254740993"), 9007199254740993.0);    // 16: rounds to 2^53
  // Digit by digit, these would round twice (7.941824097545558e16, 8.566840057900495e18).
  EXPECT_EQ(python_float("79418240975455594"), 79418240975455594.0);
  EXPECT_EQ(python_float("8566840057900496504"), 8566840057900496504.0);
  EXPECT_EQ(python_float("12345678901234567890123"), 12345678901234567890123.0);
  EXPECT_EQ(python_float("-0.000000000000000000001"), -0.000000000000000000001);
  EXPECT_EQ(python_float("0000000000000000000000000000000000000000000000000000000000000000.5"), 0.5);  // 66 chars
  EXPECT_EQ(python_float("5."), 5.0);
  EXPECT_EQ(python_float("-.25"), -0.25);
  EXPECT_TRUE(std::signbit(*python_float("-0")));
  EXPECT_TRUE(std::signbit(*python_float("-0.0")));
  EXPECT_FALSE(std::signbit(*python_float("0")));
  for (const char* bad : {"-", "-.", ".", "1-", "1.-2", "+"}) EXPECT_FALSE(python_float(bad)) << "'" << bad << "'";
}

TEST(PythonFloat, SpecialValuesAndRange) {
  EXPECT_EQ(python_float("inf"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(python_float("-Infinity"), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(*python_float("NaN")));
  EXPECT_TRUE(std::isnan(*python_float("-nan")));
  EXPECT_EQ(python_float("1e400"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(python_float("-1e400"), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(python_float("1e-400"), 0.0);
  EXPECT_EQ(python_float("0.000001e-320"), 0.0);
  EXPECT_EQ(python_float("1e-310"), 1e-310);  // subnormal, kept
  EXPECT_EQ(python_float("99999999999999999999e99999999999999999999"), std::numeric_limits<double>::infinity());
}

TEST(PythonFloat, RefusesWhatPythonRefuses) {
  for (const char* bad : {"", " ", ".", "e5", "1e", "1e+", "1__0", "_1", "1_", "1_.5", "1._5", "1e_5", "0x10",
                          "1,0", "1.2.3", "in_f", "B", "--1", "1 2"})
    EXPECT_FALSE(python_float(bad)) << "'" << bad << "'";
}

// Deliberate difference: Python reads non-ASCII decimal digits (fullwidth "１"); we refuse
// them, so such a chart is rejected with a reason instead of being read.
TEST(PythonFloat, RefusesNonAsciiDigits) { EXPECT_FALSE(python_float("\xEF\xBC\x91")); }

TEST(PythonInt, Base10WithSeparators) {
  EXPECT_EQ(python_int("4")->value, 4);
  EXPECT_EQ(python_int(" -3 ")->value, -3);
  EXPECT_EQ(python_int("+0")->value, 0);
  EXPECT_EQ(python_int("010")->value, 10);  // int() allows leading zeros
  EXPECT_EQ(python_int("1_000")->value, 1000);
  EXPECT_EQ(python_int("-9223372036854775808")->value, std::numeric_limits<int64_t>::min());
  EXPECT_FALSE(python_int("9223372036854775807")->overflow);
  EXPECT_TRUE(python_int("9223372036854775808")->overflow);
  EXPECT_TRUE(python_int("-99999999999999999999")->overflow);
  for (const char* bad : {"1.0", "", "1e3", "1__0", "_1", "0x1", "one", "- 1"})
    EXPECT_FALSE(python_int(bad)) << "'" << bad << "'";
}

TEST(PythonTrunc, RaisesOnNonFinite) {
  EXPECT_EQ(python_trunc(2.7), 2.0);
  EXPECT_EQ(python_trunc(-2.7), -2.0);
  EXPECT_EQ(python_trunc(1e300), 1e300);
  EXPECT_FALSE(python_trunc(NAN));
  EXPECT_FALSE(python_trunc(INFINITY));
}

TEST(LowBits, TwosComplementOfUnboundedInts) {
  EXPECT_EQ(low_bits(6, 2), 2);
  EXPECT_EQ(low_bits(-1, 4), 4);         // Python: -1 & 4 == 4
  EXPECT_EQ(low_bits(-3, 1), 1);
  EXPECT_EQ(low_bits(std::ldexp(1.0, 60) + 4096, 15), 0);
  EXPECT_EQ(low_bits(1e300, 15), 0);
  EXPECT_EQ(low_bits(-1e300, 15), 0);
}

}  // namespace
}  // namespace cartography::osu
