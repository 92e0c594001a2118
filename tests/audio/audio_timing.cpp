// audio_timing <dir-or-file.osz>...: for every audio entry (.mp3/.ogg/.wav/.flac/.opus/.m4a) of
// every archive, times decoded_sample_count (full decode + resample) against count_samples
// (the packet-based fast path), checks that they agree, and prints the totals. Used to report
// the two paths' speed and to check the fast path on generated corpora.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "audio/audio_fixtures.hpp"
#include "audio/audio_length.hpp"

namespace fs = std::filesystem;
using namespace cartography::audio;

namespace {

bool is_audio(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* ext : {".mp3", ".ogg", ".wav", ".flac", ".opus", ".m4a"})
    if (lower.size() > 4 && lower.ends_with(ext)) return true;
  return false;
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

struct Totals {
  int files = 0, fast = 0, errors = 0, mismatches = 0;
  double audio_s = 0, full_ms = 0, fast_ms = 0;
};

void measure(const std::string& label, const std::vector<uint8_t>& bytes, const std::string& name, Totals& t,
             bool verbose) {
  int64_t full = -1, quick = -1;
  bool fast = false;
  std::string why;
  auto t0 = std::chrono::steady_clock::now();
  try {
    full = decoded_sample_count(bytes, name);
  } catch (const AudioError&) {
  }
  const double full_ms = ms_since(t0);
  t0 = std::chrono::steady_clock::now();
  try {
    SampleCount c = count_samples(bytes, name);
    quick = c.samples;
    fast = c.fast;
    why = c.fallback_reason;
  } catch (const AudioError&) {
  }
  const double fast_ms = ms_since(t0);
  ++t.files;
  t.fast += fast;
  t.errors += full < 0;
  t.mismatches += full != quick;
  t.audio_s += full > 0 ? static_cast<double>(full) / kSampleRate : 0;
  t.full_ms += full_ms;
  t.fast_ms += fast_ms;
  if (verbose || full != quick)
    std::printf("%s%-50s N=%lld fast=%lld %s %.2f ms / %.2f ms %s\n", full != quick ? "MISMATCH " : "",
                label.c_str(), static_cast<long long>(full), static_cast<long long>(quick),
                fast ? "fast" : "decoded", full_ms, fast_ms, why.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  bool verbose = false;
  std::vector<fs::path> archives;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-v") {
      verbose = true;
    } else if (fs::is_directory(arg)) {
      for (const auto& e : fs::directory_iterator(arg))
        if (e.path().extension() == ".osz" || e.path().extension() == ".olz") archives.push_back(e.path());
    } else {
      archives.emplace_back(arg);
    }
  }
  std::sort(archives.begin(), archives.end());
  Totals t;
  for (const fs::path& archive : archives) {
    const auto names = testing::zip_entry_names(archive.string());
    for (size_t i = 0; i < names.size(); ++i) {
      if (!is_audio(names[i])) continue;
      const auto bytes = testing::read_zip_entry(archive.string(), static_cast<int64_t>(i));
      measure(archive.filename().string() + ":" + names[i], bytes, names[i], t, verbose);
    }
  }
  std::printf("%d audio files (%.0f s of audio), %d undecodable, %d taken by the fast path, %d mismatches\n",
              t.files, t.audio_s, t.errors, t.fast, t.mismatches);
  std::printf("full decode: %.1f ms total, %.2f ms per file; fast path: %.1f ms total, %.2f ms per file (x%.0f)\n",
              t.full_ms, t.full_ms / std::max(1, t.files), t.fast_ms, t.fast_ms / std::max(1, t.files),
              t.full_ms / std::max(1e-9, t.fast_ms));
  return t.mismatches == 0 ? 0 : 1;
}
