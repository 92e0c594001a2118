// The training data of `cartography fit-latent`, read straight from the .osz folder (no
// preprocessing step): what the reference's generate-data + BatchedSignalDataset produce,
// as plain C++ (no MPI, no libtorch). The training loop codes against this header only.
//
//   TrainingCorpus c = prepare_training_corpus(dataset_dir, cache_dir, cqt, my_share);
//   ... gather serialize_corpus(c) of every rank, merge_corpora(...) -> the whole corpus ...
//   DataSplit split = split_by_song(whole, val_size, seed);
//   EpochPlan plan = plan_epoch(whole, split.train_maps, seq_len, batch_size, seed, epoch);
//   for b in 0..plan.batches-1: for each WindowRef w of batch_shard(plan, b, rank, ranks):
//     read_window(whole, w, seq_len, audio + i·72·seq_len, chart + i·9·seq_len)
//
// "Song unit": the difficulties of one archive that share one audio file (the reference's
// per-AudioFilename folder holding spec.pt). "Song" (the validation split's unit): the
// normalised "title ||| artist" of the archive's first .osu, the key `run`'s index groups by,
// so two archives charting the same song never straddle train and validation.
//
// Where this differs from the reference, and why:
// * Only top-level .osu entries count (what `run`'s registry sees); generate-data's rglob would
//   also take nested ones as another mapset. AudioFilename matches case-insensitively (as `run`).
// * An audio file that fails skips its unit only; generate-data returns and drops the rest of
//   the mapset.
// * Validation is split by song, not by map (random_split of map files lets the same audio sit
//   on both sides), and val_size < 1 gives at least one song where the reference raises.
// * The last incomplete batch of an epoch is dropped (DataLoader's default keeps it): every
//   optimizer step then sees batch_size windows whatever the rank count.
// * A map shorter than seq_len - 1 frames gives no window (th.arange raises there).
// * The epoch order is our own seeded shuffle (SplitMix64 + Lemire), not Python's random.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/dataset.hpp"
#include "train/feature_cache.hpp"

namespace cartography::train {

inline constexpr int kAudioRows = 72;  // CQT bins (latent::kAudioDim)
inline constexpr int kChartRows = 9;   // chart signal rows (latent::kChartDim)

// The reference's audio features of mono 16384 Hz s16 samples: writes [72, n/98 + 1] float32,
// row-major, to `out`. Throws std::runtime_error with the reason on failure. The caller wires
// it to the latent plugin's cartography_latent_cqt; tests pass a cheap fake.
// With PrepareOptions::threads > 1 it is called from several threads at once.
using CqtCallback = std::function<void(const int16_t* samples, int64_t n, float* out)>;

// Audio file bytes -> mono 16384 Hz s16 samples as the reference's ffmpeg pipe gives them;
// throws std::runtime_error (naming `name`) on undecodable audio or audio past max_seconds.
using PcmDecoder = std::function<std::vector<int16_t>(std::span<const uint8_t> bytes, const std::string& name,
                                                      double max_seconds)>;

// Something left out of the corpus, with the step that refused it and why (as `run` reports).
struct TrainingSkip {
  std::string stage;    // "archive", "registry", "audio", "chart", "cache"
  std::string subject;  // the archive file, or "<archive>: <entry>"
  std::string reason;
};

struct SongUnit {
  std::string archive;      // .osz file name in the dataset folder
  std::string audio_entry;  // the audio entry inside the archive
  int32_t song = 0;         // index into TrainingCorpus::songs
  int64_t frames = 0;       // L = n_samples / 98 + 1 (audio and every chart of the unit)
  std::string cache_path;   // the feature file (feature_cache.hpp): audio [72, L], charts [k, 9, L]
  std::string content_key;  // hash of the audio bytes, chart bytes and format version (32 hex)
};

struct TrainingMap {
  int32_t unit = 0;     // index into TrainingCorpus::units
  int32_t chart = 0;    // index of this chart inside the unit's feature file
  std::string entry;    // the .osu entry inside the archive
};

// Units in dataset (archive file name) order, then audio-entry order; maps in unit order, then
// .osu entry-name order; songs in order of first appearance. Independent of how the archives
// were shared between processes.
struct TrainingCorpus {
  std::vector<std::string> songs;  // song keys
  std::vector<SongUnit> units;
  std::vector<TrainingMap> maps;
  std::vector<TrainingSkip> skips;
  std::vector<std::string> warnings;  // kept but worth saying: a cache file rebuilt, chart repairs
  int64_t archives = 0;            // archives listed (featurised by this process, before merging)

