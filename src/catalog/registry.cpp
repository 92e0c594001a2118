#include "catalog/registry.hpp"

#include <algorithm>
#include <map>

#include "catalog/failure.hpp"
#include "catalog/text.hpp"
#include "osz/archive.hpp"

namespace cartography::catalog {
namespace {

std::optional<std::string> field(const std::string& text, const char* name) {
  auto v = match_header_value(text, name, true);
  if (!v) return std::nullopt;
  return python_strip(*v);
}

std::optional<double> float_field(const std::string& text, const char* name, const std::string& path,
                                  std::vector<RegistryWarning>& warnings) {
  auto run = match_header_run(text, name, true);
  if (!run) return std::nullopt;
  auto value = python_float_of_run(*run);
  // The reference's float() raises here and stops the whole run; we keep the difficulty
  // with the field missing and say so.
  if (!value) warnings.push_back({path, std::string(name) + " value '" + *run + "' is not a number; treated as missing"});
  return value;
}

bool ends_with(const std::string& s, const char* suffix) {
  const std::string t(suffix);
  return s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0;
}

std::optional<osz::Entry> find_audio(const osz::Archive& archive, const std::string& name, AudioMatch match) {
  if (match == AudioMatch::CaseInsensitive) return archive.find(name);
  const auto& entries = archive.entries();
  for (auto e = entries.rbegin(); e != entries.rend(); ++e)  // the last of repeated names, as extracted
    if (e->name == name && (ends_with(e->name, ".mp3") || ends_with(e->name, ".ogg"))) return *e;
  return std::nullopt;
}


// The first text field longer than kMaxTextFieldBytes, as a reason; nullopt when none is.
std::optional<std::string> overlong_field(const std::string& text) {
  for (const char* name : {"Title", "Artist", "Creator", "Version", "BeatmapID", "AudioFilename"}) {
    auto v = match_header_value(text, name, true);
    if (v && v->size() > kMaxTextFieldBytes)
      return std::string(name) + " is " + std::to_string(v->size()) + " bytes long (at most " +
             std::to_string(kMaxTextFieldBytes) + ")";
  }
  return std::nullopt;
}

}  // namespace

ArchiveRegistry registry_for_archive(const osz::Archive& archive, const std::string& archive_file,
                                     int64_t beatmapset_id, int song_group_idx, int num_mappers,
                                     AudioMatch audio_match) {
  ArchiveRegistry out;
  // Extraction overwrote repeated names, so the last entry of a name is the one on disk.
  std::map<std::string, osz::Entry> by_name;
  for (const osz::Entry& e : archive.top_level_osu_entries()) by_name[e.name] = e;
  const std::string dir = std::to_string(beatmapset_id) + "/";
  for (const auto& [name, entry] : by_name) {
    const std::string path = dir + name;
    std::string text;
    try {
      text = decode_utf8_replace(archive.read_text(entry));
    } catch (const std::exception& e) {
      out.skipped.push_back({path, failure_reason(e, "reading the chart")});
      continue;
    }
    auto mode = field(text, "Mode");
    if (!mode) {
      out.skipped.push_back({path, "no Mode line (the reference skips these)"});
      continue;
    }
    auto mode_value = python_int(*mode);
    if (!mode_value) {
      out.skipped.push_back({path, "Mode value '" + *mode + "' is not a number"});
      continue;
    }
    if (*mode_value != 0) {
      out.skipped.push_back({path, "non-standard mode " + *mode});
      continue;
    }
    if (auto why = overlong_field(text)) {
      out.skipped.push_back({path, *why});
      continue;
    }
    RegistryEntry r;
    r.osu_path = path;
    r.entry_name = name;
    r.archive_file = archive_file;
    r.beatmapset_id = beatmapset_id;
    r.title = field(text, "Title");
    r.artist = field(text, "Artist");
    r.creator = field(text, "Creator");
    r.version = field(text, "Version");
    r.beatmap_id = field(text, "BeatmapID");
    r.cs = float_field(text, "CircleSize", path, out.warnings);
    r.ar = float_field(text, "ApproachRate", path, out.warnings);
    r.od = float_field(text, "OverallDifficulty", path, out.warnings);
    r.hp = float_field(text, "HPDrainRate", path, out.warnings);
    if (auto audio_name = field(text, "AudioFilename")) {
      if (auto audio = find_audio(archive, *audio_name, audio_match)) {
        r.audio_entry = audio->name;
        r.audio_path = dir + audio->name;
      }
    }
    r.song_group_idx = song_group_idx;
    r.num_mappers_in_group = num_mappers;
    out.entries.push_back(std::move(r));
  }
  return out;
}

void mark_representatives(std::vector<RegistryEntry>& entries) {
  std::map<std::pair<int, std::optional<std::string>>, size_t> best;
  for (size_t i = 0; i < entries.size(); ++i) {
    RegistryEntry& r = entries[i];
    r.is_representative = false;
    auto [it, inserted] = best.try_emplace({r.song_group_idx, r.creator}, i);
    if (!inserted && r.od.value_or(0.0) > entries[it->second].od.value_or(0.0)) it->second = i;
  }
  for (const auto& [key, i] : best) entries[i].is_representative = true;
}

void sort_registry(std::vector<RegistryEntry>& entries) {
  std::stable_sort(entries.begin(), entries.end(), [](const RegistryEntry& a, const RegistryEntry& b) {
    std::string ia = std::to_string(a.beatmapset_id), ib = std::to_string(b.beatmapset_id);
    if (ia != ib) return ia < ib;
    return a.entry_name < b.entry_name;
  });
}

io::Json registry_json(const std::vector<RegistryEntry>& entries) {
  io::Json out = io::Json::array();
  for (const RegistryEntry& r : entries) {
    out.push_back({{"osu_path", r.osu_path},
                   {"beatmapset_id", r.beatmapset_id},
                   {"title", io::or_null(r.title)},
                   {"artist", io::or_null(r.artist)},
                   {"creator", io::or_null(r.creator)},
                   {"version", io::or_null(r.version)},
                   {"beatmap_id", io::or_null(r.beatmap_id)},
                   {"mode", 0},
                   {"cs", io::or_null(r.cs)},
                   {"ar", io::or_null(r.ar)},
                   {"od", io::or_null(r.od)},
                   {"hp", io::or_null(r.hp)},
                   {"audio_path", io::or_null(r.audio_path)},
                   {"song_group_idx", r.song_group_idx},
                   {"num_mappers_in_group", r.num_mappers_in_group},
                   {"is_representative", r.is_representative}});
  }
  return out;
}

}  // namespace cartography::catalog
