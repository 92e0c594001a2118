// A reader for the zip container that torch.save writes: every entry is stored (method 0,
// no compression), so an entry's bytes are a plain slice of the file. The file is memory-mapped
// and entries are handed out as spans, which lets a checkpoint's tensors be read lazily without
// copying the whole archive. Deflated, encrypted or split archives are refused with a clear
// error (a re-zipped checkpoint is the usual cause). No libzip: src/latent must build on
// machines that have libtorch and nothing else.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cartography::latent {

class StoredZip {
 public:
  struct Entry {
    std::string name;
    uint64_t data_offset = 0;  // first byte of the entry's data in the file
    uint64_t size = 0;
    uint32_t crc32 = 0;
  };

  // Maps `path` and reads its central directory; throws CheckpointError naming the file.
  explicit StoredZip(std::string path);
  ~StoredZip();
  StoredZip(const StoredZip&) = delete;
  StoredZip& operator=(const StoredZip&) = delete;

  const std::string& path() const { return path_; }
  const std::vector<Entry>& entries() const { return entries_; }
  const Entry* find(std::string_view name) const;

  // The entry's bytes. With verify, the CRC-32 is checked first so that a flipped byte in a
  // weight is reported instead of silently giving wrong latents.
  std::span<const std::byte> data(const Entry& entry, bool verify = true) const;

 private:
  void read_central_directory();
  [[noreturn]] void fail(const std::string& what) const;

  std::string path_;
  const std::byte* map_ = nullptr;
  uint64_t size_ = 0;
  std::vector<Entry> entries_;
  std::unordered_map<std::string, size_t> index_;
};

// CRC-32 (IEEE 802.3, the zip polynomial) of a byte range.
uint32_t crc32(std::span<const std::byte> bytes);

}  // namespace cartography::latent
