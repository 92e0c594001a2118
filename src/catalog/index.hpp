// The multi-mapper index (reference step 01): which archives chart the same song, grouped by
// normalised (title, artist), keeping the groups charted by at least two distinct creators.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/choices.hpp"
#include "io/json.hpp"

namespace cartography::catalog {

// Longest accepted text field of a chart (Title, Artist, Creator, Version, BeatmapID,
// AudioFilename), in bytes. Real ones are under 100; an 8 MB name is hostile. An archive whose
// first chart has a longer Title/Artist/Creator is not indexed; a difficulty with a longer field
// is left out of the registry; both with the reason.
constexpr size_t kMaxTextFieldBytes = 4096;

// Metadata of one archive, read from its first .osu entry (archive order).
struct ArchiveMeta {
  std::string filename;        // file name inside the dataset folder
  int64_t beatmapset_id = 0;
  bool id_from_hash = false;   // Ours: a non-numeric file stem gets a stable hashed id
  std::string title, artist, creator;
  long long mode = 0;
  // Creator of every .osu in the archive (filled for GroupBy::OsuCreator only: it reads them all).
  std::vector<std::string> osu_creators;
};

// One archive's scan: metadata, or the reason it cannot be indexed.
struct ArchiveScan {
  std::string filename;
  std::optional<ArchiveMeta> meta;
  std::string error;
};

struct SetRef {
  int64_t beatmapset_id = 0;
  std::string creator;
  std::string filename;
};

struct SongGroup {
  std::string title, artist;   // of the first archive seen
  std::string match_key;       // "<title> ||| <artist>", both lowercased and stripped
  std::vector<std::string> mappers;  // distinct creators, sorted
  std::vector<SetRef> beatmapsets;   // dataset (file name) order
  int num_mappers() const { return static_cast<int>(mappers.size()); }
};

// beatmapset_id from a file stem: Python's int(stem) where that works; otherwise a stable
// 62-bit FNV-1a hash of the file name (the reference crashes there).
std::pair<int64_t, bool> beatmapset_id_from_filename(const std::string& filename);

// Reads the first .osu of an .osz; never throws: failures come back in ArchiveScan::error.
ArchiveScan scan_archive(const std::string& path, const std::string& filename,
                         GroupBy group_by = GroupBy::SetCreator);
// The same on the text of that first .osu entry (decoded with replacement already).
ArchiveScan scan_osu_header(const std::string& filename, const std::string& osu_text);

// Groups scans given in dataset order; keeps groups with ≥ 2 distinct creators, stably sorted
// by that number, descending. The position in the result is the song_group_idx.
std::vector<SongGroup> build_index(const std::vector<ArchiveMeta>& archives,
                                   GroupBy group_by = GroupBy::SetCreator);

io::Json index_json(const std::vector<SongGroup>& groups);

}  // namespace cartography::catalog
