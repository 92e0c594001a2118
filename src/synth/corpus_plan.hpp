// The whole synthetic corpus decided up front, as plain data: songs (title, artist, musical
// grid, audio renderings), and archives (beatmapset id, creator, style, difficulties,
// deliberate defects). Everything random is drawn here or from streams derived from the seed
// and stable labels, so each archive can then be built independently, in any order, on any
// thread, and still come out byte-identical for the same seed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "synth/synth_options.hpp"

namespace cartography::synth {

enum class AudioCodec { mp3, vorbis };

// One encoding of a song's audio. Archives of one song share the musical content but not
// necessarily the file: codec, rate, channels and how much tail the track keeps all vary, as
// they do between real uploads, so decoded lengths differ slightly.
struct AudioVariant {
  AudioCodec codec = AudioCodec::mp3;
  int sample_rate = 44100;
  int channels = 2;
  int bitrate_kbps = 128;    // CBR bitrate; 0 means VBR at `quality`
  double quality = 4.0;      // LAME -V level (mp3 VBR) or Vorbis -q level
  bool xing = true;          // mp3: write the LAME/Xing header (encoder delay + padding)
  double tail_s = 0.0;       // seconds added (or, negative, removed) at the end of the track
  std::string entry_name;    // the file name inside the archive
};

struct SongPlan {
  int index = 0;
  std::string title, artist;
  double bpm = 120;
  double beat_length = 500;  // ms, exactly as written in the .osu files
  int offset_ms = 0;         // first downbeat
  int beats_per_bar = 4;
  double duration_s = 45;    // nominal length, before each variant's tail
  uint64_t music_seed = 0;   // melody/rhythm of the rendered audio
  std::vector<AudioVariant> audio;
};

// A mapper's habits: the same creator keeps them across songs (with a little per-set jitter).
struct MapperStyle {
  double density = 0.6;        // share of grid slots that get an object
  double slider_ratio = 0.3;   // share of objects that are sliders
  double shape_weights[4] = {1, 1, 1, 0.2};  // linear, perfect circle, Bezier, multi-Bezier
  double catmull = 0.0;        // share of curved sliders written as old Catmull curves
  double spacing = 120;        // px per beat between consecutive objects
  int flow = 0;                // 0 smooth flow, 1 jumps, 2 tight
  int combo_length = 8;        // objects per combo (0: one combo per bar)
  double whistle = 0.1, finish = 0.3, clap = 0.3;
  double slider_multiplier = 1.4;
  int tick_rate = 1;
  double sv_changes = 0.2;     // chance of a slider-velocity section per 4 bars
  double spinner_rate = 0.05;
  double break_chance = 0.3;
  bool long_slider_syntax = false;  // edge sounds/sets written out
  bool crlf = true;
  bool bom = false;
};

enum class Defect {
  none,
  missing_audio,     // AudioFilename names a file the archive does not hold
  truncated_audio,   // the audio file is cut short (decodes shorter)
  garbage_audio,     // the audio entry holds no audio at all
  no_mode_line,      // one difficulty lacks its Mode line (the reference skips it)
  bad_mode,          // one difficulty has a non-numeric Mode
  overlapping,       // the top difficulty has an object starting inside a slider
  no_osu,            // the archive holds no .osu at all
  missing_creator,   // the first .osu has no Creator (the index rejects the archive)
};
const char* defect_name(Defect d);

struct DifficultyPlan {
  std::string version;
  int level = 1;     // 0 Easy .. 4 Extra: drives density, rhythm and spacing
  int mode = 0;      // 0 osu!, 1 taiko, 2 catch, 3 mania
  double od = 5, ar = 5, cs = 4, hp = 5;
  std::string creator;  // differs from the archive's for a guest difficulty
};

struct ArchivePlan {
  int64_t beatmapset_id = 0;
  int song = 0;
  std::string creator;
  std::string title, artist;     // as this mapper wrote them (case may differ between sets)
  int audio_variant = 0;
  std::string audio_filename;    // as written in the .osu (case may differ from the entry)
  MapperStyle style;
  std::vector<DifficultyPlan> difficulties;
  bool audio_first = true;       // entry order inside the archive
  Defect defect = Defect::none;
  uint64_t seed = 0;             // the charts' random stream

  std::string file_name() const { return std::to_string(beatmapset_id) + ".osz"; }
};

struct CorpusPlan {
  std::vector<SongPlan> songs;
  std::vector<ArchivePlan> archives;  // ordered by beatmapset id
};

// Throws std::invalid_argument for options out of range.
CorpusPlan plan_corpus(const SynthOptions& options);

}  // namespace cartography::synth
