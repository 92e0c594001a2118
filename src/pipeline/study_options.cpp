#include "pipeline/study_options.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>

#include "pipeline/file_kind.hpp"

namespace cartography::pipeline {
namespace {

using catalog::AudioMatch;
using catalog::GroupBy;

template <typename E>
struct Named {
  const char* name;
  E value;
};

constexpr Named<LatentMode> kLatentModes[] = {{"mean", LatentMode::Mean}, {"sample", LatentMode::Sample}};
constexpr Named<Device> kDevices[] = {{"auto", Device::Auto}, {"cpu", Device::Cpu}};
constexpr Named<GroupBy> kGroupBys[] = {{"set-creator", GroupBy::SetCreator}, {"osu-creator", GroupBy::OsuCreator}};
constexpr Named<AudioMatch> kAudioMatches[] = {{"case-insensitive", AudioMatch::CaseInsensitive},
                                               {"reference", AudioMatch::Reference}};

template <typename E, size_t N>
E parse_choice(const Named<E> (&names)[N], const std::string& value) {
  for (const auto& n : names)
    if (value == n.name) return n.value;
  std::string allowed;
  for (const auto& n : names) allowed += (allowed.empty() ? "" : ", ") + std::string(n.name);
  throw std::invalid_argument("'" + value + "' is not one of " + allowed);
}

template <typename E, size_t N>
std::string name_of(const Named<E> (&names)[N], E value) {
  for (const auto& n : names)
    if (n.value == value) return n.name;
  return "?";
}

std::string text(const std::string& value) {
  if (value.empty()) throw std::invalid_argument("empty value");
  if (value.size() > kMaxOptionBytes)
    throw std::invalid_argument("value of " + std::to_string(value.size()) + " bytes (at most " +
                                std::to_string(kMaxOptionBytes) + ")");
  if (value.find('\0') != std::string::npos) throw std::invalid_argument("value holds a NUL byte");
  return value;
}

bool boolean(const std::string& value) {
  std::string v = value;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  if (v == "true" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "no" || v == "off") return false;
  throw std::invalid_argument("'" + value + "' is not true or false");
}

// A positive, finite number of seconds, at most a day (a longer interval is a typo).
double interval_seconds(const std::string& value) {
  double out = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || !std::isfinite(out) ||
      out <= 0 || out > 86400)
    throw std::invalid_argument("'" + value + "' is not a number of seconds in (0, 86400]");
  return out;
}

// A whole number in [0, max]: a count of resamples, seeds or songs.
int64_t bounded_count(const std::string& value, int64_t max) {
  uint64_t v = 0;
  try {
    v = unsigned_integer(value);  // refuses signs, fractions and exponents
  } catch (const std::invalid_argument&) {
    v = UINT64_MAX;  // one message for every refusal, naming the range
  }
  if (v > static_cast<uint64_t>(max))
    throw std::invalid_argument("'" + value + "' is not a whole number from 0 to " + std::to_string(max));
  return static_cast<int64_t>(v);
}

// A confidence level strictly between 0 and 1 (0.95 for 95 %).
double confidence_level(const std::string& value) {
  double out = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || !std::isfinite(out) ||
      out <= 0 || out >= 1)
    throw std::invalid_argument("'" + value + "' is not a level in (0, 1), e.g. 0.95");
  return out;
}

void set_checkpoint(StudyOptions& o, const std::string& v) {
  o.track_a_only = v == "none";
  o.checkpoint = o.track_a_only ? std::string() : text(v);
}

