// parse_map_file's rules: headers, blank lines closing sections, comments, the key regex.
#include <gtest/gtest.h>

#include "osu/sections.hpp"

namespace cartography::osu {
namespace {

std::string value_of(const Sections& s, std::string_view section, std::string_view key) {
  const auto* kv = s.find(section, key);
  return kv ? std::string(kv->value) : "<absent>";
}

TEST(Sections, KeyValuesFollowTheReferenceRegex) {
  const auto s = split_sections(
      "[Metadata]\nTitle:  Song  \nArtist : Band\nCreator  : two spaces\n  Version: indented\n"
      "Source:a:b\nTags\t:\ttab\nBPM:\n");
  EXPECT_EQ(value_of(s, "Metadata", "Title"), "Song");
  EXPECT_EQ(value_of(s, "Metadata", "Artist"), "Band");          // one space each side is allowed
  EXPECT_EQ(value_of(s, "Metadata", "Creator"), "<absent>");     // two are not
  EXPECT_EQ(value_of(s, "Metadata", "Version"), "<absent>");     // nor leading spaces
  EXPECT_EQ(value_of(s, "Metadata", "Source"), "a:b");
  EXPECT_EQ(value_of(s, "Metadata", "Tags"), "tab");
  EXPECT_EQ(value_of(s, "Metadata", "BPM"), "");
}

TEST(Sections, BlankOrWhitespaceLineEndsTheSection) {
  const auto s = split_sections("[Metadata]\nTitle:A\n\nArtist:B\n[General]\nMode:0\n \xC2\xA0\nAudioFilename:x\n");
  EXPECT_EQ(value_of(s, "Metadata", "Title"), "A");
  EXPECT_EQ(value_of(s, "Metadata", "Artist"), "<absent>");
  EXPECT_EQ(value_of(s, "General", "Mode"), "0");
  EXPECT_EQ(value_of(s, "General", "AudioFilename"), "<absent>");
}

TEST(Sections, ListSectionsKeepStrippedLinesAndComments) {
  const auto s = split_sections("[HitObjects]\n// skipped\n 1,2,3 \n //kept: not at column 0\n\n4,5,6\n");
  const auto* objects = s.list("HitObjects");
  ASSERT_NE(objects, nullptr);
  ASSERT_EQ(objects->size(), 2u);
  EXPECT_EQ((*objects)[0].text, "1,2,3");
  EXPECT_EQ((*objects)[0].line, 3);
  EXPECT_EQ((*objects)[1].text, "//kept: not at column 0");
}

TEST(Sections, RepeatedHeaderStartsAfresh) {
  const auto s = split_sections("[Difficulty]\nHPDrainRate:1\n[Difficulty]\nCircleSize:2\n[Events]\na,b\n[Events]\nc,d\n");
  EXPECT_EQ(value_of(s, "Difficulty", "HPDrainRate"), "<absent>");
  EXPECT_EQ(value_of(s, "Difficulty", "CircleSize"), "2");
  ASSERT_EQ(s.list("Events")->size(), 1u);
  EXPECT_EQ(s.list("Events")->front().text, "c,d");
}

TEST(Sections, HeaderMustFillTheLine) {
  const auto s = split_sections("[General] \nMode:0\n\xEF\xBB\xBF[Metadata]\nTitle:x\n[[Odd]]\nKey:v\n");
  EXPECT_EQ(s.key_values.count("General"), 0u);                  // trailing space: not a header
  EXPECT_EQ(s.key_values.count("Metadata"), 0u);                 // a BOM before it: neither
  EXPECT_EQ(value_of(s, "[Odd]", "Key"), "v");
}

TEST(Sections, CrLfAndCrAreLineEnds) {
  const auto s = split_sections("[General]\r\nMode: 1\r\nAudioFilename: a.mp3\r[Metadata]\rTitle:t\r\n");
  EXPECT_EQ(value_of(s, "General", "Mode"), "1");
  EXPECT_EQ(value_of(s, "General", "AudioFilename"), "a.mp3");
  EXPECT_EQ(value_of(s, "Metadata", "Title"), "t");
}

}  // namespace
}  // namespace cartography::osu
