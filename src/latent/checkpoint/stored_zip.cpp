#include "latent/checkpoint/stored_zip.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <unordered_map>

#include "latent/checkpoint/checkpoint_error.hpp"

namespace cartography::latent {
namespace {

constexpr uint32_t kLocalHeader = 0x04034b50;
constexpr uint32_t kCentralHeader = 0x02014b50;
constexpr uint32_t kEndOfCentralDir = 0x06054b50;
constexpr uint32_t kZip64Locator = 0x07064b50;
constexpr uint32_t kZip64EndOfCentralDir = 0x06064b50;
constexpr uint16_t kZip64ExtraId = 0x0001;

// Little-endian field access with an explicit bound: every read is checked against the file
// size by the caller's `need`, so a truncated file cannot make us read past the mapping.
uint64_t le(const std::byte* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | std::to_integer<uint64_t>(p[i]);
  return v;
}

// Slicing-by-8 tables: table[k][b] is the CRC of byte b followed by k zero bytes, so eight
// input bytes are folded per step (a checkpoint's weights are verified at ~2 GB/s instead of
// ~0.4 GB/s byte by byte).
using CrcTables = std::array<std::array<uint32_t, 256>, 8>;

CrcTables make_crc_tables() {
  CrcTables t{};
  for (uint32_t n = 0; n < 256; ++n) {
    uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[0][n] = c;
  }
  for (uint32_t n = 0; n < 256; ++n)
    for (int k = 1; k < 8; ++k) t[k][n] = (t[k - 1][n] >> 8) ^ t[0][t[k - 1][n] & 0xFF];
  return t;
}

}  // namespace

uint32_t crc32(std::span<const std::byte> bytes) {
  static const CrcTables t = make_crc_tables();
  uint32_t c = 0xFFFFFFFFu;
  const std::byte* p = bytes.data();
  size_t n = bytes.size();
  for (; n >= 8; n -= 8, p += 8) {
    const uint32_t lo = c ^ static_cast<uint32_t>(le(p, 4));
    const uint32_t hi = static_cast<uint32_t>(le(p + 4, 4));
    c = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24] ^
        t[3][hi & 0xFF] ^ t[2][(hi >> 8) & 0xFF] ^ t[1][(hi >> 16) & 0xFF] ^ t[0][hi >> 24];
  }
  for (; n > 0; --n, ++p) c = t[0][(c ^ std::to_integer<uint32_t>(*p)) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

StoredZip::StoredZip(std::string path) : path_(std::move(path)) {
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    fail("not a regular file");
  }
  size_ = static_cast<uint64_t>(st.st_size);
  if (size_ == 0) {
    ::close(fd);
    fail("empty file, not a PyTorch checkpoint");
  }
  void* m = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (m == MAP_FAILED) fail(std::string("cannot map: ") + std::strerror(errno));
  map_ = static_cast<const std::byte*>(m);
  try {
    read_central_directory();
  } catch (...) {
    ::munmap(const_cast<std::byte*>(map_), size_);
    map_ = nullptr;
    throw;
  }
}

StoredZip::~StoredZip() {
  if (map_) ::munmap(const_cast<std::byte*>(map_), size_);
}

void StoredZip::fail(const std::string& what) const { throw CheckpointError(path_, what); }

void StoredZip::read_central_directory() {
  // The end-of-central-directory record is the last 22 bytes plus an optional comment of at
  // most 65535 bytes; scan backwards for its signature.
  const uint64_t min_eocd = 22;
  if (size_ < min_eocd) fail("truncated or not a zip archive (" + std::to_string(size_) + " bytes)");
  uint64_t eocd = UINT64_MAX;
  const uint64_t lowest = size_ > min_eocd + 65535 ? size_ - min_eocd - 65535 : 0;
  for (uint64_t p = size_ - min_eocd + 1; p-- > lowest;) {
    if (le(map_ + p, 4) == kEndOfCentralDir && p + min_eocd + le(map_ + p + 20, 2) == size_) {
      eocd = p;
      break;
    }
  }
  if (eocd == UINT64_MAX)
    fail("not a zip archive or truncated (no end-of-central-directory record); torch.save writes a zip file");
  const std::byte* e = map_ + eocd;
  if (le(e + 4, 2) != 0 || le(e + 6, 2) != 0) fail("multi-disk zip archives are not supported");
  uint64_t count = le(e + 10, 2);
  uint64_t cd_size = le(e + 12, 4);
  uint64_t cd_offset = le(e + 16, 4);

  // ZIP64: torch.save switches to it for large files; the locator sits right before the EOCD.
  if (eocd >= 20 && le(map_ + eocd - 20, 4) == kZip64Locator) {
    uint64_t z64 = le(map_ + eocd - 20 + 8, 8);
    if (z64 > size_ || size_ - z64 < 56 || le(map_ + z64, 4) != kZip64EndOfCentralDir)
      fail("corrupt ZIP64 end-of-central-directory record");
    count = le(map_ + z64 + 32, 8);
    cd_size = le(map_ + z64 + 40, 8);
    cd_offset = le(map_ + z64 + 48, 8);
  }
  if (cd_offset > size_ || cd_size > size_ - cd_offset)
    fail("truncated: the central directory (offset " + std::to_string(cd_offset) + ", " +
         std::to_string(cd_size) + " bytes) lies past the end of the file (" + std::to_string(size_) + " bytes)");

  // Every central record takes at least 46 bytes: a count beyond that is a lie, and reserving
  // for it would allocate without bound (a ZIP64 count is a 64-bit number the file chose).
  if (count > cd_size / 46)
    fail("corrupt central directory: " + std::to_string(count) + " entries declared in " + std::to_string(cd_size) +
         " bytes");
  entries_.reserve(count);
  uint64_t p = cd_offset;
  const uint64_t cd_end = cd_offset + cd_size;
  for (uint64_t i = 0; i < count; ++i) {
    if (cd_end - p < 46 || le(map_ + p, 4) != kCentralHeader)
      fail("corrupt central directory at entry " + std::to_string(i));
    const std::byte* h = map_ + p;
    const uint64_t flags = le(h + 8, 2), method = le(h + 10, 2);
    uint64_t csize = le(h + 20, 4), usize = le(h + 24, 4);
    const uint64_t name_len = le(h + 28, 2), extra_len = le(h + 30, 2), comment_len = le(h + 32, 2);
    uint64_t local = le(h + 42, 4);
    if (cd_end - p - 46 < name_len + extra_len + comment_len)
      fail("corrupt central directory at entry " + std::to_string(i));
    Entry entry;
    entry.name.assign(reinterpret_cast<const char*>(h + 46), name_len);
    entry.crc32 = static_cast<uint32_t>(le(h + 16, 4));
    // ZIP64 extra field: 64-bit values replace the 32-bit ones that are saturated, in order.
    const std::byte* field = h + 46 + name_len;
    const std::byte* fields_end = field + extra_len;
    while (fields_end - field >= 4) {
      const uint64_t id = le(field, 2), len = le(field + 2, 2);
      const std::byte* v = field + 4;
      if (static_cast<uint64_t>(fields_end - v) < len) fail("corrupt extra field of entry " + entry.name);
      if (id == kZip64ExtraId) {
        const std::byte* q = v;
        auto take = [&](uint64_t& value) {
          if (value != 0xFFFFFFFFu) return;
          if (v + len - q < 8) fail("corrupt ZIP64 field of entry " + entry.name);
          value = le(q, 8);
          q += 8;
        };
        take(usize);
        take(csize);
        take(local);
      }
      field = v + len;
    }
    if (flags & 1) fail("entry " + entry.name + " is encrypted");
    if (method != 0)
      fail("entry " + entry.name + " is compressed (zip method " + std::to_string(method) +
           "); torch.save stores entries uncompressed: was the checkpoint re-zipped?");
    if (csize != usize) fail("entry " + entry.name + " is stored but its sizes differ");
    if (local > size_ || size_ - local < 30 || le(map_ + local, 4) != kLocalHeader)
      fail("truncated or corrupt: local header of entry " + entry.name + " (offset " +
           std::to_string(local) + ") is missing");
    const uint64_t data = local + 30 + le(map_ + local + 26, 2) + le(map_ + local + 28, 2);
    if (data > size_ || size_ - data < usize)
      fail("truncated: entry " + entry.name + " (" + std::to_string(usize) + " bytes at offset " +
           std::to_string(data) + ") extends past the end of the file (" + std::to_string(size_) + " bytes)");
    entry.data_offset = data;
    entry.size = usize;
    if (!index_.emplace(entry.name, entries_.size()).second) fail("duplicate entry " + entry.name);
    entries_.push_back(std::move(entry));
    p += 46 + name_len + extra_len + comment_len;
  }
}

const StoredZip::Entry* StoredZip::find(std::string_view name) const {
  auto it = index_.find(std::string(name));
  return it == index_.end() ? nullptr : &entries_[it->second];
}

std::span<const std::byte> StoredZip::data(const Entry& entry, bool verify) const {
  std::span<const std::byte> bytes(map_ + entry.data_offset, entry.size);
  if (verify && crc32(bytes) != entry.crc32) fail("CRC mismatch in entry " + entry.name + ": the file is corrupt");
  return bytes;
}

}  // namespace cartography::latent
