// Deterministic test signals shared with make_expected.py: a signal is a small JSON spec that
// both sides expand with SplitMix64, so expected values need no stored arrays.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "stats/signal_view.hpp"

namespace cartography::stats::testing {

struct SignalSpec {
  int64_t dims = 1;
  int64_t length = 0;
  bool is_float32 = false;
  uint64_t base_seed = 0;
  uint64_t own_seed = 0;
  double mix = 0.5;
  std::vector<std::pair<int64_t, double>> constant_rows;
};

SignalSpec parse_spec(const nlohmann::ordered_json& j);

// value = mix * (2 u_base - 1) + (1 - mix) * (2 u_own - 1), row-major, then constant rows.
std::vector<double> expand_double(const SignalSpec& s);
std::vector<float> expand_float(const SignalSpec& s);

// Owning holders with a view, for the tests' convenience.
struct Encoding {
  std::vector<double> values;
  EncodingView view;
};
struct Latent {
  std::vector<float> values;
  LatentView view;
};
Encoding make_encoding(const SignalSpec& s);
Latent make_latent(const SignalSpec& s);

}  // namespace cartography::stats::testing
