// One song unit's features on disk: audio [72, L] and its k charts [k, 9, L], float32
// little-endian, behind a header that is checked before any of it is trusted. Windows are read
// with pread (one row segment at a time), so training never loads a whole song.
//
// Layout (all integers little-endian):
//   0  char[8]  magic "CARTOFEA"
//   8  u32      format version (kFeatureFormatVersion)
//   12 u32      audio rows (72)      16 u32 chart rows (9)      20 u32 charts k (>= 1)
//   24 u64      frames L (>= 1)
//   32 char[32] content key (hex, the unit's hash of audio + chart bytes + format version)
//   64 u64      XXH3-64 of the payload
//   72 u64      XXH3-64 of bytes 0..71
//   80 payload  audio rows, then chart 0 rows, chart 1 rows, ...; each row L floats
// The file size must be exactly 80 + 4·L·(72 + 9k).
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

namespace cartography::train {

// Bump when the layout, the features (the CQT) or the chart encoding change: it enters the
// content key, so old files are simply not found again.
inline constexpr uint32_t kFeatureFormatVersion = 1;
inline constexpr int64_t kFeatureHeaderBytes = 80;

// A feature file that is missing, truncated, forged or unreadable; the message names it.
struct FeatureFileError : std::runtime_error {
  FeatureFileError(const std::string& path, const std::string& reason);
  std::string path;
};

// <cache_dir>/<first two hex digits>/<content_key>.feat
std::string feature_path(const std::string& cache_dir, const std::string& content_key);

// Writes the file atomically: a temporary name beside it, fsync, then rename, so a reader sees
// the old file, no file, or the whole new one. `audio` holds 72·L floats, `charts` k·9·L.
// Throws FeatureFileError on an I/O failure (the temporary is removed).
void write_feature_file(const std::string& path, const std::string& content_key, int64_t frames,
                        std::span<const float> audio, std::span<const float> charts);

class FeatureFile {
 public:
  enum class Check { header, payload };
  // Opens and validates magic, version, dims, header checksum and exact file size; with
  // Check::payload it also streams the payload through its checksum (done when a cached file is
  // reused; training opens with Check::header). Throws FeatureFileError.
  explicit FeatureFile(const std::string& path, Check check = Check::header);
  FeatureFile(FeatureFile&&) noexcept;
  FeatureFile& operator=(FeatureFile&&) noexcept;
  FeatureFile(const FeatureFile&) = delete;
  FeatureFile& operator=(const FeatureFile&) = delete;
  ~FeatureFile();

  const std::string& path() const { return path_; }
  int64_t frames() const { return frames_; }
  int32_t charts() const { return charts_; }
  const std::string& content_key() const { return key_; }

  // Frames [start, start + len) of every audio row into out[72, len] / of chart `chart`'s rows
  // into out[9, len]. Throws FeatureFileError on a range outside the file, a short read or a
  // non-finite value (a file altered after its check).
  void read_audio(int64_t start, int64_t len, float* out) const;
  void read_chart(int32_t chart, int64_t start, int64_t len, float* out) const;

 private:
  void read_rows(int64_t first_row, int rows, int64_t start, int64_t len, float* out) const;

  std::string path_;
  int fd_ = -1;
  int64_t frames_ = 0;
  int32_t charts_ = 0;
  std::string key_;
};

}  // namespace cartography::train
