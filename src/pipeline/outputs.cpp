#include "pipeline/outputs.hpp"

#include <sstream>

namespace cartography::pipeline {
namespace {
}  // namespace

io::Json manifest_json(const std::vector<GroupOutcome>& outcomes) {
  io::Json out = io::Json::array();
  for (const GroupOutcome& o : outcomes) {
    for (const EncodedMap& m : o.maps) {
      const auto& r = m.entry;
      out.push_back({{"filename", m.filename},
                     {"osu_path", r.osu_path},
                     {"beatmapset_id", r.beatmapset_id},
                     {"creator", io::or_null(r.creator)},
                     {"version", io::or_null(r.version)},
                     {"title", io::or_null(r.title)},
                     {"artist", io::or_null(r.artist)},
                     {"song_group_idx", r.song_group_idx},
                     {"od", io::or_null(r.od)},
                     {"ar", io::or_null(r.ar)},
                     {"cs", io::or_null(r.cs)},
                     {"shape", {9, m.frames}},
                     {"target_L", o.target_L}});
    }
  }
  return out;
}

io::Json latent_manifest_json(const std::vector<GroupOutcome>& outcomes) {
  io::Json rows = manifest_json(outcomes);
  io::Json out = io::Json::array();
  size_t i = 0;
  for (const GroupOutcome& o : outcomes) {
    for (const EncodedMap& m : o.maps) {
      io::Json row = rows[i++];
      if (m.latent_frames == 0) continue;  // the latent stage skipped this map (reason in the summary)
      row["latent_shape"] = {m.latent_dims, m.latent_frames};
      row["orig_L"] = m.frames;
      row["latent_l"] = m.latent_frames;
      out.push_back(std::move(row));
    }
  }
  return out;
}

io::Json summary_json(const RunCounts& c, const std::vector<Skip>& skips, const std::vector<std::string>& warnings,
                      const io::Json& timing, const std::vector<std::string>& odd_names,
                      const io::Json& checkpoint) {
  io::Json names = io::Json::array();
  for (const auto& n : odd_names) names.push_back({{"shown_as", io::utf8_display(n)}, {"bytes", io::escape_bytes(n)}});
  io::Json by_stage = io::Json::object();
  for (const Skip& s : skips) by_stage[s.stage] = by_stage.value(s.stage, 0) + 1;
  io::Json skip_list = io::Json::array();
  for (const Skip& s : skips) skip_list.push_back({{"stage", s.stage}, {"subject", s.subject}, {"reason", s.reason}});
  return {{"archives",
           {{"seen", c.archives_seen},
            {"indexed", c.archives_indexed},
            {"in_multi_mapper_groups", c.archives_in_groups},
            {"used", c.archives_used},
            // Every archive is in exactly one of these; the skips list says why for the first
            // and last (stage "index", and the archive's own skips).
            {"not_indexed", c.archives_seen - c.archives_indexed},
            {"single_mapper_song", c.archives_indexed - c.archives_in_groups},
            {"in_group_but_unused", c.archives_in_groups - c.archives_used}}},
          {"groups", {{"multi_mapper", c.groups}, {"analysed", c.groups_analysed}, {"resumed", c.groups_resumed}}},
          {"registry_entries", c.registry_entries},
          {"representatives", c.representatives},
          {"encoded", c.encoded},
          {"pairs", c.pairs},
          {"repairs", c.repairs},
          {"skips_by_stage", by_stage},
          {"skips", skip_list},
          {"warnings", warnings},
          {"non_utf8_file_names", names},
          {"checkpoint", checkpoint},
          {"timing", timing}};
}

std::string summary_text(const RunCounts& c, const std::vector<Skip>& skips, size_t warnings) {
  std::map<std::string, size_t> by_stage;
  for (const Skip& s : skips) ++by_stage[s.stage];
  std::ostringstream out;
  out << "archives: " << c.archives_seen << " seen, " << c.archives_indexed << " indexed, " << c.archives_in_groups
      << " in multi-mapper groups, " << c.archives_used << " used\n"
      << "groups: " << c.groups << " multi-mapper, " << c.groups_analysed << " analysed; representatives: "
      << c.representatives << ", resumed groups: " << c.groups_resumed << ", encoded: " << c.encoded << ", pairs: " << c.pairs << ", repairs: " << c.repairs
      << "\n";
  out << "skipped: " << skips.size();
  for (const auto& [stage, n] : by_stage) out << " (" << stage << ": " << n << ")";
  out << "; warnings: " << warnings << "\n";
  return out.str();
}

}  // namespace cartography::pipeline
