#include "pipeline/records.hpp"

namespace cartography::catalog {

namespace {
template <typename T>
void get_opt(const io::Json& j, const char* key, std::optional<T>& out) {
  if (j.contains(key) && !j.at(key).is_null()) out = j.at(key).get<T>();
  else out.reset();
}
template <typename T>
void put_opt(io::Json& j, const char* key, const std::optional<T>& v) {
  j[key] = io::or_null(v);
}
}  // namespace

void to_json(io::Json& j, const ArchiveMeta& v) {
  j = {{"filename", v.filename}, {"id", v.beatmapset_id}, {"hashed", v.id_from_hash}, {"title", v.title},
       {"artist", v.artist}, {"creator", v.creator}, {"mode", v.mode}, {"osu_creators", v.osu_creators}};
}
void from_json(const io::Json& j, ArchiveMeta& v) {
  v.filename = j.at("filename");
  v.beatmapset_id = j.at("id");
  v.id_from_hash = j.at("hashed");
  v.title = j.at("title");
  v.artist = j.at("artist");
  v.creator = j.at("creator");
  v.mode = j.at("mode");
  v.osu_creators = j.at("osu_creators").get<std::vector<std::string>>();
}
void to_json(io::Json& j, const ArchiveScan& v) {
  j = {{"filename", v.filename}, {"error", v.error}, {"meta", v.meta ? io::Json(*v.meta) : io::Json(nullptr)}};
}
void from_json(const io::Json& j, ArchiveScan& v) {
  v.filename = j.at("filename");
  v.error = j.at("error");
  get_opt(j, "meta", v.meta);
}
void to_json(io::Json& j, const SongGroup& v) {
  io::Json sets = io::Json::array();
  for (const auto& s : v.beatmapsets) sets.push_back({s.beatmapset_id, s.creator, s.filename});
  j = {{"title", v.title}, {"artist", v.artist}, {"key", v.match_key}, {"mappers", v.mappers}, {"sets", sets}};
}
void from_json(const io::Json& j, SongGroup& v) {
  v.title = j.at("title");
  v.artist = j.at("artist");
  v.match_key = j.at("key");
  v.mappers = j.at("mappers").get<std::vector<std::string>>();
  v.beatmapsets.clear();
  for (const auto& s : j.at("sets")) v.beatmapsets.push_back({s[0].get<int64_t>(), s[1], s[2]});
}
void to_json(io::Json& j, const RegistryEntry& v) {
  j = {{"osu_path", v.osu_path}, {"entry", v.entry_name}, {"archive", v.archive_file}, {"id", v.beatmapset_id},
       {"group", v.song_group_idx}, {"mappers", v.num_mappers_in_group}, {"rep", v.is_representative}};
  put_opt(j, "title", v.title);
  put_opt(j, "artist", v.artist);
  put_opt(j, "creator", v.creator);
  put_opt(j, "version", v.version);
  put_opt(j, "beatmap_id", v.beatmap_id);
  put_opt(j, "cs", v.cs);
  put_opt(j, "ar", v.ar);
  put_opt(j, "od", v.od);
  put_opt(j, "hp", v.hp);
  put_opt(j, "audio_path", v.audio_path);
  put_opt(j, "audio_entry", v.audio_entry);
}
void from_json(const io::Json& j, RegistryEntry& v) {
  v.osu_path = j.at("osu_path");
  v.entry_name = j.at("entry");
  v.archive_file = j.at("archive");
  v.beatmapset_id = j.at("id");
  v.song_group_idx = j.at("group");
  v.num_mappers_in_group = j.at("mappers");
  v.is_representative = j.at("rep");
  get_opt(j, "title", v.title);
  get_opt(j, "artist", v.artist);
  get_opt(j, "creator", v.creator);
  get_opt(j, "version", v.version);
  get_opt(j, "beatmap_id", v.beatmap_id);
  get_opt(j, "cs", v.cs);
  get_opt(j, "ar", v.ar);
  get_opt(j, "od", v.od);
  get_opt(j, "hp", v.hp);
  get_opt(j, "audio_path", v.audio_path);
  get_opt(j, "audio_entry", v.audio_entry);
}

}  // namespace cartography::catalog

namespace cartography::pipeline {

void to_json(io::Json& j, const Skip& v) { j = {v.stage, v.subject, v.reason}; }
void from_json(const io::Json& j, Skip& v) {
  v.stage = j[0];
  v.subject = j[1];
  v.reason = j[2];
}

io::Json outcome_metadata(const GroupOutcome& o) {
  io::Json maps = io::Json::array();
  for (const EncodedMap& m : o.maps)
    maps.push_back({{"entry", m.entry}, {"filename", m.filename}, {"frames", m.frames}, {"repairs", m.repairs},
                    {"latent_dims", m.latent_dims}, {"latent_frames", m.latent_frames}});
  return {{"group", o.song_group_idx}, {"registry", o.registry}, {"skips", o.skips},
          {"warnings", o.warnings}, {"target_L", o.target_L}, {"maps", maps}};
}

GroupOutcome outcome_from_metadata(const io::Json& j) {
  GroupOutcome o;
  o.song_group_idx = j.at("group");
  o.registry = j.at("registry").get<std::vector<catalog::RegistryEntry>>();
  o.skips = j.at("skips").get<std::vector<Skip>>();
  o.warnings = j.at("warnings").get<std::vector<std::string>>();
  o.target_L = j.at("target_L");
  for (const auto& m : j.at("maps")) {
    EncodedMap e;
    e.entry = m.at("entry").get<catalog::RegistryEntry>();
    e.filename = m.at("filename");
    e.frames = m.at("frames");
    e.repairs = m.at("repairs");
    e.latent_dims = m.at("latent_dims");
    e.latent_frames = m.at("latent_frames");
    o.maps.push_back(std::move(e));
  }
  return o;
}

std::string pack(const io::Json& value) {
  std::vector<uint8_t> bytes = io::Json::to_cbor(value);
  return std::string(bytes.begin(), bytes.end());
}

io::Json unpack(const std::string& bytes) { return io::Json::from_cbor(bytes); }

}  // namespace cartography::pipeline
