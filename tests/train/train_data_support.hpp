// Shared by the training-data tests: a scratch folder and a cheap stand-in for the CQT.
#pragma once

#include <atomic>
#include <filesystem>
#include <random>
#include <string>

#include "train/training_data.hpp"

namespace cartography::train::testing {

namespace fs = std::filesystem;

// A fresh folder under the system temp dir, removed at the end of the test.
struct ScratchDir {
  fs::path path;
  explicit ScratchDir(const std::string& tag) {
    std::random_device rd;
    path = fs::temp_directory_path() / ("carto_train_" + tag + "_" + std::to_string(rd()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string str() const { return path.string(); }
};

// The fake CQT writes row r of frame f as f + r / 100 (a value that says where it came from)
// and counts its calls, so tests see whether a unit was featurised or read from the cache.
struct FakeCqt {
  std::atomic<int> calls{0};
  CqtCallback callback() {
    return [this](const int16_t*, int64_t n, float* out) {
      ++calls;
      const int64_t frames = n / 98 + 1;
      for (int r = 0; r < kAudioRows; ++r)
        for (int64_t f = 0; f < frames; ++f) out[r * frames + f] = static_cast<float>(f) + static_cast<float>(r) / 100;
    };
  }
};

inline std::string test_data(const std::string& rel) { return std::string(CARTO_TEST_DATA) + "/" + rel; }

}  // namespace cartography::train::testing
