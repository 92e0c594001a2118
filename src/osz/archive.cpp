#include "osz/archive.hpp"

#include <zip.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "common/checked.hpp"

namespace cartography::osz {

ArchiveError::ArchiveError(std::string archive_, std::string entry_, const std::string& reason)
    : std::runtime_error(archive_ + (entry_.empty() ? "" : ": " + entry_) + ": " + reason),
      archive(std::move(archive_)),
      entry(std::move(entry_)) {}

struct Archive::Impl {
  zip_t* zip = nullptr;
  std::vector<uint8_t> bytes;  // backing store for archives opened from memory
  uint64_t archive_bytes = 0;  // size of the whole archive: no entry's compressed data exceeds it
  ~Impl() {
    if (zip) zip_discard(zip);
  }
};

namespace {

std::string zip_error_text(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

bool is_directory(std::string_view name) { return !name.empty() && name.back() == '/'; }

// Why an entry is not a regular file, from the Unix mode its creator recorded (the upper 16
// bits of the external attributes), or nullopt. Extracting a symbolic link would yield its
// target path as the file's bytes (Python's zipfile) or a link out of the folder (unzip).
std::optional<std::string> non_regular_reason(zip_t* zip, zip_uint64_t index) {
  zip_uint8_t opsys = 0;
  zip_uint32_t attributes = 0;
  if (zip_file_get_external_attributes(zip, index, 0, &opsys, &attributes) != 0 || opsys != ZIP_OPSYS_UNIX)
    return std::nullopt;
  switch ((attributes >> 16) & 0170000u) {
    case 0:          // no type recorded
    case 0100000u:   // regular file
    case 0040000u:   // a directory by mode but not by name: Python's zipfile extracts a file
      return std::nullopt;
    case 0120000u: return "symbolic link entry (not a regular file)";
    default: return "special file entry (device, FIFO or socket; not a regular file)";
  }
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string normalise_separators(std::string_view s) {
  std::string out(s);
  std::replace(out.begin(), out.end(), '\\', '/');
  return out;
}

}  // namespace

std::optional<std::string> unsafe_name_reason(std::string_view name) {
  if (name.empty()) return "empty entry name";
  if (name.find('\0') != std::string_view::npos) return "entry name contains a NUL byte";
  std::string n = normalise_separators(name);
  if (n[0] == '/') return "absolute entry name";
  if (n.size() >= 2 && n[1] == ':' && std::isalpha(static_cast<unsigned char>(n[0])))
    return "entry name with a drive letter";
  size_t start = 0;
  while (start <= n.size()) {
    size_t end = n.find('/', start);
    if (end == std::string::npos) end = n.size();
    if (n.compare(start, end - start, "..") == 0) return "entry name escapes the archive (..)";
    start = end + 1;
  }
  return std::nullopt;
}

Archive::Archive(std::unique_ptr<Impl> impl, std::string label, const ArchiveLimits& limits)
    : impl_(std::move(impl)), label_(std::move(label)), limits_(limits) {
  list_entries();
}
Archive::Archive(Archive&&) noexcept = default;
Archive& Archive::operator=(Archive&&) noexcept = default;
Archive::~Archive() = default;

Archive Archive::open(const std::string& path, const ArchiveLimits& limits) {
  // libzip accepts a zero-byte file as an empty archive; Python's zipfile (and we) do not.
  std::error_code ec;
  if (std::filesystem::file_size(path, ec) == 0 && !ec) throw ArchiveError(path, "", "empty file (zero bytes)");
  if (!std::filesystem::is_regular_file(path, ec))
    throw ArchiveError(path, "", ec ? "cannot open archive: " + ec.message() : "not a regular file");
  int code = 0;
  auto impl = std::make_unique<Impl>();
  impl->archive_bytes = std::filesystem::file_size(path, ec);
  impl->zip = zip_open(path.c_str(), ZIP_RDONLY, &code);
  if (!impl->zip) throw ArchiveError(path, "", "cannot open archive: " + zip_error_text(code));
  return Archive(std::move(impl), path, limits);
}

Archive Archive::from_bytes(std::vector<uint8_t> bytes, const std::string& label,
                            const ArchiveLimits& limits) {
  if (bytes.empty()) throw ArchiveError(label, "", "empty file (zero bytes)");
  auto impl = std::make_unique<Impl>();
  impl->bytes = std::move(bytes);
  impl->archive_bytes = impl->bytes.size();
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source =
      zip_source_buffer_create(impl->bytes.data(), impl->bytes.size(), 0, &error);
  if (!source) {
    std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw ArchiveError(label, "", "cannot open archive: " + text);
  }
  impl->zip = zip_open_from_source(source, ZIP_RDONLY, &error);
  if (!impl->zip) {
    std::string text = zip_error_strerror(&error);
    zip_source_free(source);
    zip_error_fini(&error);
    throw ArchiveError(label, "", "cannot open archive: " + text);
  }
  zip_error_fini(&error);
  return Archive(std::move(impl), label, limits);
}

void Archive::list_entries() {
  zip_int64_t count = zip_get_num_entries(impl_->zip, 0);
  if (count < 0) throw ArchiveError(label_, "", "cannot read the central directory");
  if (static_cast<uint64_t>(count) > limits_.max_entries)
    throw ArchiveError(label_, "", "too many entries (" + std::to_string(count) + " > " +
                                       std::to_string(limits_.max_entries) + ")");
  uint64_t total = 0;
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    // ENC_STRICT decodes names as Python's zipfile does: UTF-8 when flagged, else CP437.
    if (zip_stat_index(impl_->zip, i, ZIP_FL_ENC_STRICT, &st) != 0 || !(st.valid & ZIP_STAT_NAME)) {
      refused_.push_back({"#" + std::to_string(i), "unreadable directory record"});
      continue;
    }
    std::string name = st.name;
    if (name.size() > limits_.max_name_bytes) {
      refused_.push_back({name.substr(0, 200) + "...", "entry name of " + std::to_string(name.size()) +
                                                           " bytes exceeds the limit of " +
                                                           std::to_string(limits_.max_name_bytes)});
      continue;
    }
    if (is_directory(name)) {
      ++directories_;
      continue;
    }
    if (auto why = unsafe_name_reason(name)) {
      refused_.push_back({name, *why});
      continue;
    }
    if (auto why = non_regular_reason(impl_->zip, static_cast<zip_uint64_t>(i))) {
      refused_.push_back({name, *why});
      continue;
    }
    uint64_t size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
    uint64_t csize = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
    if (csize > impl_->archive_bytes) {
      refused_.push_back({name, "compressed size " + std::to_string(csize) + " bytes exceeds the whole archive (" +
                                    std::to_string(impl_->archive_bytes) + " bytes)"});
      continue;
    }
    if ((st.valid & ZIP_STAT_COMP_METHOD) && st.comp_method == ZIP_CM_STORE && csize != size) {
      refused_.push_back({name, "stored (uncompressed) entry declares " + std::to_string(size) + " bytes but holds " +
                                    std::to_string(csize)});
      continue;
    }
    if (size > limits_.max_entry_bytes) {
      refused_.push_back({name, "inflated size " + std::to_string(size) + " bytes exceeds the limit of " +
                                    std::to_string(limits_.max_entry_bytes) + " (zip bomb?)"});
      continue;
    }
    if (size > limits_.max_ratio_bytes && size > limits_.max_ratio * double(std::max<uint64_t>(csize, 1))) {
      refused_.push_back({name, "compression ratio above " + std::to_string(int(limits_.max_ratio)) +
                                    ":1 for a large entry (zip bomb?)"});
      continue;
    }
    const auto new_total = checked::add(total, size);
    if (!new_total || *new_total > limits_.max_total_bytes) {
      refused_.push_back({name, "archive inflates past " + std::to_string(limits_.max_total_bytes) +
                                    " bytes in all (zip bomb?)"});
      continue;
    }
    total = *new_total;
    entries_.push_back({std::move(name), static_cast<uint64_t>(i), size, csize});
  }
}

std::vector<Entry> Archive::osu_entries() const {
  std::vector<Entry> out;
  for (const Entry& e : entries_)
    if (e.name.size() >= 4 && e.name.compare(e.name.size() - 4, 4, ".osu") == 0) out.push_back(e);
  return out;
}

std::vector<Entry> Archive::top_level_osu_entries() const {
  std::vector<Entry> out;
  for (const Entry& e : osu_entries())
    if (e.name.find('/') == std::string::npos) out.push_back(e);
  return out;
}

std::optional<Entry> Archive::find(std::string_view name) const {
  std::string wanted = lower_ascii(normalise_separators(name));
  while (wanted.rfind("./", 0) == 0) wanted.erase(0, 2);
  // Exact match first: an archive may hold names differing only in case. Of repeated names the
  // last is the one an extraction leaves on disk (what the reference reads); the registry lists
  // charts that way, so audio is found that way too (it took the first: a chart and its audio
  // came from different copies).
  for (auto e = entries_.rbegin(); e != entries_.rend(); ++e)
    if (normalise_separators(e->name) == normalise_separators(name)) return *e;
  for (auto e = entries_.rbegin(); e != entries_.rend(); ++e)
    if (lower_ascii(normalise_separators(e->name)) == wanted) return *e;
  return std::nullopt;
}

std::vector<uint8_t> Archive::read(const Entry& entry) const {
  zip_file_t* file = zip_fopen_index(impl_->zip, entry.index, 0);
  if (!file) throw ArchiveError(label_, entry.name, std::string("cannot open entry: ") + zip_strerror(impl_->zip));
  // Read at most one byte past the declared size: a stream longer than declared is refused.
  // The buffer grows with the bytes actually inflated, so a small entry that declares a large
  // size costs what it holds, not what it claims.
  const uint64_t cap = std::min(entry.size, limits_.max_entry_bytes);
  const size_t want = static_cast<size_t>(cap) + 1;
  std::vector<uint8_t> out(std::min<size_t>(want, size_t{1} << 20));
  uint64_t got = 0;
  while (got < want) {
    if (got == out.size()) out.resize(std::min(want, out.size() * 2));
    zip_int64_t n = zip_fread(file, out.data() + got, out.size() - got);
    if (n < 0) {
      std::string why = zip_file_strerror(file);
      zip_fclose(file);
      throw ArchiveError(label_, entry.name, "corrupt entry data: " + why);
    }
    if (n == 0) break;
    got += static_cast<uint64_t>(n);
  }
  zip_fclose(file);
  if (got > cap) throw ArchiveError(label_, entry.name, "entry inflates past its declared size (zip bomb?)");
  if (got != entry.size) throw ArchiveError(label_, entry.name, "entry is shorter than its declared size");
  out.resize(static_cast<size_t>(got));
  return out;
}

std::string Archive::read_text(const Entry& entry) const {
  std::vector<uint8_t> bytes = read(entry);
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace cartography::osz
