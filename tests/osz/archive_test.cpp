// The archive reader on real fixtures and on hostile archives built here.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "osz/archive.hpp"
#include "support/zip_builder.hpp"

namespace cartography::osz {
namespace {

using cartography::testing::build_zip;
const std::string kData = CARTO_TEST_DATA;

std::string temp(const std::string& name) { return ::testing::TempDir() + "/" + name; }

TEST(Archive, ListsEntriesInArchiveOrder) {
  Archive a = Archive::open(kData + "/osz_real/ogg-beatmap.osz");
  ASSERT_EQ(a.entries().size(), 4u);
  EXPECT_EQ(a.entries()[0].name, "oggbeatmap.osu");
  EXPECT_EQ(a.entries()[1].name, "__MACOSX/._oggbeatmap.osu");
  EXPECT_EQ(a.osu_entries().size(), 2u);
  EXPECT_EQ(a.top_level_osu_entries().size(), 1u);
  std::string text = a.read_text(a.entries()[0]);
  EXPECT_NE(text.find("osu file format"), std::string::npos);
}

TEST(Archive, DecodesUnflaggedNamesAsCp437LikePythonZipfile) {
  Archive a = Archive::open(kData + "/osz_real/japanese-filename.osz");
  ASSERT_EQ(a.entries().size(), 3u);
  EXPECT_EQ(a.entries()[2].name, "\u00ee\u2310\u00fb{.ogg");  // Python: 'î⌐û{.ogg'
}

TEST(Archive, FindsAudioCaseInsensitively) {
  build_zip(temp("case.osz"), {{"a.osu", "x"}, {"Audio.MP3", "abc"}});
  Archive a = Archive::open(temp("case.osz"));
  auto e = a.find("audio.mp3");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->name, "Audio.MP3");
  EXPECT_EQ(a.read_text(*e), "abc");
  EXPECT_FALSE(a.find("other.mp3"));
}

TEST(Archive, RefusesEntriesThatEscape) {
  build_zip(temp("evil.osz"), {{"../evil.osu", "x"},
                               {"/etc/passwd.osu", "x"},
                               {"a/../../b.osu", "x"},
                               {"C:\\win.osu", "x"},
                               {"..\\up.osu", "x"},
                               {"good.osu", "fine"}});
  Archive a = Archive::open(temp("evil.osz"));
  ASSERT_EQ(a.entries().size(), 1u);
  EXPECT_EQ(a.entries()[0].name, "good.osu");
  ASSERT_EQ(a.refused().size(), 5u);
  for (const auto& r : a.refused()) EXPECT_FALSE(r.reason.empty()) << r.name;
  EXPECT_NE(a.refused()[0].reason.find(".."), std::string::npos);
  EXPECT_NE(a.refused()[1].reason.find("absolute"), std::string::npos);
  EXPECT_NE(a.refused()[3].reason.find("drive"), std::string::npos);
}

TEST(Archive, RefusesZipBombs) {
  // 100 MiB of zeros deflates about 1000:1, past the ratio limit for entries above 64 MiB.
  std::string zeros(size_t(100) << 20, '\0');
  build_zip(temp("bomb.osz"), {{"bomb.osu", zeros}, {"ok.osu", "osu"}});
  Archive a = Archive::open(temp("bomb.osz"));
  ASSERT_EQ(a.entries().size(), 1u);
  ASSERT_EQ(a.refused().size(), 1u);
  EXPECT_NE(a.refused()[0].reason.find("zip bomb"), std::string::npos);

  ArchiveLimits tight;
  tight.max_entry_bytes = 1000;
  build_zip(temp("big.osz"), {{"big.osu", std::string(5000, 'a')}});
  Archive b = Archive::open(temp("big.osz"), tight);
  EXPECT_TRUE(b.entries().empty());
  EXPECT_NE(b.refused()[0].reason.find("exceeds the limit"), std::string::npos);
}

TEST(Archive, CorruptArchivesAreErrorsWithReasons) {
  EXPECT_THROW(Archive::open(temp("does-not-exist.osz")), ArchiveError);
  std::vector<uint8_t> garbage(1000, 0x5a);
  try {
    Archive::from_bytes(garbage, "garbage.osz");
    FAIL() << "garbage opened";
  } catch (const ArchiveError& e) {
    EXPECT_NE(std::string(e.what()).find("garbage.osz"), std::string::npos);
  }
  auto bytes = build_zip(temp("t.osz"), {{"a.osu", std::string(20000, 'q')}});
  std::vector<uint8_t> truncated(bytes.begin(), bytes.begin() + bytes.size() / 2);
  EXPECT_THROW(Archive::from_bytes(truncated, "truncated.osz"), ArchiveError);
  EXPECT_THROW(Archive::from_bytes({}, "empty.osz"), ArchiveError);
}

TEST(Archive, CorruptEntryDataIsAnErrorNamingTheEntry) {
  auto bytes = build_zip(temp("c.osz"), {{"a.osu", std::string(20000, 'q') + "tail"}});
  // Flip bytes inside the deflate stream (after the 30-byte local header and the name).
  std::vector<uint8_t> broken(bytes.begin(), bytes.end());
  for (size_t i = 40; i < 60 && i < broken.size(); ++i) broken[i] ^= 0xff;
  Archive a = Archive::from_bytes(broken, "c.osz");
  ASSERT_EQ(a.entries().size(), 1u);
  try {
    a.read(a.entries()[0]);
    FAIL() << "corrupt data read";
  } catch (const ArchiveError& e) {
    EXPECT_EQ(e.entry, "a.osu");
  }
}

}  // namespace
}  // namespace cartography::osz