const std::vector<OptionSpec> kTable = {
    {"dataset", "dataset_dir", "Folder of .osz archives (default: the bundled corpus)", false, "", true,
     [](StudyOptions& o, const std::string& v) { o.dataset_dir = text(v); }},
    {"out", "--out", "Output folder (data/, results/, cartography.h5, run_summary.json)", false, "", true,
     [](StudyOptions& o, const std::string& v) { o.out_dir = text(v); }},
    {"checkpoint", "--checkpoint",
     "Latent-model checkpoint (.ckpt), or none; default: the bundled demo model checkpoints/latent_demo.ckpt "
     "(trained on a synthetic corpus)", false, "", true,
     set_checkpoint},
    {"track_a_only", "--track-a-only", "Skip the latent model (Track B and synthesis)", true, "true", false,
     [](StudyOptions& o, const std::string& v) { o.track_a_only = boolean(v); }},
    {"latent", "--latent", "Latent encoding: mean (posterior mean) or sample", false, "", false,
     [](StudyOptions& o, const std::string& v) { o.latent = parse_choice(kLatentModes, v); }},
    {"seed", "--seed", "The run's one seed: --latent sample, the controls' song choice, encoders and bootstrap",
     false, "", false,
     [](StudyOptions& o, const std::string& v) { o.seed = unsigned_integer(v); }},
    {"group_by", "--group-by", "set-creator (reference) or osu-creator (guest difficulties)", false, "", false,
     [](StudyOptions& o, const std::string& v) { o.group_by = parse_choice(kGroupBys, v); }},
    {"audio_match", "--audio-match",
     "case-insensitive (ours) or reference (exact name, .mp3/.ogg only, as the reference)", false, "", false,
     [](StudyOptions& o, const std::string& v) { o.audio_match = parse_choice(kAudioMatches, v); }},
    {"resume", "--resume",
     "Reuse the song groups saved under <out>/progress/ by an interrupted run with the same inputs and options",
     true, "true", false, [](StudyOptions& o, const std::string& v) { o.resume = boolean(v); }},
    {"device", "--device", "Where the latent model runs: auto (the node-local GPU if any) or cpu", false, "", false,
     [](StudyOptions& o, const std::string& v) { o.device = parse_choice(kDevices, v); }},
    {"cpu", "--cpu", "Never place the latent model on a GPU (= --device cpu)", true, "true", false,
     [](StudyOptions& o, const std::string& v) { o.device = boolean(v) ? Device::Cpu : Device::Auto; }},
    {"progress_seconds", "--progress-seconds", "Seconds between progress lines (rank 0)", false, "", false,
     [](StudyOptions& o, const std::string& v) { o.progress_seconds = interval_seconds(v); }},
    {"report", "--no-report", "Do not write the report after the run", true, "false", false,
     [](StudyOptions& o, const std::string& v) { o.report = boolean(v); }},
    {"controls", "--no-controls", "Skip the scientific controls (results/controls/)", true, "false", false,
     [](StudyOptions& o, const std::string& v) { o.controls = boolean(v); }},
    {"control_seeds", "--control-seeds", "Random-weight encoders in the random-encoder control (0: none)", false,
     "", false, [](StudyOptions& o, const std::string& v) { o.control_seeds = bounded_count(v, kMaxControlSeeds); }},
    {"control_songs", "--control-songs",
     "The random-encoder control on at most this many songs, chosen by --seed (0: none)", false, "", false,
     [](StudyOptions& o, const std::string& v) { o.control_songs = bounded_count(v, int64_t{1} << 40); }},
    {"bootstrap", "--bootstrap", "Bootstrap resamples of songs for the intervals (0: no intervals)", false, "",
     false, [](StudyOptions& o, const std::string& v) { o.bootstrap = bounded_count(v, kMaxBootstrap); }},
    {"ci_level", "--ci-level", "Level of every confidence interval, in (0, 1)", false, "", false,
     [](StudyOptions& o, const std::string& v) { o.ci_level = confidence_level(v); }},
};

std::string source_of(const OptionSources& sources, const std::string& key) {
  auto it = sources.find(key);
  return it == sources.end() ? "default " + key : it->second;
}

}  // namespace

std::string to_string(LatentMode v) { return name_of(kLatentModes, v); }
std::string to_string(Device v) { return name_of(kDevices, v); }
std::string to_string(catalog::GroupBy v) { return name_of(kGroupBys, v); }
std::string to_string(catalog::AudioMatch v) { return name_of(kAudioMatches, v); }

const std::vector<OptionSpec>& option_table() { return kTable; }

const OptionSpec* find_option(const std::string& key) {
  for (const OptionSpec& s : kTable)
    if (key == s.key) return &s;
  return nullptr;
}

bool is_informational_key(const std::string& key) { return key == "name" || key == "description"; }

void set_option(StudyOptions& options, const OptionSpec& spec, const std::string& value, const std::string& source,
                OptionSources& sources) {
  try {
    spec.set(options, value);
  } catch (const std::invalid_argument& e) {
    throw OptionError(source + ": " + e.what());
  }
  sources[spec.key] = source;
}

void finalize(StudyOptions& o, const OptionSources& sources, const std::string& default_dataset,
              const std::string& default_checkpoint) {
  if (o.out_dir.empty()) throw OptionError("--out is required (or `out:` in the job file)");
  if (o.dataset_dir.empty()) o.dataset_dir = default_dataset;
  if (o.track_a_only) o.checkpoint.clear();
  else if (o.checkpoint.empty()) o.checkpoint = default_checkpoint;  // every stage by default
  std::error_code ec;
  if (!std::filesystem::is_directory(o.dataset_dir, ec))
    throw OptionError(source_of(sources, "dataset") + ": dataset folder " + o.dataset_dir +
                      " not found or not a folder");
  if (!o.checkpoint.empty())
    if (auto why = not_a_regular_file(o.checkpoint))
      throw OptionError(source_of(sources, "checkpoint") + ": checkpoint " + o.checkpoint + " " + *why);
  if (std::filesystem::exists(o.out_dir, ec) && !std::filesystem::is_directory(o.out_dir, ec))
    throw OptionError(source_of(sources, "out") + ": " + o.out_dir + " exists and is not a folder");
}

uint64_t unsigned_integer(const std::string& value) {
  uint64_t out = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (value.empty() || ec == std::errc::result_out_of_range || ec != std::errc() ||
      end != value.data() + value.size())
    throw std::invalid_argument("'" + value + "' is not an integer from 0 to 18446744073709551615");
  return out;
}

}  // namespace cartography::pipeline
