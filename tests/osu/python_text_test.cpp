// The reference reads .osu text through Python's strict UTF-8 decoder, universal newlines and
// str.strip(); these decide which lines are sections, keys and entries.
#include <gtest/gtest.h>

#include <vector>

#include "osu/python_text.hpp"

namespace cartography::osu {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_FALSE(first_invalid_utf8("plain ascii"));
  EXPECT_FALSE(first_invalid_utf8("\xEF\xBB\xBFosu"));                // BOM
  EXPECT_FALSE(first_invalid_utf8("\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x8E\xB5"));  // 日本 🎵
  EXPECT_FALSE(first_invalid_utf8(std::string_view("a\0b", 3)));      // NUL is a character
}

TEST(Utf8, ReportsTheFirstBadByteLikePython) {
  EXPECT_EQ(first_invalid_utf8("ab\x80"), 2u);              // stray continuation byte
  EXPECT_EQ(first_invalid_utf8("a\xC0\x80"), 1u);           // overlong NUL
  EXPECT_EQ(first_invalid_utf8("\xED\xA0\x80"), 0u);        // UTF-16 surrogate
  EXPECT_EQ(first_invalid_utf8("xx\xF4\x90\x80\x80"), 2u);  // above U+10FFFF
  EXPECT_EQ(first_invalid_utf8("abc\xE2\x82"), 3u);         // truncated at the end
  EXPECT_EQ(first_invalid_utf8("\xFF"), 0u);
}

TEST(Strip, UsesPythonsWhitespace) {
  EXPECT_EQ(python_strip(" \t x y \r\n"), "x y");
  EXPECT_EQ(python_strip("\x1c\x1dv\x1e\x1f"), "v");            // str.isspace() is true for these
  EXPECT_EQ(python_strip("\xC2\xA0v\xE3\x80\x80"), "v");        // U+00A0, U+3000
  EXPECT_EQ(python_strip("\xEF\xBB\xBFv"), "\xEF\xBB\xBFv");    // U+FEFF is not whitespace
  EXPECT_EQ(python_strip("\xE2\x80\x8Bv"), "\xE2\x80\x8Bv");    // nor is U+200B
  EXPECT_EQ(python_strip(" \xC2\xA0 "), "");
}

std::vector<std::string> lines_of(std::string_view text) {
  LineReader reader(text);
  std::vector<std::string> out;
  std::string_view line;
  while (reader.next(line)) out.emplace_back(line);
  return out;
}

TEST(Lines, SplitOnUniversalNewlines) {
  EXPECT_EQ(lines_of("a\r\nb\rc\nd"), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(lines_of("a\r\r\nb\n"), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(lines_of("a\x0b" "b\xE2\x80\xA8" "c"), (std::vector<std::string>{"a\x0b" "b\xE2\x80\xA8" "c"}));  // not line ends for files
  EXPECT_TRUE(lines_of("").empty());
}

// The scans skip 8 ASCII bytes at a time: a line end or a bad byte must be found at every
// offset within and across those words, next to the bytes below 0x0E that are not line ends.
TEST(Lines, FindsEveryLineEndWhereverItFallsInAWord) {
  const std::string_view controls("ab\t\x0b\x0c\x01\x00" "d", 8);  // below 0x0E, not line ends
  for (size_t offset = 0; offset < 20; ++offset)
    for (const std::string end : {"\n", "\r", "\r\n"}) {
      std::string first;
      for (size_t i = 0; i < offset; ++i) first += controls[i % controls.size()];
      const std::string second = "tail\x0b\x0c" "end";
      EXPECT_EQ(lines_of(first + end + second), (std::vector<std::string>{first, second})) << offset;
    }
}

TEST(Utf8, FindsTheBadByteAfterAnyRunOfAscii) {
  for (size_t offset = 0; offset < 20; ++offset) {
    EXPECT_EQ(first_invalid_utf8(std::string(offset, 'a') + "\xFF" + std::string(9, 'b')), offset);
    EXPECT_EQ(first_invalid_utf8(std::string(offset, 'a') + "\xC3\xA9" + std::string(9, 'b') + "\x80"),
              offset + 11);
    EXPECT_FALSE(first_invalid_utf8(std::string(offset, 'a') + "\xC3\xA9" + std::string(offset, 'b')));
  }
}

TEST(Strip, AsciiAndUnicodeWhitespaceMixed) {
  EXPECT_EQ(python_strip("\xC2\xA0 \tv w\t \xE3\x80\x80"), "v w");
  EXPECT_EQ(python_strip("\xC3\xA9 "), "\xC3\xA9");  // a non-space character before a space
  EXPECT_EQ(python_strip(" \xC3\xA9"), "\xC3\xA9");
}

}  // namespace
}  // namespace cartography::osu
