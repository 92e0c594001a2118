#include "train/feature_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <array>
#include <bit>
#include <cerrno>
#include <cmath>
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <utility>
#include <vector>

#include "train/training_data.hpp"

namespace cartography::train {
namespace {

// The file is little-endian float32; reading it back with plain loads needs a host that is too.
static_assert(std::endian::native == std::endian::little, "feature files assume a little-endian host");

constexpr char kMagic[8] = {'C', 'A', 'R', 'T', 'O', 'F', 'E', 'A'};
constexpr size_t kKeyBytes = 32;

struct Header {
  uint32_t version = 0, audio_rows = 0, chart_rows = 0, charts = 0;
  uint64_t frames = 0;
  std::string key;
  uint64_t payload_hash = 0;
};

template <class T>
void put(std::array<unsigned char, kFeatureHeaderBytes>& b, size_t at, T v) {
  std::memcpy(b.data() + at, &v, sizeof v);
}
template <class T>
T get(const std::array<unsigned char, kFeatureHeaderBytes>& b, size_t at) {
  T v;
  std::memcpy(&v, b.data() + at, sizeof v);
  return v;
}

std::array<unsigned char, kFeatureHeaderBytes> encode_header(const Header& h) {
  std::array<unsigned char, kFeatureHeaderBytes> b{};
  std::memcpy(b.data(), kMagic, sizeof kMagic);
  put(b, 8, h.version);
  put(b, 12, h.audio_rows);
  put(b, 16, h.chart_rows);
  put(b, 20, h.charts);
  put(b, 24, h.frames);
  std::memcpy(b.data() + 32, h.key.data(), std::min(h.key.size(), kKeyBytes));
  put(b, 64, h.payload_hash);
  put(b, 72, static_cast<uint64_t>(XXH3_64bits(b.data(), 72)));
  return b;
}

// Every field checked before any is used: a forged header must not steer a read or an allocation.
Header decode_header(const std::array<unsigned char, kFeatureHeaderBytes>& b, const std::string& path) {
  if (std::memcmp(b.data(), kMagic, sizeof kMagic) != 0) throw FeatureFileError(path, "not a feature file (bad magic)");
  if (get<uint64_t>(b, 72) != XXH3_64bits(b.data(), 72)) throw FeatureFileError(path, "header checksum mismatch");
  Header h;
  h.version = get<uint32_t>(b, 8);
  h.audio_rows = get<uint32_t>(b, 12);
  h.chart_rows = get<uint32_t>(b, 16);
  h.charts = get<uint32_t>(b, 20);
  h.frames = get<uint64_t>(b, 24);
  h.key.assign(reinterpret_cast<const char*>(b.data() + 32), kKeyBytes);
  h.payload_hash = get<uint64_t>(b, 64);
  if (h.version != kFeatureFormatVersion)
    throw FeatureFileError(path, "format version " + std::to_string(h.version) + ", expected " +
                                     std::to_string(kFeatureFormatVersion));
  if (h.audio_rows != kAudioRows || h.chart_rows != kChartRows)
    throw FeatureFileError(path, "rows " + std::to_string(h.audio_rows) + "/" + std::to_string(h.chart_rows) +
                                     ", expected 72/9");
  // 2^40 frames is ~200 years of audio: anything above is forged, and keeps the size below exact.
  if (h.charts < 1 || h.charts > 100000 || h.frames < 1 || h.frames > (uint64_t{1} << 40))
    throw FeatureFileError(path, "implausible dims (" + std::to_string(h.charts) + " charts, " +
                                     std::to_string(h.frames) + " frames)");
  return h;
}

int64_t payload_bytes(int64_t frames, int64_t charts) {
  return 4 * frames * (kAudioRows + kChartRows * charts);
}

std::string errno_text() { return std::strerror(errno); }

void write_all(int fd, const void* data, size_t n, const std::string& path) {
  auto* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) throw FeatureFileError(path, "write failed: " + errno_text());
    p += w;
    n -= static_cast<size_t>(w);
  }
}

// Reads exactly n bytes at `offset`; false on a short read (the file shrank).
bool read_at(int fd, void* data, size_t n, int64_t offset) {
  auto* p = static_cast<char*>(data);
  while (n > 0) {
    const ssize_t r = ::pread(fd, p, n, offset);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
    offset += r;
  }
  return true;
}

}  // namespace

FeatureFileError::FeatureFileError(const std::string& p, const std::string& reason)
    : std::runtime_error("feature file " + p + ": " + reason), path(p) {}

std::string feature_path(const std::string& cache_dir, const std::string& content_key) {
  return cache_dir + "/" + content_key.substr(0, 2) + "/" + content_key + ".feat";
}

