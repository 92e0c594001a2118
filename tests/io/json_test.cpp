// Python-compatible JSON: the expected spellings below are what CPython 3.11 prints for
// repr(float) and json.dumps(..., indent=2, ensure_ascii=False).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "io/json.hpp"
#include "io/npy.hpp"

namespace cartography::io {
namespace {

TEST(PythonFloatRepr, MatchesCPython) {
  const std::pair<double, const char*> cases[] = {
      {0.1, "0.1"}, {1e-5, "1e-05"}, {1e16, "1e+16"}, {1e15, "1000000000000000.0"},
      {123456789012345678.0, "1.2345678901234568e+17"}, {0.0001, "0.0001"},
      {0.00001234, "1.234e-05"}, {-2.5, "-2.5"}, {3.0, "3.0"}, {1.0 / 3, "0.3333333333333333"},
      {5e-324, "5e-324"}, {1.7976931348623157e308, "1.7976931348623157e+308"}, {100.0, "100.0"},
      {9007199254740992.0, "9007199254740992.0"}, {0.30000000000000004, "0.30000000000000004"},
      {0.0, "0.0"}, {-0.0, "-0.0"}};
  for (auto [value, expected] : cases) EXPECT_EQ(python_float_repr(value), expected) << value;
}

TEST(PythonFloatRepr, RefusesNonFinite) {
  EXPECT_THROW(python_float_repr(std::nan("")), JsonError);
  EXPECT_THROW(python_float_repr(std::numeric_limits<double>::infinity()), JsonError);
}

TEST(DumpPythonStyle, NestedIndentAndUnicode) {
  Json v = {{"a", 1}, {"b", Json::array()}, {"c", {{"x", 2.5}, {"y", nullptr}}}, {"s", "é \"q\"\n"}};
  EXPECT_EQ(dump_python_style(v),
            "{\n  \"a\": 1,\n  \"b\": [],\n  \"c\": {\n    \"x\": 2.5,\n    \"y\": null\n  },\n"
            "  \"s\": \"é \\\"q\\\"\\n\"\n}");
}

TEST(Npy, RoundTripAndStreamedWrites) {
  std::string path = ::testing::TempDir() + "/rt.npy";
  {
    NpyWriter<double> w(path, {2, 3});
    double row1[3] = {4, 5, 6}, row0[3] = {1, 2, 3};
    w.write_at(3, row1, 3);
    w.write_at(0, row0, 3);
    w.close();
  }
  auto a = read_npy<double>(path);
  ASSERT_EQ(a.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(a.data, (std::vector<double>{1, 2, 3, 4, 5, 6}));
  EXPECT_THROW(read_npy<float>(path), NpyError);
}

TEST(Npy, IncompleteWriteIsAnError) {
  std::string path = ::testing::TempDir() + "/short.npy";
  NpyWriter<float> w(path, {4});
  float x = 1;
  w.write_at(0, &x, 1);
  EXPECT_THROW(w.close(), NpyError);
}

}  // namespace
}  // namespace cartography::io
