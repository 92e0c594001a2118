// The archive reader on real fixtures and on hostile archives built here.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <zip.h>

#include <algorithm>
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

// Two entries of one name (a zip may hold them): an extraction leaves the last on disk, and the
// registry reads charts that way; audio used to come from the first copy.
TEST(Archive, FindsTheLastOfRepeatedNamesAsAnExtractionWould) {
  std::vector<unsigned char> bytes =
      build_zip(temp("repeated.osz"), {{"a.osu", "x"}, {"song.mp3", "first"}, {"song.mpX", "second"}});
  const std::string from = "song.mpX", to = "song.mp3";  // renamed in the local and central headers
  for (auto at = std::search(bytes.begin(), bytes.end(), from.begin(), from.end()); at != bytes.end();
       at = std::search(at, bytes.end(), from.begin(), from.end()))
    at = std::copy(to.begin(), to.end(), at);
  std::ofstream(temp("repeated.osz"), std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                               static_cast<std::streamsize>(bytes.size()));
  Archive a = Archive::open(temp("repeated.osz"));
  ASSERT_EQ(a.entries().size(), 3u);
  ASSERT_EQ(a.entries()[2].name, "song.mp3");
  for (const char* wanted : {"song.mp3", "SONG.mp3"}) {
    auto e = a.find(wanted);
    ASSERT_TRUE(e) << wanted;
    EXPECT_EQ(a.read_text(*e), "second") << wanted;
  }
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

// Rewrites a 32-bit field of the `k`-th central-directory record (offset from its signature).
void patch_central(std::vector<uint8_t>& zip, int k, size_t field, uint32_t value) {
  const uint8_t sig[4] = {'P', 'K', 1, 2};
  size_t at = 0;
  for (int seen = -1; seen < k; ++seen, ++at) {
    at = std::search(zip.begin() + static_cast<std::ptrdiff_t>(at), zip.end(), sig, sig + 4) - zip.begin();
    ASSERT_LT(at, zip.size()) << "no central record " << k;
  }
  --at;
  for (int i = 0; i < 4; ++i) zip[at + field + i] = static_cast<uint8_t>(value >> (8 * i));
}

// Gives entries of an archive on disk a Unix file type (external attributes), as zip -y does.
void set_unix_modes(const std::string& path, const std::vector<std::pair<std::string, uint32_t>>& modes) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), 0, &err);
  ASSERT_NE(z, nullptr);
  for (const auto& [name, mode] : modes) {
    const zip_int64_t i = zip_name_locate(z, name.c_str(), 0);
    ASSERT_GE(i, 0) << name;
    ASSERT_EQ(zip_file_set_external_attributes(z, static_cast<zip_uint64_t>(i), 0, ZIP_OPSYS_UNIX, mode << 16), 0);
  }
  ASSERT_EQ(zip_close(z), 0);
}

std::string reason_of(const Archive& a, const std::string& name) {
  for (const auto& r : a.refused())
    if (r.name == name) return r.reason;
  return "";
}

TEST(Archive, DirectoriesAreCountedNotListed) {
  build_zip(temp("dirs.osz"), {{"maps/", ""}, {"maps/a.osu", "x"}, {"sb/", ""}});
  Archive a = Archive::open(temp("dirs.osz"));
  EXPECT_EQ(a.directories(), 2u);
  ASSERT_EQ(a.entries().size(), 1u);
  EXPECT_EQ(a.entries()[0].name, "maps/a.osu");
  EXPECT_TRUE(a.refused().empty());
}

