// The corpus_small encodings the goldens name by npz key (tests/data/stats/...), as views.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/npy.hpp"
#include "stats/signal_view.hpp"

namespace cartography::controls::testing {

struct RealEncodings {
  std::map<std::string, io::NpyArray<double>> arrays;
  // One view per key, in the order given, cut to `frames` frames.
  std::vector<stats::EncodingView> views(const nlohmann::ordered_json& keys,
                                         int64_t frames) const;
};

RealEncodings load_real_encodings(const std::string& npz_relative_path);

}  // namespace cartography::controls::testing
