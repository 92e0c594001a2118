#include "latent/checkpoint/zip_writer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iomanip>
#include <sstream>

#include "latent/checkpoint/checkpoint_error.hpp"
#include "latent/checkpoint/stored_zip.hpp"

namespace cartography::latent {

namespace {

constexpr uint32_t kLocalHeader = 0x04034b50, kCentralHeader = 0x02014b50, kDataDescriptor = 0x08074b50;
constexpr uint32_t kZip64End = 0x06064b50, kZip64Locator = 0x07064b50, kEnd = 0x06054b50;
constexpr uint16_t kFlags = 0x0808;       // sizes in a data descriptor; UTF-8 names
constexpr uint16_t kZip64Version = 45;    // "version needed" of ZIP64 records
constexpr uint64_t kAlignment = 64;       // torch's kFieldAlignment
constexpr uint16_t kPaddingId = 0x4246;   // "FB", PyTorch's padding extra field
constexpr uint16_t kZip64ExtraId = 0x0001;

void put(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

// c10::hash_combine, the mixing torch uses for its serialization id.
uint64_t hash_combine(uint64_t seed, uint64_t value) {
  return seed ^ (value + 0x9e3779b9u + (seed << 6) + (seed >> 2));
}

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325u;
  for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3u;
  return h;
}

}  // namespace

TorchZipWriter::TorchZipWriter(std::string path, std::string archive, uint64_t zip64_from)
    : path_(std::move(path)), archive_(std::move(archive)), zip64_from_(zip64_from) {
  if (archive_.empty() || archive_.find('/') != std::string::npos)
    throw CheckpointError(path_, "archive name '" + archive_ + "' must be one non-empty path component");
  file_ = std::fopen(path_.c_str(), "wb");
  if (!file_) throw CheckpointError(path_, std::string("cannot create the file: ") + std::strerror(errno));
}

TorchZipWriter::~TorchZipWriter() {
  if (!finished_) abandon();
}

void TorchZipWriter::abandon() {
  if (file_) std::fclose(file_);
  file_ = nullptr;
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

void TorchZipWriter::fail(const std::string& what) {
  abandon();
  finished_ = true;  // nothing more may be written, and the destructor has nothing left to do
  throw CheckpointError(path_, what);
}

void TorchZipWriter::write(const void* data, size_t size) {
  if (!file_) fail("write after the archive was closed");
  if (size && std::fwrite(data, 1, size, file_) != size)
    fail(std::string("write failed at byte ") + std::to_string(offset_) + ": " + std::strerror(errno));
  offset_ += size;
}

void TorchZipWriter::add(std::string_view name, std::string_view text) {
  add(name, std::as_bytes(std::span<const char>(text.data(), text.size())));
}

void TorchZipWriter::add(std::string_view name, std::span<const std::byte> data) {
  if (finished_ || !file_) fail("record " + std::string(name) + " added after the archive was finished");
  Record r;
  r.name = archive_ + "/" + std::string(name);
  if (r.name.size() > 0xFFFF) fail("record name longer than 65,535 bytes");
  if (!names_.insert(r.name).second) fail("duplicate record " + r.name);
  r.offset = offset_;
  r.size = data.size();
  r.crc = crc32(data);
  const bool zip64 = r.size >= zip64_from_;

  std::string header;
  put(header, kLocalHeader, 4);
  put(header, zip64 ? kZip64Version : 0, 2);
  put(header, kFlags, 2);
  put(header, 0, 2);                     // stored
  put(header, 0, 4);                     // time, date
  put(header, 0, 4);                     // CRC: in the descriptor
  put(header, zip64 ? 0xFFFFFFFFu : 0, 4);
  put(header, zip64 ? 0xFFFFFFFFu : 0, 4);
  const uint64_t z64_extra = zip64 ? 20 : 0;
  const uint64_t unpadded = offset_ + 30 + r.name.size() + z64_extra + 4;
  const uint64_t pad = (kAlignment - unpadded % kAlignment) % kAlignment;
  put(header, r.name.size(), 2);
  put(header, z64_extra + 4 + pad, 2);
  header += r.name;
  if (zip64) {
    put(header, kZip64ExtraId, 2);
    put(header, 16, 2);
    put(header, 0, 8);  // sizes: in the descriptor
    put(header, 0, 8);
  }
  put(header, kPaddingId, 2);
  put(header, pad, 2);
  header.append(pad, 'Z');
  write(header.data(), header.size());
  write(data.data(), data.size());

  std::string descriptor;
  put(descriptor, kDataDescriptor, 4);
  put(descriptor, r.crc, 4);
  put(descriptor, r.size, zip64 ? 8 : 4);
  put(descriptor, r.size, zip64 ? 8 : 4);
  write(descriptor.data(), descriptor.size());
  records_.push_back(std::move(r));
}

void TorchZipWriter::finish() {
  if (finished_) fail("finish() called twice");
  // torch 2.x: "<20 digits: combined hash of the record names><20 digits: combined CRCs>". The
  // digits are ours (torch hashes names with std::hash); nothing reads them back but torch's
  // own bookkeeping of which file a tensor came from.
  uint64_t names = 0, crcs = 0;
  for (const Record& r : records_) {
    names = hash_combine(names, fnv1a(r.name));
    crcs = hash_combine(crcs, r.crc);
  }
  std::ostringstream id;
  id << std::setfill('0') << std::setw(20) << names << std::setw(20) << crcs;
  add(".data/serialization_id", id.str());

  const uint64_t cd_offset = offset_;
  std::string cd;
  for (const Record& r : records_) {
    const bool big_size = r.size >= zip64_from_, big_offset = r.offset >= zip64_from_;
    std::string extra;
    if (big_size || big_offset) {
      std::string values;
      if (big_size) {
        put(values, r.size, 8);
        put(values, r.size, 8);
      }
      if (big_offset) put(values, r.offset, 8);
      put(extra, kZip64ExtraId, 2);
      put(extra, values.size(), 2);
      extra += values;
    }
    put(cd, kCentralHeader, 4);
    put(cd, 0, 2);                                          // made by
    put(cd, extra.empty() ? 0 : kZip64Version, 2);          // needed
    put(cd, kFlags, 2);
    put(cd, 0, 2);
    put(cd, 0, 4);
    put(cd, r.crc, 4);
    put(cd, big_size ? 0xFFFFFFFFu : r.size, 4);
    put(cd, big_size ? 0xFFFFFFFFu : r.size, 4);
    put(cd, r.name.size(), 2);
    put(cd, extra.size(), 2);
    put(cd, 0, 2);  // comment
    put(cd, 0, 2);  // disk
    put(cd, 0, 2);  // internal attributes
    put(cd, 0, 4);  // external attributes
    put(cd, big_offset ? 0xFFFFFFFFu : r.offset, 4);
    cd += r.name;
    cd += extra;
  }
  write(cd.data(), cd.size());

  const uint64_t z64_offset = offset_, count = records_.size(), cd_size = cd.size();
  std::string end;
  put(end, kZip64End, 4);
  put(end, 44, 8);
  put(end, 0x031e, 2);  // made by (as torch writes it)
  put(end, kZip64Version, 2);
  put(end, 0, 4);
  put(end, 0, 4);
  put(end, count, 8);
  put(end, count, 8);
  put(end, cd_size, 8);
  put(end, cd_offset, 8);
  put(end, kZip64Locator, 4);
  put(end, 0, 4);
  put(end, z64_offset, 8);
  put(end, 1, 4);
  put(end, kEnd, 4);
  put(end, 0, 2);
  put(end, 0, 2);
  put(end, std::min<uint64_t>(count, 0xFFFF), 2);
  put(end, std::min<uint64_t>(count, 0xFFFF), 2);
  put(end, std::min<uint64_t>(cd_size, 0xFFFFFFFFu), 4);
  put(end, cd_offset >= zip64_from_ ? 0xFFFFFFFFu : cd_offset, 4);
  put(end, 0, 2);
  write(end.data(), end.size());

  if (std::fflush(file_) != 0 || std::ferror(file_)) fail(std::string("write failed: ") + std::strerror(errno));
  std::FILE* f = file_;
  file_ = nullptr;
  if (std::fclose(f) != 0) {
    file_ = nullptr;
    fail(std::string("closing the file failed: ") + std::strerror(errno));
  }
  finished_ = true;
}

}  // namespace cartography::latent
