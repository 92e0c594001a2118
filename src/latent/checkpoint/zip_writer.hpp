// The zip container torch.save writes, written natively: every record stored (no compression),
// its data starting on a 64-byte boundary (a "FB" extra field of 'Z' padding, as PyTorch's
// writer pads, so that a reader can map tensors in place), sizes and CRC-32 in a data descriptor
// after the data (general-purpose flags 0x0808), ZIP64 fields where a size or an offset does not
// fit 32 bits or there are more than 65,535 records, and always the ZIP64 end records before the
// classic one, as torch 2.7 lays it out.
//
// The file is written at exactly `path`; if anything fails, or the writer is destroyed before
// finish(), the partial file is removed. Errors are CheckpointError naming the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace cartography::latent {

class TorchZipWriter {
 public:
  // Records are named "<archive>/<name>". `zip64_from`: sizes and offsets from this value up
  // take ZIP64 fields (0xFFFFFFFF, the format's limit; tests lower it to exercise them).
  TorchZipWriter(std::string path, std::string archive = "archive", uint64_t zip64_from = 0xFFFFFFFFu);
  ~TorchZipWriter();
  TorchZipWriter(const TorchZipWriter&) = delete;
  TorchZipWriter& operator=(const TorchZipWriter&) = delete;

  void add(std::string_view name, std::span<const std::byte> data);
  void add(std::string_view name, std::string_view text);
  // Writes serialization_id (torch 2.x's .data/serialization_id: 40 digits derived from the
  // record names and CRCs), the central directory and the end records, and closes the file.
  void finish();

  const std::string& path() const { return path_; }

 private:
  struct Record {
    std::string name;
    uint64_t offset = 0, size = 0;
    uint32_t crc = 0;
  };
  void write(const void* data, size_t size);
  [[noreturn]] void fail(const std::string& what);
  void abandon();

  std::string path_, archive_;
  uint64_t zip64_from_;
  std::FILE* file_ = nullptr;
  uint64_t offset_ = 0;
  std::vector<Record> records_;
  std::unordered_set<std::string> names_;
  bool finished_ = false;
};

}  // namespace cartography::latent
