// prepare_training_corpus and merge_corpora: per-archive results assembled in one canonical
// order, so a corpus does not depend on which process featurised which archive.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <thread>
#include <tuple>

#include "audio/decode_pcm.hpp"
#include "train/song_features.hpp"
#include "train/training_data.hpp"

namespace cartography::train {
namespace {

std::vector<int16_t> decode_with_ffmpeg(std::span<const uint8_t> bytes, const std::string& name, double max_seconds) {
  audio::AudioLimits limits;
  limits.max_duration_s = max_seconds;
  return audio::decode_pcm(bytes, name, limits);
}

struct Parts {
  std::vector<UnitRecord> units;
  std::vector<TrainingSkip> skips;
  std::vector<std::string> warnings;
  int64_t archives = 0;
};

TrainingCorpus assemble(Parts parts) {
  std::sort(parts.units.begin(), parts.units.end(), [](const UnitRecord& a, const UnitRecord& b) {
    return std::tie(a.unit.archive, a.unit.audio_entry) < std::tie(b.unit.archive, b.unit.audio_entry);
  });
  // Skips keep their order within an archive (the order they were found in) but archives are sorted.
  std::stable_sort(parts.skips.begin(), parts.skips.end(), [](const TrainingSkip& a, const TrainingSkip& b) {
    return a.subject.substr(0, a.subject.find(": ")) < b.subject.substr(0, b.subject.find(": "));
  });
  TrainingCorpus c;
  std::map<std::string, int32_t> song_index;
  for (UnitRecord& r : parts.units) {
    auto [it, inserted] = song_index.try_emplace(r.song_key, static_cast<int32_t>(c.songs.size()));
    if (inserted) c.songs.push_back(r.song_key);
    r.unit.song = it->second;
    const auto unit = static_cast<int32_t>(c.units.size());
    for (size_t k = 0; k < r.chart_entries.size(); ++k)
      c.maps.push_back({unit, static_cast<int32_t>(k), r.chart_entries[k]});
    c.units.push_back(std::move(r.unit));
  }
  c.skips = std::move(parts.skips);
  c.warnings = std::move(parts.warnings);
  std::sort(c.warnings.begin(), c.warnings.end());  // they name their archive; no order of ranks
  c.archives = parts.archives;
  return c;
}

void add_corpus(Parts& parts, TrainingCorpus&& c) {
  std::vector<UnitRecord> units(c.units.size());
  for (size_t u = 0; u < c.units.size(); ++u) {
    units[u].song_key = c.songs.at(static_cast<size_t>(c.units[u].song));
    units[u].unit = std::move(c.units[u]);
  }
  for (TrainingMap& m : c.maps) units.at(static_cast<size_t>(m.unit)).chart_entries.push_back(std::move(m.entry));
  for (UnitRecord& r : units) parts.units.push_back(std::move(r));
  for (TrainingSkip& s : c.skips) parts.skips.push_back(std::move(s));
  for (std::string& w : c.warnings) parts.warnings.push_back(std::move(w));
  parts.archives += c.archives;
}

}  // namespace

std::vector<pipeline::ArchiveFile> list_training_archives(const std::string& dataset_dir) {
  return pipeline::list_archives(dataset_dir);
}

TrainingCorpus prepare_training_corpus(const std::string& dataset_dir, const std::string& cache_dir,
                                       const CqtCallback& cqt, const std::function<bool(size_t archive)>& featurise,
                                       const PrepareOptions& options) {
  const std::vector<pipeline::ArchiveFile> files = list_training_archives(dataset_dir);
  std::error_code ec;
  std::filesystem::create_directories(cache_dir, ec);
  if (ec || !std::filesystem::is_directory(cache_dir))
    throw std::runtime_error("cannot create the feature cache folder " + cache_dir + (ec ? ": " + ec.message() : ""));
  PrepareOptions opt = options;
  if (!opt.decode_pcm) opt.decode_pcm = decode_with_ffmpeg;

  std::vector<size_t> mine;
  for (size_t i = 0; i < files.size(); ++i)
    if (featurise(i)) mine.push_back(i);
  std::vector<ArchiveFeatures> results(mine.size());
  std::vector<std::exception_ptr> errors(mine.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t k; (k = next++) < mine.size();) {
      try {
        results[k] = featurise_archive(files[mine[k]], cache_dir, cqt, opt);
      } catch (...) {
        errors[k] = std::current_exception();  // a cache write failure: rethrown below, in order
      }
    }
  };
  const int threads = std::clamp(opt.threads, 1, static_cast<int>(std::max<size_t>(mine.size(), 1)));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);

  Parts parts;
  parts.archives = static_cast<int64_t>(mine.size());
  for (ArchiveFeatures& r : results) {
    for (UnitRecord& u : r.units) parts.units.push_back(std::move(u));
    for (TrainingSkip& s : r.skips) parts.skips.push_back(std::move(s));
    for (std::string& w : r.warnings) parts.warnings.push_back(std::move(w));
  }
  return assemble(std::move(parts));
}

TrainingCorpus merge_corpora(std::vector<TrainingCorpus> corpora) {
  Parts parts;
  for (TrainingCorpus& c : corpora) add_corpus(parts, std::move(c));
  return assemble(std::move(parts));
}

}  // namespace cartography::train
