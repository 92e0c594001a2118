#include "synth/osu_writer.hpp"

#include <string>
#include <vector>

#include "synth/number_format.hpp"

namespace cartography::synth {
namespace {

std::string trimmed(const std::string& s) {
  size_t b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

class Lines {
 public:
  void add(std::string line) { lines_.push_back(std::move(line)); }
  void section(const std::string& name) {
    if (!lines_.empty()) lines_.emplace_back();
    lines_.push_back("[" + name + "]");
  }
  std::string join(bool crlf, bool bom) const {
    std::string out = bom ? "\xEF\xBB\xBF" : "";
    for (const auto& l : lines_) out += l + (crlf ? "\r\n" : "\n");
    return out;
  }

 private:
  std::vector<std::string> lines_;
};

void general(Lines& l, const OsuFileRequest& r) {
  l.section("General");
  l.add("AudioFilename: " + r.archive->audio_filename);
  l.add("AudioLeadIn: 0");
  l.add("PreviewTime: " + std::to_string(r.song->offset_ms + static_cast<int>(r.song->duration_s * 400)));
  l.add("Countdown: 0");
  l.add("SampleSet: Soft");
  l.add("StackLeniency: 0.7");
  if (r.bad_mode)
    l.add("Mode: osu");
  else if (!r.omit_mode)
    l.add("Mode: " + std::to_string(r.difficulty->mode));
  l.add("LetterboxInBreaks: 0");
  if (r.difficulty->mode == 3) l.add("SpecialStyle: 0");
  l.add("WidescreenStoryboard: 0");
}

void metadata(Lines& l, const OsuFileRequest& r) {
  l.section("Editor");
  l.add("DistanceSpacing: 1.2");
  l.add("BeatDivisor: 4");
  l.add("GridSize: 8");
  l.add("TimelineZoom: 1.4");
  l.section("Metadata");
  l.add("Title:" + r.archive->title);
  l.add("TitleUnicode:" + r.archive->title);
  l.add("Artist:" + r.archive->artist);
  l.add("ArtistUnicode:" + r.archive->artist);
  if (!r.omit_creator) l.add("Creator:" + r.difficulty->creator);
  l.add("Version:" + r.difficulty->version);
  l.add("Source:");
  l.add("Tags:synthetic cartography " + r.archive->creator);
  l.add("BeatmapID:" + std::to_string(r.beatmap_id));
  l.add("BeatmapSetID:" + std::to_string(r.archive->beatmapset_id));
}

void difficulty(Lines& l, const OsuFileRequest& r) {
  const DifficultyPlan& d = *r.difficulty;
  l.section("Difficulty");
  l.add("HPDrainRate:" + format_double(d.hp));
  l.add("CircleSize:" + format_double(d.cs));
  l.add("OverallDifficulty:" + format_double(d.od));
  l.add("ApproachRate:" + format_double(d.ar));
  l.add("SliderMultiplier:" + format_double(r.archive->style.slider_multiplier));
  l.add("SliderTickRate:" + std::to_string(r.archive->style.tick_rate));
}

void events(Lines& l, const OsuFileRequest& r) {
  l.section("Events");
  l.add("//Background and Video events");
  l.add("//Break Periods");
  for (const auto& b : r.chart->breaks) l.add(b);
  l.add("//Storyboard Layer 0 (Background)");
  l.add("//Storyboard Layer 1 (Fail)");
  l.add("//Storyboard Layer 2 (Pass)");
  l.add("//Storyboard Layer 3 (Foreground)");
  l.add("//Storyboard Sound Samples");
}

void colours(Lines& l, const OsuFileRequest& r) {
  l.section("Colours");
  static const char* palette[] = {"255,128,64", "64,192,255", "128,255,128", "255,96,192"};
  const int n = 2 + static_cast<int>(r.archive->seed % 3);
  for (int i = 0; i < n; ++i) l.add("Combo" + std::to_string(i + 1) + " : " + palette[i]);
}

}  // namespace

std::string osu_text(const OsuFileRequest& r) {
  Lines l;
  l.add("osu file format v14");
  general(l, r);
  metadata(l, r);
  difficulty(l, r);
  events(l, r);
  l.section("TimingPoints");
  for (const auto& t : r.chart->timing_points) l.add(t);
  if (r.difficulty->mode != 3) colours(l, r);
  l.section("HitObjects");
  for (const auto& o : r.chart->hit_objects) l.add(o);
  return l.join(r.archive->style.crlf, r.archive->style.bom);
}

std::string osu_file_name(const ArchivePlan& a, const DifficultyPlan& d) {
  std::string name = trimmed(a.artist) + " - " + trimmed(a.title) + " (" + a.creator + ") [" + d.version + "].osu";
  std::string out;
  for (char c : name)
    if (std::string_view("<>:\"/\\|?*").find(c) == std::string_view::npos) out += c;
  return out;
}

}  // namespace cartography::synth
