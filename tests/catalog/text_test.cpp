// Python string semantics the index depends on; expected values are CPython 3.11's.
#include <gtest/gtest.h>

#include "catalog/text.hpp"

namespace cartography::catalog {
namespace {

TEST(PythonText, LowerIsFullUnicode) {
  EXPECT_EQ(python_lower("ΣΑΣ"), "σας");  // final sigma
  EXPECT_EQ(python_lower("OΣ"), "oς");
  EXPECT_EQ(python_lower("İstanbul"), "i\xcc\x87stanbul");
  EXPECT_EQ(python_lower("ÀÉ"), "àé");
  EXPECT_EQ(python_lower("ß"), "ß");
  EXPECT_EQ(python_lower("ǅ"), "ǆ");
  EXPECT_EQ(python_lower("ABC def"), "abc def");
}

TEST(PythonText, DecodeReplacesMaximalSubparts) {
  EXPECT_EQ(decode_utf8_replace("a\xff\xed\xa0\x80" "b\xe2\x82"),
            "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "b\xEF\xBF\xBD");
  EXPECT_EQ(decode_utf8_replace("\xef\xbb\xbfok"), "\xef\xbb\xbfok");  // BOM kept
}

TEST(PythonText, StripUsesIsspace) {
  EXPECT_EQ(python_strip("\u3000 x\x1c\u00a0"), "x");
  EXPECT_EQ(python_strip("\u200b x"), "\u200b x");  // ZERO WIDTH SPACE is not whitespace
  EXPECT_EQ(python_strip(" \r\n\t"), "");
}

TEST(HeaderPatterns, TitleNeedsAtLeastOneCharacter) {
  std::string text = "Title:\nTitle:Second\r\nArtist: A \n";
  EXPECT_EQ(*match_header_value(text, "Title", false), "Second\r");
  EXPECT_EQ(*match_header_value(text, "Artist", false), " A ");
  EXPECT_FALSE(match_header_value(text, "Creator", false));
  EXPECT_FALSE(match_header_value("TitleUnicode:x", "Title", false));
  EXPECT_FALSE(match_header_value(" Title:x", "Title", false));
}

TEST(HeaderPatterns, BackslashSWildcardCrossesLines) {
  // r"^Version:\s*(.+)$" on an empty value takes the next non-blank line, as the reference.
  EXPECT_EQ(*match_header_value("Version: \r\n\n[Difficulty]\n", "Version", true), "[Difficulty]");
  EXPECT_EQ(*match_header_value("Version:  hard  \n", "Version", true), "hard  ");
  EXPECT_EQ(*match_header_value("Version: \t", "Version", true), "\t");
}

TEST(HeaderPatterns, NumericRuns) {
  EXPECT_EQ(*match_header_run("Mode: 3\n", "Mode", false), "3");
  EXPECT_FALSE(match_header_run("Mode: x\n", "Mode", false));
  EXPECT_EQ(*match_header_run("OverallDifficulty:7.5x\n", "OverallDifficulty", true), "7.5");
  EXPECT_EQ(python_float_of_run("7."), 7.0);
  EXPECT_EQ(python_float_of_run(".5"), 0.5);
  EXPECT_FALSE(python_float_of_run("1.2.3"));
  EXPECT_FALSE(python_float_of_run("."));
}

TEST(PythonInt, AcceptsWhatIntAccepts) {
  EXPECT_EQ(python_int("100020"), 100020);
  EXPECT_EQ(python_int(" +7 "), 7);
  EXPECT_EQ(python_int("1_000"), 1000);
  EXPECT_EQ(python_int("-3"), -3);
  EXPECT_FALSE(python_int("1__0"));
  EXPECT_FALSE(python_int("_1"));
  EXPECT_FALSE(python_int("12a"));
  EXPECT_FALSE(python_int(""));
  EXPECT_FALSE(python_int("99999999999999999999999"));
}

}  // namespace
}  // namespace cartography::catalog
