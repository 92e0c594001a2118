#include "synth/audio_render.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "synth/rng.hpp"

namespace cartography::synth {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Every sound (kick, snare, hat, each chord, each melody note) is rendered once per track as a
// template and then mixed in at each of its onsets: real drum samples repeat identically too,
// and it makes rendering a few milliseconds instead of the encoder's equal.
using Sound = std::vector<float>;

Sound kick(int rate) {
  Sound s(static_cast<size_t>(0.18 * rate));
  double phase = 0, env = 1, sweep = 110;
  const double env_k = std::exp(-18.0 / rate), sweep_k = std::exp(-30.0 / rate);
  for (float& v : s) {
    phase += (45.0 + sweep) / rate;
    sweep *= sweep_k;
    v = static_cast<float>(env * std::sin(2 * kPi * phase));
    env *= env_k;
  }
  return s;
}

Sound noise_hit(int rate, double decay_s, double tone_hz, uint64_t seed) {
  Sound s(static_cast<size_t>(decay_s * 5 * rate));
  Rng noise(seed);
  double env = 1;
  const double env_k = std::exp(-1.0 / (decay_s * rate));
  for (size_t i = 0; i < s.size(); ++i) {
    double v = noise.uniform(-1, 1);
    if (tone_hz > 0) v = 0.5 * v + 0.5 * std::sin(2 * kPi * tone_hz * static_cast<double>(i) / rate);
    s[i] = static_cast<float>(env * v);
    env *= env_k;
  }
  return s;
}

Sound tone(int rate, size_t length, const std::vector<double>& hz) {
  Sound s(length);
  const double attack = 0.01 * rate;
  double env = 1;
  const double env_k = std::exp(-3.0 / static_cast<double>(std::max<size_t>(length, 1)));
  for (size_t i = 0; i < length; ++i) {
    double v = 0;
    for (double f : hz) {
      const double ph = 2 * kPi * f * static_cast<double>(i) / rate;
      v += std::sin(ph) + 0.3 * std::sin(2 * ph);
    }
    s[i] = static_cast<float>(std::min(1.0, i / attack) * env * v);
    env *= env_k;
  }
  return s;
}

double midi_hz(int note) { return 440.0 * std::pow(2.0, (note - 69) / 12.0); }

struct Track {
  int rate;
  std::vector<float> left, right;
  // Adds `sound` at sample `at` (anything past the end is dropped), pan -1 left .. 1 right.
  void mix(const Sound& sound, size_t at, float gain, float pan) {
    if (at >= left.size()) return;
    const size_t n = std::min(sound.size(), left.size() - at);
    const float gl = gain * (1 - pan) * 0.5f, gr = gain * (1 + pan) * 0.5f;
    for (size_t i = 0; i < n; ++i) {
      left[at + i] += gl * sound[i];
      right[at + i] += gr * sound[i];
    }
  }
};

size_t sample_at(double ms, int rate) { return static_cast<size_t>(std::llround(ms * rate / 1000.0)); }

void render_drums(Track& t, const SongPlan& song, double end_ms, Rng& r) {
  const Sound k = kick(t.rate);
  const Sound snare = noise_hit(t.rate, 0.05, 185.0, r.next());
  const Sound hat = noise_hit(t.rate, 0.012, 0.0, r.next());
  int beat = 0;
  // No early exit at the end of a shorter variant: the music must not depend on its length.
  for (double ms = song.offset_ms; ms < end_ms; ms += song.beat_length, ++beat) {
    const size_t at = sample_at(ms, t.rate);
    const int in_bar = beat % song.beats_per_bar;
    t.mix(k, at, in_bar == 0 ? 0.55f : 0.4f, 0.0f);
    if (in_bar % 2 == 1) t.mix(snare, at, 0.25f, 0.1f);
    t.mix(hat, sample_at(ms + song.beat_length / 2, t.rate), 0.08f, -0.4f);
  }
}

void render_harmony(Track& t, const SongPlan& song, double end_ms, Rng& r) {
  static const int progression[4][3] = {{0, 4, 7}, {7, 11, 14}, {9, 12, 16}, {5, 9, 12}};
  static const int scale[7] = {0, 2, 4, 5, 7, 9, 11};
  const int key = 48 + static_cast<int>(r.integer(0, 11));
  const double bar = song.beat_length * song.beats_per_bar;
  std::array<Sound, 4> chords;
  for (size_t c = 0; c < 4; ++c) {
    std::vector<double> hz;
    for (int n : progression[c]) hz.push_back(midi_hz(key + n));
    chords[c] = tone(t.rate, sample_at(bar, t.rate), hz);
  }
  std::array<Sound, 14> notes;
  for (size_t n = 0; n < 14; ++n)
    notes[n] = tone(t.rate, sample_at(song.beat_length * 0.45, t.rate),
                    {midi_hz(key + scale[n % 7] + 12 * static_cast<int>(1 + n / 7))});
  int index = 0;
  for (double ms = song.offset_ms; ms < end_ms; ms += bar, ++index) {
    t.mix(chords[static_cast<size_t>(index % 4)], sample_at(ms, t.rate), 0.05f, 0.3f);
    for (int b = 0; b < song.beats_per_bar * 2; ++b) {  // melody on eighth notes
      if (!r.chance(0.45)) continue;
      const auto n = static_cast<size_t>(r.integer(0, 6) + 7 * r.integer(0, 1));
      t.mix(notes[n], sample_at(ms + b * song.beat_length / 2, t.rate), 0.12f, -0.2f);
    }
  }
}

void finish(Track& t) {
  const size_t fade = std::min(t.left.size(), static_cast<size_t>(t.rate));
  for (size_t i = 0; i < fade; ++i) {
    const float g = static_cast<float>(i) / static_cast<float>(fade);
    t.left[t.left.size() - 1 - i] *= g;
    t.right[t.right.size() - 1 - i] *= g;
  }
  float peak = 1e-6f;
  for (size_t i = 0; i < t.left.size(); ++i)
    peak = std::max({peak, std::abs(t.left[i]), std::abs(t.right[i])});
  const float g = 0.8f / peak;
  for (size_t i = 0; i < t.left.size(); ++i) {
    t.left[i] *= g;
    t.right[i] *= g;
  }
}

}  // namespace

double variant_seconds(const SongPlan& song, const AudioVariant& variant) {
  return song.duration_s + variant.tail_s;
}

Pcm render_song(const SongPlan& song, const AudioVariant& variant) {
  Track t{variant.sample_rate, {}, {}};
  const auto frames = static_cast<size_t>(std::llround(variant_seconds(song, variant) * t.rate));
  t.left.assign(frames, 0.0f);
  t.right.assign(frames, 0.0f);
  // The same seed for every variant: the music does not depend on rate or tail.
  Rng r(song.music_seed);
  const double end_ms = song.duration_s * 1000.0;
  render_drums(t, song, end_ms, r);
  render_harmony(t, song, end_ms, r);
  finish(t);
  Pcm pcm;
  pcm.sample_rate = t.rate;
  if (variant.channels == 1) {
    for (size_t i = 0; i < frames; ++i) t.left[i] = 0.5f * (t.left[i] + t.right[i]);
    pcm.channels.push_back(std::move(t.left));
  } else {
    pcm.channels.push_back(std::move(t.left));
    pcm.channels.push_back(std::move(t.right));
  }
  return pcm;
}

}  // namespace cartography::synth
