// The catalog's defences: over-long text fields refused with the field and its length, a
// refused chart name reported as such (not as "no .osu file"), and allocation failures
// described by what was being done.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <new>

#include "catalog/failure.hpp"
#include "catalog/index.hpp"
#include "catalog/registry.hpp"
#include "osz/archive.hpp"
#include "support/zip_builder.hpp"

namespace cartography::catalog {
namespace {

std::string chart(const std::string& title, const std::string& version) {
  return "osu file format v14\n\n[General]\nAudioFilename: a.mp3\nMode: 0\n\n[Metadata]\nTitle:" + title +
         "\nArtist:Someone\nCreator:mapper\nVersion:" + version + "\n\n[Difficulty]\nOverallDifficulty:5\n";
}

std::string temp_zip(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("carto_catalog_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

TEST(CatalogLimits, OverlongTitleIsNotIndexedAndSaysWhy) {
  const std::string big(kMaxTextFieldBytes + 1, 't');
  ArchiveScan scan = scan_osu_header("1.osz", chart(big, "Hard"));
  EXPECT_FALSE(scan.meta);
  EXPECT_EQ(scan.error, "first .osu: Title is 4097 bytes long (at most 4096)");
  EXPECT_TRUE(scan_osu_header("1.osz", chart(std::string(kMaxTextFieldBytes, 't'), "Hard")).meta);
}

TEST(CatalogLimits, OverlongVersionLeavesOnlyThatDifficultyOut) {
  const std::string path = temp_zip("version.osz");
  const std::string big(8 << 20, 'v');
  cartography::testing::build_zip(path, {{"a.mp3", "not audio"}, {"a [Hard].osu", chart("Song", "Hard")},
                                         {"b [Huge].osu", chart("Song", big)}});
  osz::Archive archive = osz::Archive::open(path);
  ArchiveRegistry r = registry_for_archive(archive, "7.osz", 7, 0, 2);
  std::filesystem::remove(path);
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_EQ(r.entries[0].version.value_or(""), "Hard");
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].osu_path, "7/b [Huge].osu");
  EXPECT_EQ(r.skipped[0].reason, "Version is 8388608 bytes long (at most 4096)");
}

TEST(CatalogLimits, ARefusedChartNameIsNamedInsteadOfNoOsuFile) {
  const std::string path = temp_zip("refused.osz");
  cartography::testing::build_zip(path, {{"a.mp3", "x"}, {"../only.osu", chart("Song", "Hard")}});
  ArchiveScan scan = scan_archive(path, "9.osz");
  std::filesystem::remove(path);
  EXPECT_FALSE(scan.meta);
  EXPECT_NE(scan.error.find("no usable .osu file: entry '../only.osu' was refused: "), std::string::npos) << scan.error;

  const std::string none = temp_zip("none.osz");
  cartography::testing::build_zip(none, {{"a.mp3", "x"}});
  EXPECT_EQ(scan_archive(none, "10.osz").error, "archive holds no .osu file");
  std::filesystem::remove(none);
}

TEST(FailureReason, AllocationFailuresSayWhatWasBeingDone) {
  EXPECT_EQ(failure_reason(std::bad_alloc(), "decoding the audio"), "out of memory while decoding the audio");
  EXPECT_EQ(failure_reason(std::length_error("vector"), "reading the chart"),
            "too large to hold in memory while reading the chart");
  EXPECT_EQ(failure_reason(std::runtime_error("truncated header"), "anything"), "truncated header");
}

}  // namespace
}  // namespace cartography::catalog
