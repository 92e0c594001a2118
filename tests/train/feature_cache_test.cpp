// Feature files: round trip, windows by pread, and every kind of damage refused with the path.
#include <gtest/gtest.h>
#include <xxhash.h>

#include <cmath>
#include <cstring>
#include <fstream>

#include "train/feature_cache.hpp"
#include "train/training_data.hpp"
#include "train_data_support.hpp"

namespace cartography::train {
namespace {

using namespace testing;

const std::string kKey = "0123456789abcdef0123456789abcdef";

struct Written {
  std::string path;
  int64_t frames = 0;
  std::vector<float> audio, charts;
};

Written write_sample(const ScratchDir& dir, int64_t frames, int charts) {
  Written w{feature_path(dir.str(), kKey), frames, {}, {}};
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-3, 3);
  w.audio.resize(static_cast<size_t>(kAudioRows * frames));
  w.charts.resize(static_cast<size_t>(charts * kChartRows * frames));
  for (float& x : w.audio) x = u(rng);
  for (float& x : w.charts) x = u(rng);
  write_feature_file(w.path, kKey, frames, w.audio, w.charts);
  return w;
}

void patch(const std::string& path, int64_t offset, const void* bytes, size_t n) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(offset);
  f.write(static_cast<const char*>(bytes), static_cast<std::streamsize>(n));
}

// The header's own checksum recomputed after a forged field, so only the later checks can catch it.
void reseal_header(const std::string& path) {
  unsigned char h[kFeatureHeaderBytes];
  std::ifstream(path, std::ios::binary).read(reinterpret_cast<char*>(h), sizeof h);
  const uint64_t sum = XXH3_64bits(h, 72);
  patch(path, 72, &sum, sizeof sum);
}

std::string error_of(const std::string& path, FeatureFile::Check check) {
  try {
    FeatureFile f(path, check);
  } catch (const FeatureFileError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    return e.what();
  }
  return "";
}

TEST(FeatureCache, RoundTripAndWindows) {
  ScratchDir dir("fc");
  const Written w = write_sample(dir, 1000, 3);
  EXPECT_EQ(fs::file_size(w.path), static_cast<uintmax_t>(80 + 4 * 1000 * (72 + 27)));
  FeatureFile f(w.path, FeatureFile::Check::payload);
  EXPECT_EQ(f.frames(), 1000);
  EXPECT_EQ(f.charts(), 3);
  EXPECT_EQ(f.content_key(), kKey);
  std::vector<float> a(72 * 64), c(9 * 64);
  f.read_audio(936, 64, a.data());
  f.read_chart(2, 936, 64, c.data());
  for (int r = 0; r < 72; ++r)
    for (int i = 0; i < 64; ++i) ASSERT_EQ(a[r * 64 + i], w.audio[static_cast<size_t>(r * 1000 + 936 + i)]);
  for (int r = 0; r < 9; ++r)
    for (int i = 0; i < 64; ++i) ASSERT_EQ(c[r * 64 + i], w.charts[static_cast<size_t>((18 + r) * 1000 + 936 + i)]);
  EXPECT_THROW(f.read_audio(937, 64, a.data()), FeatureFileError);  // past the end
  EXPECT_THROW(f.read_chart(3, 0, 64, c.data()), FeatureFileError);  // no such chart
  EXPECT_THROW(f.read_chart(0, -1, 1, c.data()), FeatureFileError);
  // Nothing but the file itself is left in its folder (the temporary was renamed).
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(fs::path(w.path).parent_path())) ++files;
  EXPECT_EQ(files, 1);
}

TEST(FeatureCache, DamageIsRefusedNamingTheFile) {
  ScratchDir dir("fc");
  const Written w = write_sample(dir, 300, 2);
  const std::string p = w.path;
  const auto fresh = [&] { write_feature_file(p, kKey, w.frames, w.audio, w.charts); };

  fs::resize_file(p, fs::file_size(p) - 1);
  EXPECT_NE(error_of(p, FeatureFile::Check::header).find("truncated or appended"), std::string::npos);
  fs::resize_file(p, 40);
  EXPECT_NE(error_of(p, FeatureFile::Check::header).find("truncated header"), std::string::npos);

  fresh();
  patch(p, 0, "XARTOFEA", 8);
  EXPECT_NE(error_of(p, FeatureFile::Check::header).find("magic"), std::string::npos);

  fresh();
  const uint64_t frames = 301;
  patch(p, 24, &frames, sizeof frames);  // a forged dimension
  EXPECT_NE(error_of(p, FeatureFile::Check::header).find("header checksum"), std::string::npos);
  reseal_header(p);  // ... even with its checksum redone, the size gives it away
  EXPECT_NE(error_of(p, FeatureFile::Check::header).find("size"), std::string::npos);

  fresh();
  const uint32_t version = kFeatureFormatVersion + 1;
  patch(p, 8, &version, sizeof version);
  reseal_header(p);
  EXPECT_NE(error_of(p, FeatureFile::Check::header).find("version"), std::string::npos);

  fresh();
  const uint32_t huge = 0xffffffffu;
  patch(p, 20, &huge, sizeof huge);
  reseal_header(p);
  EXPECT_NE(error_of(p, FeatureFile::Check::header).find("implausible"), std::string::npos);

  fresh();
  const float nan = std::nanf("");
  patch(p, kFeatureHeaderBytes + 4 * 10, &nan, sizeof nan);  // audio row 0, frame 10
  EXPECT_EQ(error_of(p, FeatureFile::Check::header), "");  // the header alone cannot see it
  EXPECT_NE(error_of(p, FeatureFile::Check::payload).find("payload checksum"), std::string::npos);
  FeatureFile f(p, FeatureFile::Check::header);
  std::vector<float> a(72 * 20);
  try {
    f.read_audio(0, 20, a.data());
    ADD_FAILURE() << "a NaN was read back";
  } catch (const FeatureFileError& e) {
    EXPECT_NE(std::string(e.what()).find("non-finite value at row 0, frame 10"), std::string::npos) << e.what();
  }

  EXPECT_NE(error_of(dir.str() + "/missing.feat", FeatureFile::Check::header).find("cannot open"), std::string::npos);
  EXPECT_NE(error_of(dir.str(), FeatureFile::Check::header), "");  // a folder
}

TEST(FeatureCache, WriterRefusesInconsistentSizes) {
  ScratchDir dir("fc");
  std::vector<float> audio(72 * 10), charts(9 * 10 + 1);
  EXPECT_THROW(write_feature_file(dir.str() + "/x.feat", kKey, 10, audio, charts), FeatureFileError);
  EXPECT_THROW(write_feature_file(dir.str() + "/x.feat", "short", 10, audio, std::vector<float>(90)), FeatureFileError);
  EXPECT_FALSE(fs::exists(dir.str() + "/x.feat"));
}

}  // namespace
}  // namespace cartography::train
