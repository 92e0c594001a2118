#include "pipeline/group_job.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "catalog/failure.hpp"
#include "catalog/text.hpp"
#include "osz/archive.hpp"
#include "pipeline/stage_calls.hpp"

namespace cartography::pipeline {
namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string set_dir_name(const catalog::SetRef& s) { return std::to_string(s.beatmapset_id); }

// The group's archives, opened once each, in registry order (set id as a string).
struct OpenArchives {
  std::map<int64_t, osz::Archive> by_id;
  std::vector<const catalog::SetRef*> order;
};

OpenArchives open_archives(const catalog::SongGroup& group, const std::string& dataset_dir,
                           GroupOutcome& out) {
  OpenArchives open;
  for (const catalog::SetRef& s : group.beatmapsets) open.order.push_back(&s);
  std::stable_sort(open.order.begin(), open.order.end(), [](const catalog::SetRef* a, const catalog::SetRef* b) {
    return set_dir_name(*a) < set_dir_name(*b);
  });
  for (const catalog::SetRef* s : open.order) {
    try {
      osz::Archive a = osz::Archive::open(dataset_dir + "/" + s->filename);
      for (const auto& r : a.refused()) out.skips.push_back({"archive", s->filename + ": " + r.name, r.reason});
      open.by_id.emplace(s->beatmapset_id, std::move(a));
    } catch (const std::exception& e) {
      out.skips.push_back({"archive", s->filename, catalog::failure_reason(e, "opening the archive")});
    }
  }
  return open;
}

void build_group_registry(const catalog::SongGroup& group, int idx, const OpenArchives& open, GroupOutcome& out,
                          catalog::AudioMatch audio_match) {
  for (const catalog::SetRef* s : open.order) {
    auto it = open.by_id.find(s->beatmapset_id);
    if (it == open.by_id.end()) continue;
    auto part = catalog::registry_for_archive(it->second, s->filename, s->beatmapset_id, idx, group.num_mappers(),
                                              audio_match);
    for (auto& k : part.skipped) out.skips.push_back({"registry", k.osu_path, k.reason});
    for (auto& w : part.warnings) out.warnings.push_back(w.osu_path + ": " + w.message);
    out.registry.insert(out.registry.end(), part.entries.begin(), part.entries.end());
  }
  catalog::sort_registry(out.registry);
  catalog::mark_representatives(out.registry);
}

// Ours: encodings keyed uniquely. The reference names files <set>_<version> and silently
// overwrites one representative with another whose version sanitises alike.
std::string unique_filename(const catalog::RegistryEntry& r, std::set<std::string>& used, GroupOutcome& out) {
  std::string base = std::to_string(r.beatmapset_id) + "_" + catalog::sanitize_version(r.version);
  std::string name = base + ".npy";
  for (int k = 2; !used.insert(name).second; ++k) {
    name = base + "__" + std::to_string(k) + ".npy";
    out.warnings.push_back(r.osu_path + ": encoding name " + base + ".npy collides with another representative; stored as " + name);
  }
  return name;
}

}  // namespace

GroupOutcome process_group(const catalog::SongGroup& group, int idx, const std::string& dataset_dir,
                           GroupTimings* timings, catalog::AudioMatch audio_match) {
  GroupTimings local;
  GroupTimings& t = timings ? *timings : local;
  GroupOutcome out;
  out.song_group_idx = idx;

  auto t0 = Clock::now();
  OpenArchives open = open_archives(group, dataset_dir, out);
  build_group_registry(group, idx, open, out, audio_match);
  t.read_s += seconds_since(t0);

  // Audio of every representative first; target_L is the minimum over those that decode,
  // including ones whose chart the parser later rejects (as the reference).
  t0 = Clock::now();
  std::vector<std::pair<const catalog::RegistryEntry*, int64_t>> with_audio;
  for (const catalog::RegistryEntry& r : out.registry) {
    if (!r.is_representative) continue;
    if (!r.audio_entry) {
      out.skips.push_back({"audio", r.osu_path, "audio file not found in the archive"});
      continue;
    }
    try {
      const osz::Archive& a = open.by_id.at(r.beatmapset_id);
      auto entry = a.find(*r.audio_entry);
      with_audio.push_back({&r, audio_frame_count(a.read(*entry), *r.audio_path)});
    } catch (const std::exception& e) {
      out.skips.push_back({"audio", r.osu_path, catalog::failure_reason(e, "decoding the audio")});
    }
  }
  t.audio_s += seconds_since(t0);
  if (with_audio.empty()) return out;
  out.target_L = std::min_element(with_audio.begin(), with_audio.end(), [](auto& a, auto& b) {
                   return a.second < b.second;
                 })->second;

  t0 = Clock::now();
  std::set<std::string> used_names;
  for (auto& [r, frames] : with_audio) {
    try {
      const osz::Archive& a = open.by_id.at(r->beatmapset_id);
      auto entry = a.find(r->entry_name);
      ChartEncoding enc = encode_chart(a.read_text(*entry), r->osu_path, out.target_L);
      if (auto where = first_non_finite(enc.signal, out.target_L)) {
        out.skips.push_back({"chart", r->osu_path, "the encoding holds a non-finite value (" + *where + ")"});
        continue;
      }
      for (const auto& w : enc.warnings) out.warnings.push_back(w);
      EncodedMap m;
      m.entry = *r;
      m.filename = unique_filename(*r, used_names, out);
      m.frames = out.target_L;
      m.signal = std::move(enc.signal);
      m.repairs = enc.repairs;
      m.onset_ms = std::move(enc.onset_ms);
      out.maps.push_back(std::move(m));
    } catch (const std::exception& e) {
      out.skips.push_back({"chart", r->osu_path, catalog::failure_reason(e, "parsing and encoding the chart")});
    }
  }
  t.encode_s += seconds_since(t0);
  return out;
}

}  // namespace cartography::pipeline
