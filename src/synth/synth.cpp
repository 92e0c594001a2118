#include "synth/synth.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "synth/audio_encode.hpp"
#include "synth/audio_render.hpp"
#include "synth/chart.hpp"
#include "synth/osu_writer.hpp"
#include "synth/osz_writer.hpp"
#include "synth/planted_chart.hpp"

namespace cartography::synth {
namespace {

namespace fs = std::filesystem;

// The difficulty a defect aimed at "the representative" hits: the last osu!-mode one (levels
// ascend, so it has the highest OD but for rare ties).
int top_standard(const ArchivePlan& a) {
  int top = -1;
  for (size_t i = 0; i < a.difficulties.size(); ++i)
    if (a.difficulties[i].mode == 0) top = static_cast<int>(i);
  return top;
}

std::vector<uint8_t> garbage(uint64_t seed) {
  Rng r(seed);
  std::vector<uint8_t> out(20000);
  for (auto& b : out) b = static_cast<uint8_t>(r.next() >> 56);
  return out;
}

class ArchiveBuilder {
 public:
  ArchiveBuilder(const SongPlan& song, const ArchivePlan& a, const std::vector<uint8_t>& audio,
                 const PlantedSpec& planted)
      : song_(song), a_(a), audio_(audio), planted_(planted) {}

  ArchiveRecord build(const std::string& out_dir) {
    const AudioVariant& variant = song_.audio[static_cast<size_t>(a_.audio_variant)];
    record_ = {a_.file_name(), a_.beatmapset_id, a_.song, a_.creator, a_.title, a_.artist,
               {}, a_.audio_filename, a_.audio_variant, variant_seconds(song_, variant),
               defect_name(a_.defect), {}, 0, {}};
    std::vector<ZipEntry> osu = charts(variant);
    std::vector<ZipEntry> entries;
    if (a_.audio_first) add_audio(entries, variant);
    for (auto& e : osu) entries.push_back(std::move(e));
    if (!a_.audio_first) add_audio(entries, variant);
    const std::string path = (fs::path(out_dir) / a_.file_name()).string();
    write_zip(path, entries);
    record_.bytes = static_cast<int64_t>(fs::file_size(path));
    return std::move(record_);
  }

 private:
  void add_audio(std::vector<ZipEntry>& entries, const AudioVariant& variant) {
    if (a_.defect == Defect::missing_audio) return;
    ZipEntry e{variant.entry_name, audio_, false};
    if (a_.defect == Defect::truncated_audio) e.bytes.resize(e.bytes.size() * 2 / 5);
    if (a_.defect == Defect::garbage_audio) e.bytes = garbage(a_.seed);
    record_.audio_entry = e.name;
    entries.push_back(std::move(e));
  }

  // One .osu per difficulty, in the archive's entry order (name order, or shuffled as some
  // exporters leave them).
  std::vector<ZipEntry> charts(const AudioVariant& variant) {
    if (a_.defect == Defect::no_osu) return {};
    Rng order_rng = Rng::derive(a_.seed, {0xD1FFu});
    std::vector<size_t> order(a_.difficulties.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    if (order_rng.chance(0.5)) {
      order_rng.shuffle(order);
    } else {
      std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
        return osu_file_name(a_, a_.difficulties[x]) < osu_file_name(a_, a_.difficulties[y]);
      });
    }
    const int top = top_standard(a_);
    const double tail_ms = planted_.active() ? kPlantedTailMs : 1500.0;
    const double end_ms = variant_seconds(song_, variant) * 1000.0 - tail_ms;
    std::vector<ZipEntry> out;
    for (size_t k = 0; k < order.size(); ++k) {
      const size_t i = order[k];
      const DifficultyPlan& d = a_.difficulties[i];
      const bool is_top = static_cast<int>(i) == top;
      Rng rng = Rng::derive(a_.seed, {i + 1});
      const ChartRequest chart_request{&song_, &a_.style, &d, end_ms, is_top && a_.defect == Defect::overlapping};
      const ChartText chart = planted_.active() && d.mode == 0 ? make_planted_chart(chart_request, planted_, rng.next())
                                                               : make_chart(chart_request, rng);
      OsuFileRequest req{&song_, &a_, &d, &chart, a_.beatmapset_id * 16 + static_cast<int64_t>(i)};
      req.omit_mode = is_top && a_.defect == Defect::no_mode_line;
      req.bad_mode = is_top && a_.defect == Defect::bad_mode;
      req.omit_creator = k == 0 && a_.defect == Defect::missing_creator;
      const std::string text = osu_text(req);
      const bool chart_defect = is_top && (a_.defect == Defect::no_mode_line || a_.defect == Defect::bad_mode ||
                                           a_.defect == Defect::overlapping);
      if (chart_defect || req.omit_creator) record_.defect_file = osu_file_name(a_, d);
      out.push_back({osu_file_name(a_, d), std::vector<uint8_t>(text.begin(), text.end()), true});
      record_.difficulties.push_back({out.back().name, d.version, d.creator, d.mode, d.od, d.ar, d.cs, d.hp,
                                      chart.circles, chart.sliders, chart.spinners,
                                      !req.omit_mode && !req.bad_mode});
    }
    return out;
  }

