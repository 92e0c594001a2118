#include "synth/corpus_plan.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "synth/number_format.hpp"
#include "synth/rng.hpp"
#include "synth/text_case.hpp"

namespace cartography::synth {
namespace {

// Stream labels: every random decision of the plan draws from a stream named by what it is
// for, so adding a song or an option never reshuffles the rest.
enum Stream : uint64_t { kCorpus = 1, kMapperStyle, kSong, kArchive, kIds };

constexpr const char* kLevelNames[] = {"Easy", "Normal", "Hard", "Insane", "Expert"};
constexpr double kLevelOd[] = {2.5, 4.0, 6.0, 7.5, 8.8};

std::string format(const char* fmt, int v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

// Rounded to a multiple of `step`, as the double its decimal text parses to (7.8, not
// 7.800000000000001), since these values are written into the files.
double round_to(double v, double step) { return canonical_double(std::round(v / step) * step, 12); }

MapperStyle base_style(uint64_t seed, int creator) {
  Rng r = Rng::derive(seed, {kMapperStyle, static_cast<uint64_t>(creator)});
  MapperStyle s;
  s.density = r.uniform(0.45, 0.85);
  s.slider_ratio = r.uniform(0.1, 0.6);
  for (int i = 0; i < 3; ++i) s.shape_weights[i] = r.uniform(0.2, 2.0);
  s.shape_weights[3] = r.uniform(0.0, 0.5);
  s.catmull = r.chance(0.1) ? 0.3 : 0.0;
  s.spacing = r.uniform(70, 200);
  s.flow = static_cast<int>(r.integer(0, 2));
  static const std::vector<int> combos = {0, 4, 6, 8, 8, 12};
  s.combo_length = r.pick(combos);
  s.whistle = r.uniform(0.0, 0.3);
  s.finish = r.uniform(0.1, 0.8);
  s.clap = r.uniform(0.0, 0.8);
  static const std::vector<double> multipliers = {1.0, 1.2, 1.4, 1.6, 1.8, 2.0, 2.4};
  s.slider_multiplier = r.pick(multipliers);
  s.tick_rate = r.chance(0.3) ? 2 : 1;
  s.sv_changes = r.uniform(0.0, 0.5);
  s.spinner_rate = r.uniform(0.0, 0.08);
  s.break_chance = r.uniform(0.0, 0.6);
  s.long_slider_syntax = r.chance(0.4);
  s.crlf = r.chance(0.7);
  s.bom = r.chance(0.1);
  return s;
}

MapperStyle jitter(MapperStyle s, Rng& r) {
  s.density = std::clamp(s.density * r.uniform(0.9, 1.1), 0.2, 0.95);
  s.spacing *= r.uniform(0.9, 1.1);
  s.slider_ratio = std::clamp(s.slider_ratio * r.uniform(0.85, 1.15), 0.0, 0.8);
  return s;
}

AudioVariant plan_audio(Rng& r, int variant) {
  // Real uploads are mostly 44.1 kHz stereo; rates and channel counts vary here to exercise
  // the resampler and the decoders, and lean small, which keeps corpora light and encoding
  // (the generator's main cost, Vorbis especially) fast.
  AudioVariant a;
  a.codec = r.chance(0.65) ? AudioCodec::mp3 : AudioCodec::vorbis;
  if (a.codec == AudioCodec::mp3) {
    static const std::vector<int> rates = {22050, 32000, 44100, 44100, 48000};
    a.sample_rate = r.pick(rates);
    a.channels = r.chance(0.5) ? 1 : 2;
    static const std::vector<int> bitrates = {64, 96, 96, 128};
    a.bitrate_kbps = r.chance(0.25) ? 0 : r.pick(bitrates) / (a.channels == 1 ? 2 : 1);
    a.quality = static_cast<double>(r.integer(5, 8));
    a.xing = !r.chance(0.15);
  } else {
    static const std::vector<int> rates = {22050, 22050, 32000, 44100};
    a.sample_rate = r.pick(rates);
    a.channels = r.chance(0.65) ? 1 : 2;
    a.bitrate_kbps = 0;
    a.quality = static_cast<double>(r.integer(-1, 2));
  }
  a.tail_s = round_to(r.uniform(-0.4, 0.8), 0.001);
  static const std::vector<std::string> stems = {"audio", "audio", "song", "Audio", "track"};
  a.entry_name = r.pick(stems) + (variant > 0 && r.chance(0.3) ? format("_%d", variant) : "") +
                 (a.codec == AudioCodec::mp3 ? ".mp3" : ".ogg");
  return a;
}

SongPlan plan_song(uint64_t seed, int index, const SynthOptions& o, int variants) {
  Rng r = Rng::derive(seed, {kSong, static_cast<uint64_t>(index)});
  SongPlan s;
  s.index = index;
  if (r.chance(0.15)) {
    s.title = format("Chanson Synth\xC3\xA9tique %03d", index);
    s.artist = format("\xC3\x89lodie %d", index % 10);
  } else {
    s.title = format("Synthetic Song %03d", index);
    s.artist = format("Artist %d", index % 10);
  }
  s.bpm = round_to(r.uniform(90, 210), 0.5);
  s.beat_length = canonical_double(60000.0 / s.bpm, 12);
  s.offset_ms = static_cast<int>(r.integer(0, 1200));
  s.beats_per_bar = r.chance(0.1) ? 3 : 4;
  s.duration_s = round_to(o.duration_s * r.uniform(0.85, 1.15), 0.001);
  s.music_seed = r.next();
  for (int v = 0; v < variants; ++v) s.audio.push_back(plan_audio(r, v));
  return s;
}

std::vector<DifficultyPlan> plan_difficulties(Rng& r, const std::string& creator,
                                              const std::vector<std::string>& pool, int naming) {
  std::vector<DifficultyPlan> out;
  const int top = static_cast<int>(r.integer(1, 4));
  const int count = static_cast<int>(r.integer(1, std::min(4, top + 1)));
  for (int level = top - count + 1; level <= top; ++level) {
    DifficultyPlan d;
    d.level = level;
    d.version = naming == 1   ? creator + "'s " + kLevelNames[level]
                : naming == 2 ? std::string(kLevelNames[level]) + " " + std::to_string(level)
                              : std::string(kLevelNames[level]);
    static const std::vector<double> od_jitter = {-0.5, 0.0, 0.0, 0.3, 0.5};
    d.od = std::clamp(round_to(kLevelOd[level] + r.pick(od_jitter), 0.1), 0.0, 10.0);
    d.ar = std::min(10.0, round_to(d.od + r.uniform(0.5, 1.5), 0.1));
    d.cs = round_to(r.uniform(3.0, 3.5) + 0.3 * level, 0.5);
    d.hp = round_to(r.uniform(3.0, 7.0), 0.5);
    d.creator = creator;
    out.push_back(d);
  }
  // Equal ODs: the reference then keeps the first difficulty in registry order.
  if (out.size() >= 2 && r.chance(0.05)) out[out.size() - 2].od = out.back().od;
  // A guest difficulty: one of the easier ones charted by someone else.
  if (out.size() >= 2 && r.chance(0.08)) {
    std::string guest = r.pick(pool);
    if (guest != creator) {
      DifficultyPlan& d = out[static_cast<size_t>(r.integer(0, static_cast<int64_t>(out.size()) - 2))];
      d.creator = guest;
      d.version = guest + "'s " + kLevelNames[d.level];
    }
  }
  // Other game modes, which the study must skip.
  if (r.chance(0.25)) {
    DifficultyPlan d;
    d.mode = static_cast<int>(r.integer(1, 3));
    static const char* names[] = {"", "Taiko Oni", "Platter", "4K Hard"};
    d.version = names[d.mode];
    d.level = 3;
    d.od = round_to(r.uniform(5, 10), 0.1);  // often above every osu! difficulty
    d.ar = d.mode == 2 ? round_to(r.uniform(7, 9), 0.1) : 5;
    d.cs = d.mode == 3 ? (r.chance(0.7) ? 4 : 7) : 4;
    d.hp = 5;
    d.creator = creator;
    out.push_back(d);
  }
  return out;
}

std::string as_written(const std::string& s, Rng& r) {
  const double u = r.uniform();
  if (u < 0.06) return upper_latin(s);
  if (u < 0.10) return lower_latin(s);
  if (u < 0.13) return s + " ";  // stripped by every reader
  return s;
}

std::string audio_reference(const std::string& entry, Rng& r) {
  if (!r.chance(0.15)) return entry;
  const std::string up = upper_latin(entry);
  return up != entry ? up : lower_latin(entry);
}

void validate(const SynthOptions& o) {
  if (o.songs < 1 || o.songs > 100000) throw std::invalid_argument("--songs must be 1..100000");
  if (o.min_mappers < 1 || o.max_mappers < o.min_mappers || o.max_mappers > 20)
    throw std::invalid_argument("mappers per song must satisfy 1 <= min <= max <= 20");
  if (!(o.duration_s >= 3 && o.duration_s <= 1800))
    throw std::invalid_argument("--duration must be 3..1800 seconds");
  if (!(o.defect_rate >= 0 && o.defect_rate <= 1))
    throw std::invalid_argument("--defects must be a fraction in [0, 1]");
}

}  // namespace

const char* defect_name(Defect d) {
  switch (d) {
    case Defect::none: return "none";
    case Defect::missing_audio: return "missing_audio";
    case Defect::truncated_audio: return "truncated_audio";
    case Defect::garbage_audio: return "garbage_audio";
    case Defect::no_mode_line: return "no_mode_line";
    case Defect::bad_mode: return "bad_mode";
    case Defect::overlapping: return "overlapping";
    case Defect::no_osu: return "no_osu";
    case Defect::missing_creator: return "missing_creator";
  }
  return "?";
}

CorpusPlan plan_corpus(const SynthOptions& o) {
  validate(o);
  CorpusPlan plan;
  Rng corpus = Rng::derive(o.seed, {kCorpus});
  const int pool_size = std::max(o.max_mappers + 2, o.songs * 3 / 4 + 4);
  std::vector<std::string> pool;
  for (int i = 0; i < pool_size; ++i) pool.push_back(format(pool_size > 100 ? "mapper_%03d" : "mapper_%02d", i));

  for (int s = 0; s < o.songs; ++s) {
    Rng r = Rng::derive(o.seed, {kArchive, static_cast<uint64_t>(s)});
    int mappers = static_cast<int>(r.integer(o.min_mappers, o.max_mappers));
    std::vector<int> creators(pool.size());
    for (size_t i = 0; i < creators.size(); ++i) creators[i] = static_cast<int>(i);
    r.shuffle(creators);
    creators.resize(static_cast<size_t>(mappers));
    // Now and then one mapper uploads the same song twice (two sets, one creator).
    if (mappers >= 2 && r.chance(0.06)) creators.push_back(creators.front());
    const int variants = std::min(mappers, static_cast<int>(r.integer(1, 3)));
    plan.songs.push_back(plan_song(o.seed, s, o, variants));
    const SongPlan& song = plan.songs.back();
    for (size_t j = 0; j < creators.size(); ++j) {
      ArchivePlan a;
      a.song = s;
      a.creator = pool[static_cast<size_t>(creators[j])];
      a.title = as_written(song.title, r);
      a.artist = as_written(song.artist, r);
      a.audio_variant = j < song.audio.size() ? static_cast<int>(j)
                                              : static_cast<int>(r.integer(0, variants - 1));
      a.audio_filename = audio_reference(song.audio[static_cast<size_t>(a.audio_variant)].entry_name, r);
      a.style = jitter(base_style(o.seed, creators[j]), r);
      const int naming = static_cast<int>(Rng::derive(o.seed, {kMapperStyle, 1000u + static_cast<uint64_t>(creators[j])}).integer(0, 5));
      a.difficulties = plan_difficulties(r, a.creator, pool, naming <= 3 ? 0 : naming - 3);
      a.audio_first = r.chance(0.6);
      if (r.chance(o.defect_rate)) a.defect = static_cast<Defect>(r.integer(1, 8));
      a.seed = r.next();
      plan.archives.push_back(std::move(a));
    }
  }

  // Ids: archives of a song are scattered, and the range straddles 100000 so that file-name
  // order and numeric order differ, as they do in real dumps.
  corpus.shuffle(plan.archives);
  Rng ids = Rng::derive(o.seed, {kIds});
  int64_t id = std::max<int64_t>(1, 100000 - 6 * static_cast<int64_t>(plan.archives.size()));
  for (auto& a : plan.archives) {
    id += ids.integer(1, 23);
    a.beatmapset_id = id;
  }
  return plan;
}

}  // namespace cartography::synth
