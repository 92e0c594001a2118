#include "catalog/index.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "catalog/failure.hpp"
#include "catalog/text.hpp"
#include "osz/archive.hpp"

namespace cartography::catalog {

std::pair<int64_t, bool> beatmapset_id_from_filename(const std::string& filename) {
  std::string stem = filename;
  if (auto dot = stem.rfind('.'); dot != std::string::npos && dot > 0) stem.resize(dot);
  if (auto id = python_int(stem)) return {*id, false};
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : filename) {
    h ^= c;
    h *= 1099511628211ull;
  }
  // Kept positive and above 2^61 so hashed ids never collide with real (small) set ids.
  return {static_cast<int64_t>((h >> 2) | (uint64_t(1) << 61)), true};
}

ArchiveScan scan_osu_header(const std::string& filename, const std::string& text) {
  ArchiveScan scan{filename, std::nullopt, ""};
  auto title = match_header_value(text, "Title", false);
  auto artist = match_header_value(text, "Artist", false);
  auto creator = match_header_value(text, "Creator", false);
  if (!title || !artist || !creator) {
    scan.error = std::string("first .osu lacks ") + (!title ? "Title" : !artist ? "Artist" : "Creator");
    return scan;
  }
  for (const auto& [name, value] : {std::pair{"Title", &*title}, {"Artist", &*artist}, {"Creator", &*creator}}) {
    if (value->size() > kMaxTextFieldBytes) {
      scan.error = std::string("first .osu: ") + name + " is " + std::to_string(value->size()) +
                   " bytes long (at most " + std::to_string(kMaxTextFieldBytes) + ")";
      return scan;
    }
  }
  ArchiveMeta meta;
  meta.filename = filename;
  std::tie(meta.beatmapset_id, meta.id_from_hash) = beatmapset_id_from_filename(filename);
  meta.title = python_strip(*title);
  meta.artist = python_strip(*artist);
  meta.creator = python_strip(*creator);
  if (auto mode = match_header_run(text, "Mode", false)) {
    auto value = python_int(*mode);
    meta.mode = value ? *value : -1;  // an astronomically large mode is simply "not 0"
  }
  scan.meta = std::move(meta);
  return scan;
}

namespace {

// "No .osu" is misleading when the archive had one whose name was refused: say which and why.
std::string no_osu_reason(const osz::Archive& archive) {
  for (const osz::RefusedEntry& r : archive.refused()) {
    const std::string& n = r.name;
    if (n.size() >= 4 && n.compare(n.size() - 4, 4, ".osu") == 0)
      return "archive holds no usable .osu file: entry '" + n + "' was refused: " + r.reason;
  }
  return "archive holds no .osu file";
}

}  // namespace

ArchiveScan scan_archive(const std::string& path, const std::string& filename, GroupBy group_by) {
  try {
    osz::Archive archive = osz::Archive::open(path);
    auto osu = archive.osu_entries();
    if (osu.empty()) return {filename, std::nullopt, no_osu_reason(archive)};
    ArchiveScan scan = scan_osu_header(filename, decode_utf8_replace(archive.read_text(osu.front())));
    if (scan.meta && group_by == GroupBy::OsuCreator) {
      for (const osz::Entry& e : archive.top_level_osu_entries()) {
        auto creator = match_header_value(decode_utf8_replace(archive.read_text(e)), "Creator", true);
        if (creator) scan.meta->osu_creators.push_back(python_strip(*creator));
      }
    }
    return scan;
  } catch (const std::exception& e) {
    return {filename, std::nullopt, failure_reason(e, "reading the archive's first .osu")};
  }
}

std::vector<SongGroup> build_index(const std::vector<ArchiveMeta>& archives, GroupBy group_by) {
  std::map<std::pair<std::string, std::string>, size_t> position;
  std::vector<std::pair<SongGroup, std::set<std::string>>> songs;  // first-seen order
  for (const ArchiveMeta& a : archives) {
    std::string title_key = python_strip(python_lower(a.title));
    std::string artist_key = python_strip(python_lower(a.artist));
    auto [it, inserted] = position.try_emplace({title_key, artist_key}, songs.size());
    if (inserted) {
      SongGroup g;
      g.title = a.title;
      g.artist = a.artist;
      g.match_key = title_key + " ||| " + artist_key;
      songs.push_back({std::move(g), {}});
    }
    auto& [group, creators] = songs[it->second];
    group.beatmapsets.push_back({a.beatmapset_id, a.creator, a.filename});
    creators.insert(a.creator);
    if (group_by == GroupBy::OsuCreator) creators.insert(a.osu_creators.begin(), a.osu_creators.end());
  }
  std::vector<SongGroup> multi;
  for (auto& [group, creators] : songs) {
    if (creators.size() < 2) continue;
    group.mappers.assign(creators.begin(), creators.end());  // std::set: byte order = code point order
    multi.push_back(std::move(group));
  }
  std::stable_sort(multi.begin(), multi.end(),
                   [](const SongGroup& a, const SongGroup& b) { return a.num_mappers() > b.num_mappers(); });
  return multi;
}

io::Json index_json(const std::vector<SongGroup>& groups) {
  io::Json out = io::Json::array();
  for (const SongGroup& g : groups) {
    io::Json sets = io::Json::array();
    for (const SetRef& s : g.beatmapsets)
      sets.push_back({{"beatmapset_id", s.beatmapset_id}, {"creator", s.creator}, {"filename", s.filename}});
    out.push_back({{"title", g.title},
                   {"artist", g.artist},
                   {"match_key", g.match_key},
                   {"num_mappers", g.num_mappers()},
                   {"mappers", g.mappers},
                   {"beatmapsets", std::move(sets)}});
  }
  return out;
}

}  // namespace cartography::catalog
