// The CQT goldens of tests/data/train/cqt (made by make_cqt_golden.py with the reference's own
// load_audio): the samples its ffmpeg pipe produced (<case>_pcm.npy, int16) and its features
// (<case>_spec.npy, float32 [72, L]). Header-only and torch-free: tests/audio reads the PCM too.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/npy.hpp"

namespace cqt_golden {

inline std::string dir() { return std::string(CARTO_TEST_DATA) + "/train/cqt"; }

// Cases with an audio clip beside them (decoded by the ffmpeg CLI), then synthetic PCM.
inline const std::vector<std::string>& clip_files() {
  static const std::vector<std::string> files = {"clip_mp3.mp3", "clip_ogg.ogg", "clip_stereo44k.mp3"};
  return files;
}
inline const std::vector<std::string>& all_cases() {
  static const std::vector<std::string> cases = {"clip_mp3", "clip_ogg", "clip_stereo44k", "chirp", "short"};
  return cases;
}
inline std::string case_of(const std::string& clip_file) { return clip_file.substr(0, clip_file.rfind('.')); }

// A 1-D little-endian int16 ('<i2') .npy (io/npy.hpp reads floats only; its header checks apply).
inline std::vector<int16_t> read_pcm(const std::string& name) {
  const std::string path = dir() + "/" + name + "_pcm.npy";
  std::ifstream in;
  const auto h = cartography::io::read_npy_header(path, in);
  if (h.descr != "<i2" || h.shape.size() != 1 || h.fortran_order)
    throw std::runtime_error(path + ": expected a 1-D '<i2' array, found '" + h.descr + "'");
  cartography::io::check_npy_data_size(path, h, sizeof(int16_t));
  std::vector<int16_t> pcm(h.count);
  if (!in.read(reinterpret_cast<char*>(pcm.data()), static_cast<std::streamsize>(h.count * sizeof(int16_t))))
    throw std::runtime_error(path + ": read error");
  return pcm;
}

inline cartography::io::NpyArray<float> read_spec(const std::string& name) {
  return cartography::io::read_npy<float>(dir() + "/" + name + "_spec.npy");
}

inline std::vector<uint8_t> read_bytes(const std::string& file) {
  std::ifstream in(dir() + "/" + file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return INFINITY;
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = std::fabs(double(a[i]) - double(b[i]));
    if (std::isnan(d)) return INFINITY;  // std::max would hide it
    worst = std::max(worst, d);
  }
  return worst;
}

}  // namespace cqt_golden