  const SongPlan& song_;
  const ArchivePlan& a_;
  const std::vector<uint8_t>& audio_;
  const PlantedSpec& planted_;
  ArchiveRecord record_;
};

struct SongWork {
  std::vector<size_t> archives;  // indices into plan.archives
};

void build_song(const CorpusPlan& plan, const PlantedSpec& planted, int s, const SongWork& work,
                const std::string& out_dir, std::vector<ArchiveRecord>& records, std::atomic<int>& encodings) {
  const SongPlan& song = plan.songs[static_cast<size_t>(s)];
  std::map<int, std::vector<uint8_t>> audio;
  for (size_t i : work.archives) {
    const int v = plan.archives[i].audio_variant;
    if (audio.count(v)) continue;
    const AudioVariant& variant = song.audio[static_cast<size_t>(v)];
    audio[v] = encode_audio(render_song(song, variant), variant);
    ++encodings;
  }
  for (size_t i : work.archives) {
    const ArchivePlan& a = plan.archives[i];
    records[i] = ArchiveBuilder(song, a, audio[a.audio_variant], planted).build(out_dir);
  }
}

}  // namespace

SynthReport generate_corpus(const SynthOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const CorpusPlan plan = plan_corpus(options);
  const PlantedSpec planted = parse_planted(options.planted);
  fs::create_directories(options.out_dir);

  std::vector<SongWork> songs(plan.songs.size());
  for (size_t i = 0; i < plan.archives.size(); ++i)
    songs[static_cast<size_t>(plan.archives[i].song)].archives.push_back(i);

  std::vector<ArchiveRecord> records(plan.archives.size());
  std::atomic<int> next{0}, encodings{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto worker = [&] {
    for (int s; (s = next++) < static_cast<int>(songs.size());) {
      try {
        build_song(plan, planted, s, songs[static_cast<size_t>(s)], options.out_dir, records, encodings);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        next = static_cast<int>(songs.size());  // stop handing out work
      }
    }
  };
  int jobs = options.jobs > 0 ? options.jobs : static_cast<int>(std::thread::hardware_concurrency());
  jobs = std::clamp(jobs, 1, static_cast<int>(songs.size()));
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  if (error) std::rethrow_exception(error);

  SynthReport report;
  report.archives = std::move(records);
  report.songs = static_cast<int>(plan.songs.size());
  report.audio_encodings = encodings;
  for (const SongWork& w : songs) {
    std::set<std::string> creators;
    for (size_t i : w.archives) creators.insert(plan.archives[i].creator);
    report.multi_mapper_songs += creators.size() >= 2;
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (options.write_manifest)
    write_manifest((fs::path(options.out_dir) / "synth_manifest.json").string(), options, plan, report);
  return report;
}

void write_manifest(const std::string& path, const SynthOptions& o, const CorpusPlan& plan,
                    const SynthReport& report) {
  using nlohmann::json;
  json songs = json::array();
  for (const SongPlan& s : plan.songs) {
    json audio = json::array();
    for (const AudioVariant& v : s.audio)
      audio.push_back({{"entry", v.entry_name}, {"codec", v.codec == AudioCodec::mp3 ? "mp3" : "vorbis"},
                       {"sample_rate", v.sample_rate}, {"channels", v.channels},
                       {"bitrate_kbps", v.bitrate_kbps}, {"quality", v.quality}, {"xing", v.xing},
                       {"seconds", variant_seconds(s, v)}});
    songs.push_back({{"index", s.index}, {"title", s.title}, {"artist", s.artist}, {"bpm", s.bpm},
                     {"beat_length", s.beat_length}, {"offset_ms", s.offset_ms},
                     {"beats_per_bar", s.beats_per_bar}, {"duration_s", s.duration_s}, {"audio", audio}});
  }
  json archives = json::array();
  for (const ArchiveRecord& a : report.archives) {
    json diffs = json::array();
    for (const DifficultyRecord& d : a.difficulties)
      diffs.push_back({{"file", d.file}, {"version", d.version}, {"creator", d.creator}, {"mode", d.mode},
                       {"od", d.od}, {"ar", d.ar}, {"cs", d.cs}, {"hp", d.hp}, {"circles", d.circles},
                       {"sliders", d.sliders}, {"spinners", d.spinners}, {"mode_line", d.mode_line}});
    archives.push_back({{"file", a.file}, {"beatmapset_id", a.beatmapset_id}, {"song", a.song},
                        {"creator", a.creator}, {"title", a.title}, {"artist", a.artist},
                        {"audio_entry", a.audio_entry}, {"audio_filename", a.audio_filename},
                        {"audio_variant", a.audio_variant}, {"audio_seconds", a.audio_seconds},
                        {"defect", a.defect}, {"defect_file", a.defect_file}, {"bytes", a.bytes}, {"difficulties", diffs}});
  }
  json doc = {{"generator", "cartography synth"},
              {"options", {{"songs", o.songs}, {"seed", o.seed}, {"duration_s", o.duration_s},
                           {"min_mappers", o.min_mappers}, {"max_mappers", o.max_mappers},
                           {"defect_rate", o.defect_rate}}},
              {"songs", songs},
              {"archives", archives}};
  // Only a planted corpus carries the key: the default manifest keeps its bytes.
  const PlantedSpec planted = parse_planted(o.planted);
  if (planted.active()) doc["planted_truth"] = planted_truth_json(planted);
  std::ofstream out(path, std::ios::binary);
  out << doc.dump(1) << "\n";
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace cartography::synth
