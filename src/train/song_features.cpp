#include "train/song_features.hpp"

#include <xxhash.h>

#include <unistd.h>

#include <cstdio>
#include <map>
#include <optional>

#include "catalog/failure.hpp"
#include "catalog/index.hpp"
#include "catalog/registry.hpp"
#include "catalog/text.hpp"
#include "osz/archive.hpp"
#include "pipeline/group_job.hpp"
#include "pipeline/stage_calls.hpp"
#include "train/feature_cache.hpp"

namespace cartography::train {
namespace {

std::string subject(const std::string& archive, const std::string& entry) { return archive + ": " + entry; }

// The split's song, as `run`'s index keys archives: its first .osu's Title and Artist,
// lowercased and stripped. An archive whose header cannot be read is a song of its own.
std::string song_key(const osz::Archive& archive, const std::string& filename) {
  try {
    auto osu = archive.osu_entries();
    if (!osu.empty()) {
      auto scan = catalog::scan_osu_header(filename, catalog::decode_utf8_replace(archive.read_text(osu.front())));
      if (scan.meta)
        return catalog::python_strip(catalog::python_lower(scan.meta->title)) + " ||| " +
               catalog::python_strip(catalog::python_lower(scan.meta->artist));
    }
  } catch (const std::exception&) {
  }
  return "archive " + filename;
}

struct Chart {
  std::string entry;
  std::string text;
};

struct UnitSource {
  std::string audio_entry;
  std::vector<uint8_t> audio;
  std::vector<Chart> charts;  // entry-name order
};

// The unit's content key: every byte its features are made of, with lengths so that no two
// different inputs concatenate alike, and the format version.
std::string content_key(const UnitSource& u) {
  XXH3_state_t* s = XXH3_createState();
  XXH3_128bits_reset(s);
  auto add = [&](const void* p, size_t n) {
    const uint64_t len = n;
    XXH3_128bits_update(s, &len, sizeof len);
    XXH3_128bits_update(s, p, n);
  };
  const uint32_t version = kFeatureFormatVersion;
  add(&version, sizeof version);
  add(u.audio.data(), u.audio.size());
  for (const Chart& c : u.charts) {
    add(c.entry.data(), c.entry.size());
    add(c.text.data(), c.text.size());
  }
  const XXH128_hash_t h = XXH3_128bits_digest(s);
  XXH3_freeState(s);
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return buf;
}

// Reads the archive's Mode-0 charts grouped by their audio entry; refusals become skips.
std::vector<UnitSource> read_units(const osz::Archive& archive, const std::string& filename, ArchiveFeatures& out) {
  for (const auto& r : archive.refused()) out.skips.push_back({"archive", subject(filename, r.name), r.reason});
  const auto registry = catalog::registry_for_archive(archive, filename, 0, 0, 0);
  const auto entry_of = [](const std::string& osu_path) { return osu_path.substr(osu_path.find('/') + 1); };
  for (const auto& k : registry.skipped) out.skips.push_back({"registry", subject(filename, entry_of(k.osu_path)), k.reason});
  if (registry.entries.empty()) {
    out.skips.push_back({"archive", filename, "no osu! standard (Mode 0) difficulty"});
    return {};
  }
  std::map<std::string, UnitSource> units;
  for (const catalog::RegistryEntry& r : registry.entries) {
    if (!r.audio_entry) {
      out.skips.push_back({"audio", subject(filename, r.entry_name), "audio file not found in the archive"});
      continue;
    }
    try {
      auto entry = archive.find(r.entry_name);
      if (!entry) throw std::runtime_error("entry vanished from the archive");
      units[*r.audio_entry].charts.push_back({r.entry_name, archive.read_text(*entry)});
    } catch (const std::exception& e) {
      out.skips.push_back({"chart", subject(filename, r.entry_name), catalog::failure_reason(e, "reading the chart")});
    }
  }
  std::vector<UnitSource> result;
  for (auto& [audio_entry, u] : units) {
    try {
      u.audio_entry = audio_entry;
      u.audio = archive.read(*archive.find(audio_entry));
      result.push_back(std::move(u));
    } catch (const std::exception& e) {
      out.skips.push_back({"audio", subject(filename, audio_entry), catalog::failure_reason(e, "reading the audio")});
    }
  }
  return result;
}

// The chart signals of the unit's charts on `frames` frames, float32 [k, 9, frames]; charts that
// fail are skipped with their reason and left out of `kept`.
std::vector<float> encode_charts(const UnitSource& u, const std::string& filename, int64_t frames,
                                 std::vector<std::string>& kept, ArchiveFeatures& out) {
  std::vector<float> signals;
  for (const Chart& c : u.charts) {
    const std::string name = subject(filename, c.entry);
    try {
      pipeline::ChartEncoding enc = pipeline::encode_chart(c.text, name, frames);
      if (auto where = pipeline::first_non_finite(enc.signal, frames)) {
        out.skips.push_back({"chart", name, "the encoding holds a non-finite value (" + *where + ")"});
        continue;
      }
      out.warnings.insert(out.warnings.end(), enc.warnings.begin(), enc.warnings.end());
      signals.insert(signals.end(), enc.signal.begin(), enc.signal.end());
      kept.push_back(c.entry);
    } catch (const std::exception& e) {
      out.skips.push_back({"chart", name, catalog::failure_reason(e, "parsing and encoding the chart")});
    }
  }
  return signals;
}

// A cached unit that validates and holds the charts that encode now; nullopt (with a warning
// when a file was there) means: build it again.
std::optional<UnitRecord> cached_unit(const UnitSource& u, const std::string& filename, const std::string& path,
                                      const std::string& key, bool verify_payload, ArchiveFeatures& out) {
  if (::access(path.c_str(), F_OK) != 0) return std::nullopt;
  ArchiveFeatures trial;  // chart outcomes are only kept when the file is used
  UnitRecord rec;
  try {
    FeatureFile f(path, verify_payload ? FeatureFile::Check::payload : FeatureFile::Check::header);
    if (f.content_key() != key) throw FeatureFileError(path, "holds content key " + f.content_key());
    encode_charts(u, filename, f.frames(), rec.chart_entries, trial);
    if (static_cast<int32_t>(rec.chart_entries.size()) != f.charts())
      throw FeatureFileError(path, "holds " + std::to_string(f.charts()) + " charts, " +
                                       std::to_string(rec.chart_entries.size()) + " encode now");
    rec.unit.frames = f.frames();
  } catch (const std::exception& e) {
    out.warnings.push_back(std::string(e.what()) + "; rebuilt");
    return std::nullopt;
  }
  out.skips.insert(out.skips.end(), trial.skips.begin(), trial.skips.end());
  out.warnings.insert(out.warnings.end(), trial.warnings.begin(), trial.warnings.end());
  return rec;
}

// Decodes, featurises and encodes the unit, writes its feature file; nullopt when it is skipped.
std::optional<UnitRecord> build_unit(const UnitSource& u, const std::string& filename, const std::string& path,
                                     const std::string& key, const CqtCallback& cqt, const PrepareOptions& options,
                                     ArchiveFeatures& out) {
  const std::string name = subject(filename, u.audio_entry);
  std::vector<float> audio;
  int64_t frames = 0;
  try {
    const std::vector<int16_t> pcm = options.decode_pcm(u.audio, name, options.max_audio_seconds);
    if (pcm.empty()) throw std::runtime_error("no audio samples decoded");
    frames = static_cast<int64_t>(pcm.size()) / 98 + 1;
    audio.resize(static_cast<size_t>(kAudioRows * frames));
    cqt(pcm.data(), static_cast<int64_t>(pcm.size()), audio.data());
    if (auto where = pipeline::first_non_finite(audio, frames))
      throw std::runtime_error("the audio features hold a non-finite value (" + *where + ")");
  } catch (const std::exception& e) {
    out.skips.push_back({"audio", name, catalog::failure_reason(e, "decoding and featurising the audio")});
    return std::nullopt;
  }
  UnitRecord rec;
  const std::vector<float> charts = encode_charts(u, filename, frames, rec.chart_entries, out);
  if (rec.chart_entries.empty()) return std::nullopt;  // each chart is a skip already
  write_feature_file(path, key, frames, audio, charts);
  rec.unit.frames = frames;
  return rec;
}

}  // namespace

ArchiveFeatures featurise_archive(const pipeline::ArchiveFile& file, const std::string& cache_dir,
                                  const CqtCallback& cqt, const PrepareOptions& options) {
  ArchiveFeatures out;
  if (!file.refused.empty()) {
    out.skips.push_back({"archive", file.name, file.refused});
    return out;
  }
  std::optional<osz::Archive> archive;
  try {
    archive.emplace(osz::Archive::open(file.path));
  } catch (const std::exception& e) {
    out.skips.push_back({"archive", file.name, catalog::failure_reason(e, "opening the archive")});
    return out;
  }
  std::vector<UnitSource> sources = read_units(*archive, file.name, out);
  const std::string song = sources.empty() ? "" : song_key(*archive, file.name);
  for (UnitSource& u : sources) {
    const std::string key = content_key(u);
    const std::string path = feature_path(cache_dir, key);
    std::optional<UnitRecord> rec = cached_unit(u, file.name, path, key, options.verify_cached_payload, out);
    if (!rec) rec = build_unit(u, file.name, path, key, cqt, options, out);
    if (!rec) continue;
    rec->song_key = song;
    rec->unit.archive = file.name;
    rec->unit.audio_entry = u.audio_entry;
    rec->unit.cache_path = path;
    rec->unit.content_key = key;
    out.units.push_back(std::move(*rec));
    u.audio = {};  // release the bytes as soon as the unit is done
  }
  return out;
}

}  // namespace cartography::train
