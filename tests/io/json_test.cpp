// Python-compatible JSON: the expected spellings below are what CPython 3.11 prints for
// repr(float) and json.dumps(..., indent=2, ensure_ascii=False).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
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

TEST(Utf8, ValidTextIsKeptAndOtherBytesAreShownOrEscaped) {
  for (const std::string ok : {"", "plain.osz", "héllo ♪ 𝄞", "a\\b"}) {
    EXPECT_TRUE(is_valid_utf8(ok)) << ok;
    EXPECT_EQ(utf8_display(ok), ok);
  }
  // Overlong forms, surrogates, code points past U+10FFFF and truncated sequences are invalid.
  for (const std::string bad : {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"})
    EXPECT_FALSE(is_valid_utf8(bad)) << escape_bytes(bad);
  EXPECT_EQ(utf8_display("a\xff" "b\xfe.osz"), "a\uFFFD" "b\uFFFD.osz");
  EXPECT_EQ(escape_bytes("a\xff" "b\\c\xfe.osz"), "a\\xFFb\\\\c\\xFE.osz");
  EXPECT_EQ(escape_bytes("é\xff"), "é\\xFF");
}

TEST(DumpPythonStyle, NonUtf8StringsBecomeValidUtf8) {
  const std::string text = dump_python_style(Json{{"filename", "a\xff.osz"}});
  EXPECT_TRUE(is_valid_utf8(text));
  EXPECT_EQ(text, "{\n  \"filename\": \"a\uFFFD.osz\"\n}");
}

TEST(WriteJsonFile, FailureNamesThePathAndTheOsReasonAndLeavesNothing) {
  const std::string dir = ::testing::TempDir() + "/json_write_test";
  std::filesystem::remove_all(dir);
  try {
    write_json_file(dir + "/missing/x.json", Json{{"a", 1}});
    ADD_FAILURE() << "wrote into a missing folder";
  } catch (const JsonError& e) {
    EXPECT_NE(std::string(e.what()).find(dir + "/missing/x.json.tmp: No such file or directory"), std::string::npos)
        << e.what();
  }
  std::filesystem::create_directories(dir);
  // A non-finite number is refused before anything is written: no file, no temporary.
  try {
    write_json_file(dir + "/nan.json", Json{{"a", std::nan("")}});
    ADD_FAILURE() << "NaN written";
  } catch (const JsonError& e) {
    EXPECT_NE(std::string(e.what()).find("not writing " + dir + "/nan.json: refusing"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(dir + "/nan.json"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/nan.json.tmp"));
  write_json_file(dir + "/ok.json", Json{{"a", 1}});
  EXPECT_EQ(std::filesystem::file_size(dir + "/ok.json"), 12u);
  EXPECT_FALSE(std::filesystem::exists(dir + "/ok.json.tmp"));
}

// progress/ survives into a --resume run: a link planted at a temporary's name was written through.
TEST(WriteJsonFile, LinkPlantedAtTheTemporaryIsNotWrittenThrough) {
  const std::string dir = ::testing::TempDir() + "/json_planted_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  { std::ofstream(dir + "/victim.txt") << "precious"; }
  std::filesystem::create_symlink(dir + "/victim.txt", dir + "/group_0.cbor.tmp");
  write_file_atomically(dir + "/group_0.cbor", "saved");
  std::ifstream victim(dir + "/victim.txt"), saved(dir + "/group_0.cbor");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(victim), {}), "precious");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(saved), {}), "saved");
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(dir + "/group_0.cbor.tmp")));
  std::filesystem::remove_all(dir);
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
