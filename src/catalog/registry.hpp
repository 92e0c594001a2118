// The beatmap registry and representatives (reference steps 02-03): every Mode-0 difficulty of
// every multi-mapper archive, and per (song, creator) the one with the highest OD.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/index.hpp"
#include "io/json.hpp"

namespace cartography::osz {
class Archive;
}

namespace cartography::catalog {

struct RegistryEntry {
  std::string osu_path;        // "<beatmapset_id>/<entry name>", never absolute
  std::string entry_name;      // the .osu entry inside the archive
  std::string archive_file;    // the .osz file name in the dataset folder
  int64_t beatmapset_id = 0;
  std::optional<std::string> title, artist, creator, version, beatmap_id;
  std::optional<double> cs, ar, od, hp;
  std::optional<std::string> audio_path;   // "<beatmapset_id>/<audio entry name>" when present
  std::optional<std::string> audio_entry;  // the audio entry inside the archive
  int song_group_idx = 0;
  int num_mappers_in_group = 0;
  bool is_representative = false;
};

// A difficulty left out of the registry, and why (non-standard mode, unreadable Mode: ...).
struct RegistrySkip {
  std::string osu_path;
  std::string reason;
};

// Warnings that keep the entry (e.g. an OD that Python's float() would refuse).
struct RegistryWarning {
  std::string osu_path;
  std::string message;
};

struct ArchiveRegistry {
  std::vector<RegistryEntry> entries;  // entry-name order
  std::vector<RegistrySkip> skipped;
  std::vector<RegistryWarning> warnings;
};

// Registry entries of one archive: its top-level .osu entries (as the reference's extraction
// and glob see them; a repeated name keeps its last copy), sorted by name, Mode 0 only.
ArchiveRegistry registry_for_archive(const osz::Archive& archive, const std::string& archive_file,
                                     int64_t beatmapset_id, int song_group_idx, int num_mappers,
                                     AudioMatch audio_match = AudioMatch::CaseInsensitive);

// Marks one representative per (song_group_idx, creator): the highest OD (missing = 0), the
// first in registry order on ties. `entries` must be in registry order.
void mark_representatives(std::vector<RegistryEntry>& entries);

// Registry order: by beatmapset_id as a string (the reference's directory order), then by
// entry name (stable otherwise).
void sort_registry(std::vector<RegistryEntry>& entries);

io::Json registry_json(const std::vector<RegistryEntry>& entries);

}  // namespace cartography::catalog