  int64_t map_frames(size_t map) const { return units[maps[map].unit].frames; }
  int32_t map_song(size_t map) const { return units[maps[map].unit].song; }
};

struct PrepareOptions {
  // Longest audio accepted, in seconds (a longer song unit is a skip "too long"); the reference
  // has no limit but a 2 h marathon is ~600 MB of features.
  double max_audio_seconds = 2 * 3600;
  // How many archives featurise at once inside this process (CQT threads are the callback's).
  int threads = 1;
  // A cached file is reused only after its whole payload passed its checksum (a streamed read of
  // 4·L·(72 + 9k) bytes per unit, ~9 MB for a 3-minute song). false: the header, size and key
  // only; window reads still refuse non-finite values.
  bool verify_cached_payload = true;
  // Empty: src/audio's decode_pcm. Tests pass a fake.
  PcmDecoder decode_pcm;
};

// The *.osz entries of dataset_dir in file-name byte order, with sizes (for sharing the
// featurisation out by bytes) and the reason for those that are not regular files: exactly
// what `run` lists (pipeline::list_archives). Throws std::runtime_error naming the folder.
std::vector<pipeline::ArchiveFile> list_training_archives(const std::string& dataset_dir);

// Featurises the archives i (positions in list_training_archives) for which featurise(i) is
// true: every Mode-0 difficulty's chart signal and its audio's features, into cache_dir (created
// when missing), reusing a cache file whose content key matches and that validates. Never
// throws for bad input: unreadable archives, .osu or audio, archives without a Mode-0 map,
// too-long audio and unusable cache files become skips. Throws std::runtime_error only when
// dataset_dir cannot be listed or cache_dir cannot be created/written.
TrainingCorpus prepare_training_corpus(const std::string& dataset_dir, const std::string& cache_dir,
                                       const CqtCallback& cqt,
                                       const std::function<bool(size_t archive)>& featurise,
                                       const PrepareOptions& options = {});

// For exchanging corpora between processes (e.g. MPI gather to rank 0, then broadcast):
// a self-contained byte string, and back (throws std::runtime_error on a malformed string).
std::string serialize_corpus(const TrainingCorpus& corpus);
TrainingCorpus deserialize_corpus(std::string_view bytes);
// One corpus of the parts (each from disjoint archives), in the canonical order above: the
// result does not depend on how the archives were shared out. Skips are kept, sorted.
TrainingCorpus merge_corpora(std::vector<TrainingCorpus> parts);

// ---- Validation split (by song) -------------------------------------------------------------

struct DataSplit {
  std::vector<int32_t> val_songs;    // sorted
  std::vector<int32_t> train_maps;   // indices into corpus.maps, ascending
  std::vector<int32_t> val_maps;     // whole maps, validated one at a time (batch 1), ascending
};

// val_size >= 1: that many songs (rounded); 0 < val_size < 1: that fraction of the songs
// (floor, at least 1). Songs drawn by a seeded shuffle (SplitMix64 + Lemire). Throws
// std::invalid_argument when val_size <= 0 or not finite, or when no training song would remain.
DataSplit split_by_song(const TrainingCorpus& corpus, double val_size, uint64_t seed);

// ---- Windows and batches (window_plan.hpp has the frame-count-only core) --------------------

struct WindowRef {
  int32_t map = 0;     // index into corpus.maps
  int64_t start = 0;   // first frame; the window is [start, start + seq_len)
};

struct EpochPlan {
  int64_t seq_len = 0, batch_size = 0;
  std::vector<WindowRef> windows;  // epoch order, exactly batches * batch_size of them
  int64_t batches = 0;
  int64_t dropped_windows = 0;     // the last incomplete batch, dropped (the reference keeps it)
};

// The reference's windows of every map in `maps` (starts 0, seq_len, 2·seq_len, ... while
// start + seq_len <= L; a map shorter than seq_len gives none), the maps in an order shuffled
// from (seed, epoch) and each map's windows in order, cut into batches of batch_size.
// Deterministic given its arguments; the same on every rank.
EpochPlan plan_epoch(const TrainingCorpus& corpus, std::span<const int32_t> maps, int64_t seq_len,
                     int64_t batch_size, uint64_t seed, int64_t epoch);

// The contiguous part of global batch `batch` that `rank` of `ranks` processes: windows
// [rank·B/ranks, (rank+1)·B/ranks) of the batch (B = batch_size; parts differ by at most one).
std::span<const WindowRef> batch_shard(const EpochPlan& plan, int64_t batch, int rank, int ranks);

// Frames [w.start, w.start + len) of the map's audio features into audio[72, len] and its chart
// signal into chart[9, len] (a whole map for validation: start 0, len = map_frames). Opens the
// unit's feature file (header checked, and its frames and key against the corpus). Throws
// FeatureFileError naming the file.
void read_window(const TrainingCorpus& corpus, const WindowRef& w, int64_t len, float* audio, float* chart);

// A stable key per window for TrainSamples::noise_keys: mixes seed, epoch, the map's unit
// content key and chart index, and the start frame (not the rank or the position in the batch).
uint64_t window_noise_key(const TrainingCorpus& corpus, const WindowRef& w, uint64_t seed, int64_t epoch);

}  // namespace cartography::train