void write_feature_file(const std::string& path, const std::string& content_key, int64_t frames,
                        std::span<const float> audio, std::span<const float> charts) {
  const int64_t k = frames > 0 ? static_cast<int64_t>(charts.size()) / (kChartRows * frames) : 0;
  if (content_key.size() != kKeyBytes || frames < 1 || k < 1 ||
      static_cast<int64_t>(audio.size()) != kAudioRows * frames ||
      static_cast<int64_t>(charts.size()) != k * kChartRows * frames)
    throw FeatureFileError(path, "inconsistent sizes given to the writer");
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec) throw FeatureFileError(path, "cannot create its folder: " + ec.message());

  Header h{kFeatureFormatVersion, kAudioRows, kChartRows, static_cast<uint32_t>(k), static_cast<uint64_t>(frames),
           content_key, 0};
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  XXH3_64bits_update(state, audio.data(), audio.size_bytes());
  XXH3_64bits_update(state, charts.data(), charts.size_bytes());
  h.payload_hash = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  const auto header = encode_header(h);

  // A unique temporary per process, so ranks that build the same unit never share one.
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw FeatureFileError(path, "cannot create " + tmp + ": " + errno_text());
  try {
    write_all(fd, header.data(), header.size(), path);
    write_all(fd, audio.data(), audio.size_bytes(), path);
    write_all(fd, charts.data(), charts.size_bytes(), path);
    if (::fsync(fd) != 0) throw FeatureFileError(path, "fsync failed: " + errno_text());
    if (::close(fd) != 0) throw FeatureFileError(path, "close failed: " + errno_text());
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = errno_text();
    ::unlink(tmp.c_str());
    throw FeatureFileError(path, "rename failed: " + why);
  }
}

FeatureFile::FeatureFile(const std::string& path, Check check) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd_ < 0) throw FeatureFileError(path, "cannot open: " + errno_text());
  try {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) throw FeatureFileError(path, "cannot stat: " + errno_text());
    if (!S_ISREG(st.st_mode)) throw FeatureFileError(path, "not a regular file");
    std::array<unsigned char, kFeatureHeaderBytes> b{};
    if (st.st_size < kFeatureHeaderBytes || !read_at(fd_, b.data(), b.size(), 0))
      throw FeatureFileError(path, "truncated header (" + std::to_string(st.st_size) + " bytes)");
    const Header h = decode_header(b, path);
    const int64_t expected = kFeatureHeaderBytes + payload_bytes(static_cast<int64_t>(h.frames), h.charts);
    if (st.st_size != expected)
      throw FeatureFileError(path, "size " + std::to_string(st.st_size) + " bytes, the header says " +
                                       std::to_string(expected) + " (truncated or appended to)");
    frames_ = static_cast<int64_t>(h.frames);
    charts_ = static_cast<int32_t>(h.charts);
    key_ = h.key;
    if (check == Check::payload) {
      XXH3_state_t* state = XXH3_createState();
      XXH3_64bits_reset(state);
      std::vector<char> block(size_t{1} << 20);
      bool ok = true;
      for (int64_t at = kFeatureHeaderBytes; at < expected && ok;) {
        const size_t n = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(block.size()), expected - at));
        ok = read_at(fd_, block.data(), n, at);
        XXH3_64bits_update(state, block.data(), n);
        at += static_cast<int64_t>(n);
      }
      const uint64_t got = XXH3_64bits_digest(state);
      XXH3_freeState(state);
      if (!ok) throw FeatureFileError(path, "short read while checking the payload");
      if (got != h.payload_hash) throw FeatureFileError(path, "payload checksum mismatch (corrupted)");
    }
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

FeatureFile::FeatureFile(FeatureFile&& o) noexcept
    : path_(std::move(o.path_)), fd_(std::exchange(o.fd_, -1)), frames_(o.frames_), charts_(o.charts_),
      key_(std::move(o.key_)) {}

FeatureFile& FeatureFile::operator=(FeatureFile&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(o.path_);
    fd_ = std::exchange(o.fd_, -1);
    frames_ = o.frames_;
    charts_ = o.charts_;
    key_ = std::move(o.key_);
  }
  return *this;
}

FeatureFile::~FeatureFile() {
  if (fd_ >= 0) ::close(fd_);
}

void FeatureFile::read_rows(int64_t first_row, int rows, int64_t start, int64_t len, float* out) const {
  if (start < 0 || len < 1 || start > frames_ || len > frames_ - start)
    throw FeatureFileError(path_, "frames [" + std::to_string(start) + ", " + std::to_string(start + len) +
                                      ") outside the file's " + std::to_string(frames_));
  for (int r = 0; r < rows; ++r) {
    float* dst = out + static_cast<int64_t>(r) * len;
    const int64_t offset = kFeatureHeaderBytes + 4 * ((first_row + r) * frames_ + start);
    if (!read_at(fd_, dst, static_cast<size_t>(4 * len), offset))
      throw FeatureFileError(path_, "short read (the file shrank after it was checked)");
    for (int64_t i = 0; i < len; ++i)
      if (!std::isfinite(dst[i]))
        throw FeatureFileError(path_, "non-finite value at row " + std::to_string(first_row + r) + ", frame " +
                                          std::to_string(start + i) + " (altered after it was checked)");
  }
}

void FeatureFile::read_audio(int64_t start, int64_t len, float* out) const {
  read_rows(0, kAudioRows, start, len, out);
}

void FeatureFile::read_chart(int32_t chart, int64_t start, int64_t len, float* out) const {
  if (chart < 0 || chart >= charts_)
    throw FeatureFileError(path_, "chart " + std::to_string(chart) + " of " + std::to_string(charts_));
  read_rows(kAudioRows + static_cast<int64_t>(chart) * kChartRows, kChartRows, start, len, out);
}

}  // namespace cartography::train