TEST(Archive, SymbolicLinksAndSpecialFilesAreRefusedWithAReason) {
  build_zip(temp("links.osz"), {{"link.osu", "/etc/passwd"}, {"fifo.mp3", ""}, {"plain.osu", "x"}, {"exec.osu", "y"}});
  set_unix_modes(temp("links.osz"), {{"link.osu", S_IFLNK | 0777}, {"fifo.mp3", S_IFIFO | 0644},
                                     {"plain.osu", S_IFREG | 0644}, {"exec.osu", 0755}});
  Archive a = Archive::open(temp("links.osz"));
  ASSERT_EQ(a.entries().size(), 2u);
  EXPECT_EQ(a.entries()[0].name, "plain.osu");
  EXPECT_EQ(a.entries()[1].name, "exec.osu");
  EXPECT_EQ(reason_of(a, "link.osu"), "symbolic link entry (not a regular file)");
  EXPECT_NE(reason_of(a, "fifo.mp3").find("special file entry"), std::string::npos);
}

TEST(Archive, OverlongEntryNamesAreRefused) {
  const std::string longname = std::string(5000, 'n') + ".osu";
  build_zip(temp("names.osz"), {{longname, "x"}, {"ok.osu", "y"}});
  Archive a = Archive::open(temp("names.osz"));
  ASSERT_EQ(a.entries().size(), 1u);
  ASSERT_EQ(a.refused().size(), 1u);
  EXPECT_EQ(a.refused()[0].reason, "entry name of 5004 bytes exceeds the limit of 4096");
  EXPECT_LT(a.refused()[0].name.size(), 300u);  // the report is not 5 KB long
}

TEST(Archive, InconsistentSizesAreRefused) {
  // A stored entry whose central record claims more bytes than it stores.
  auto stored = build_zip(temp("s.osz"), {{"a.osu", std::string(100, 'a'), true}, {"b.osu", "bb", true}});
  patch_central(stored, 0, 24, 50000);  // uncompressed size
  Archive a = Archive::from_bytes(stored, "s.osz");
  ASSERT_EQ(a.entries().size(), 1u);
  EXPECT_EQ(reason_of(a, "a.osu"), "stored (uncompressed) entry declares 50000 bytes but holds 100");

  // A compressed size larger than the archive itself.
  auto deflated = build_zip(temp("d.osz"), {{"a.osu", std::string(1000, 'a')}, {"b.osu", "bb"}});
  patch_central(deflated, 0, 20, 0x7fffffff);
  try {
    Archive b = Archive::from_bytes(deflated, "d.osz");
    EXPECT_NE(reason_of(b, "a.osu").find("exceeds the whole archive"), std::string::npos) << reason_of(b, "a.osu");
  } catch (const ArchiveError& e) {  // or libzip refuses the directory outright
    EXPECT_NE(std::string(e.what()).find("d.osz"), std::string::npos) << e.what();
  }
}

TEST(Archive, AnEntryThatDeclaresMoreThanItInflatesIsAnError) {
  // 1,000 bytes of data declared as 60 MB (under the ratio limit's threshold): reading fails on
  // the bytes it finds, having allocated for those rather than for the claim.
  auto bytes = build_zip(temp("lie.osz"), {{"a.osu", std::string(1000, 'a')}});
  patch_central(bytes, 0, 24, 60u << 20);
  Archive a = Archive::from_bytes(bytes, "lie.osz");
  ASSERT_EQ(a.entries().size(), 1u);
  EXPECT_EQ(a.entries()[0].size, 60u << 20);
  try {
    a.read(a.entries()[0]);
    FAIL() << "a short entry was read";
  } catch (const ArchiveError& e) {
    EXPECT_EQ(e.entry, "a.osu") << e.what();
  }
}

TEST(Archive, NonRegularFilesAreRefusedWithoutBlocking) {
  const std::string fifo = temp("fifo_" + std::to_string(::getpid()) + ".osz");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  try {
    Archive::open(fifo);
    ADD_FAILURE() << "a FIFO was opened";
  } catch (const ArchiveError& e) {
    EXPECT_NE(std::string(e.what()).find("not a regular file"), std::string::npos) << e.what();
  }
  std::filesystem::remove(fifo);
  EXPECT_THROW(Archive::open(::testing::TempDir()), ArchiveError);
}

}  // namespace
}  // namespace cartography::osz
