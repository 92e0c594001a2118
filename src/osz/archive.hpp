// An .osz (or .olz) archive read in memory with libzip: nothing is extracted to disk.
// Entries keep the archive's own (central directory) order, which the index relies on
// ("the first .osu entry"). Hostile entries are refused one by one, with a reason, so the
// rest of the archive stays usable.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cartography::osz {

// Raised for an archive that cannot be read at all (missing, not a zip, corrupt directory),
// or for an entry whose bytes fail to inflate. The message names the archive (and entry).
struct ArchiveError : std::runtime_error {
  ArchiveError(std::string archive, std::string entry, const std::string& reason);
  std::string archive;
  std::string entry;
};

// Limits on what one archive may inflate to. Real sets hold a few MB of charts and at most
// ~100 MB of audio/video; anything past these is treated as a zip bomb. README, "Archives,
// checkpoints and arrays", lists them; a caller raises one by passing other limits.
struct ArchiveLimits {
  uint64_t max_entry_bytes = uint64_t(512) << 20;   // one inflated entry
  uint64_t max_total_bytes = uint64_t(2) << 30;     // all entries together (declared sizes)
  uint64_t max_entries = 20000;                     // central-directory records, directories included
  uint64_t max_ratio_bytes = uint64_t(64) << 20;    // above this size an entry must compress
  double max_ratio = 1000.0;                        // ... by less than this ratio
  uint64_t max_name_bytes = 4096;                   // an entry name (Linux's PATH_MAX)
};

struct Entry {
  std::string name;       // as Python's zipfile decodes it: UTF-8 if flagged, else CP437
  uint64_t index = 0;     // libzip index (archive order)
  uint64_t size = 0;      // declared inflated size
  uint64_t compressed_size = 0;
};

struct RefusedEntry {
  std::string name;
  std::string reason;
};

class Archive {
 public:
  // Opens a file (read-only; libzip reads only the central directory up front).
  static Archive open(const std::string& path, const ArchiveLimits& limits = {});
  // Opens an archive held in memory (used by tests and fuzzers); `label` names it in errors.
  static Archive from_bytes(std::vector<uint8_t> bytes, const std::string& label,
                            const ArchiveLimits& limits = {});

  Archive(Archive&&) noexcept;
  Archive& operator=(Archive&&) noexcept;
  ~Archive();

  const std::string& label() const { return label_; }
  // Usable entries, archive order. Directories and refused entries are not listed.
  const std::vector<Entry>& entries() const { return entries_; }
  // Entries refused with their reason: unsafe names, symbolic links and other non-regular
  // files, sizes past the limits, inconsistent sizes.
  const std::vector<RefusedEntry>& refused() const { return refused_; }
  // Directory entries (names ending in '/'): they hold no data and are not listed.
  uint64_t directories() const { return directories_; }

  // Entries whose name ends with ".osu" (case-sensitive, as the reference), archive order.
  std::vector<Entry> osu_entries() const;
  // Top-level .osu entries (no folder part), the ones the reference's extraction + glob sees.
  std::vector<Entry> top_level_osu_entries() const;
  // Case-insensitive lookup of a path inside the archive ('\\' and '/' both separate).
  std::optional<Entry> find(std::string_view name) const;

  // Inflates one entry, enforcing the limits on the bytes actually produced (declared sizes
  // can lie). Throws ArchiveError on corrupt data or a size past the limits.
  std::vector<uint8_t> read(const Entry& entry) const;
  std::string read_text(const Entry& entry) const;

 private:
  struct Impl;
  Archive(std::unique_ptr<Impl> impl, std::string label, const ArchiveLimits& limits);
  void list_entries();

  std::unique_ptr<Impl> impl_;
  std::string label_;
  ArchiveLimits limits_;
  std::vector<Entry> entries_;
  std::vector<RefusedEntry> refused_;
  uint64_t directories_ = 0;
};

// Why an entry name may not be used, or nullopt when it is safe: absolute paths, drive
// letters, ".." components and NUL bytes would escape or confuse an extraction folder.
std::optional<std::string> unsafe_name_reason(std::string_view name);

}  // namespace cartography::osz
