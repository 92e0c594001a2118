#include "stats/signal_spec.hpp"

#include <stdexcept>
#include <string>

namespace cartography::stats::testing {
namespace {

std::vector<double> uniforms(uint64_t seed, int64_t count) {
  std::vector<double> out(static_cast<size_t>(count));
  uint64_t state = seed;
  for (auto& u : out) {
    state += 0x9E3779B97F4A7C15ull;
    uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    u = static_cast<double>(z >> 11) * 0x1p-53;
  }
  return out;
}

}  // namespace

SignalSpec parse_spec(const nlohmann::ordered_json& j) {
  SignalSpec s;
  s.dims = j.at("dims").get<int64_t>();
  s.length = j.at("length").get<int64_t>();
  s.is_float32 = j.at("dtype").get<std::string>() == "float32";
  s.base_seed = j.at("base_seed").get<uint64_t>();
  s.own_seed = j.at("own_seed").get<uint64_t>();
  s.mix = j.at("mix").get<double>();
  for (const auto& [row, value] : j.at("constant_rows").items())
    s.constant_rows.emplace_back(std::stoll(row), value.get<double>());
  return s;
}

std::vector<double> expand_double(const SignalSpec& s) {
  const int64_t n = s.dims * s.length;
  const auto base = uniforms(s.base_seed, n);
  const auto own = uniforms(s.own_seed, n);
  std::vector<double> out(static_cast<size_t>(n));
  for (size_t i = 0; i < out.size(); ++i) {
    const double b = 2.0 * base[i] - 1.0;
    const double o = 2.0 * own[i] - 1.0;
    const double left = s.mix * b;
    const double right = (1.0 - s.mix) * o;
    out[i] = left + right;
  }
  for (const auto& [row, value] : s.constant_rows)
    for (int64_t t = 0; t < s.length; ++t) out[size_t(row * s.length + t)] = value;
  return out;
}

std::vector<float> expand_float(const SignalSpec& s) {
  const auto wide = expand_double(s);
  std::vector<float> out(wide.begin(), wide.end());
  return out;
}

Encoding make_encoding(const SignalSpec& s) {
  if (s.is_float32) throw std::invalid_argument("make_encoding: spec is float32");
  Encoding e{expand_double(s), {}};
  e.view = EncodingView(e.values, s.dims, s.length);
  return e;
}

Latent make_latent(const SignalSpec& s) {
  if (!s.is_float32) throw std::invalid_argument("make_latent: spec is float64");
  Latent l{expand_float(s), {}};
  l.view = LatentView(l.values, s.dims, s.length);
  return l;
}

}  // namespace cartography::stats::testing
