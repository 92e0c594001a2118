#include "controls/goldens.hpp"

#include <algorithm>
#include <cmath>

#include "stats/json_compare.hpp"

namespace cartography::controls::testing {

const nlohmann::ordered_json& goldens() {
  static const auto g =
      stats::testing::load_json(std::string(CARTO_TEST_DATA) + "/controls/goldens.json");
  return g;
}

::testing::AssertionResult near(double actual, double expected) {
  const double allowed = kTolerance * std::max(1.0, std::abs(expected));
  if (std::isfinite(actual) && std::abs(actual - expected) <= allowed)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << actual << " differs from the golden " << expected << " by "
         << std::abs(actual - expected) << " (allowed " << allowed << ")";
}

std::vector<double> doubles(const nlohmann::ordered_json& j) {
  return j.get<std::vector<double>>();
}

}  // namespace cartography::controls::testing

#include "controls/real_encodings.hpp"
#include "stats/npz.hpp"

namespace cartography::controls::testing {

std::vector<stats::EncodingView> RealEncodings::views(const nlohmann::ordered_json& keys,
                                                      int64_t frames) const {
  std::vector<stats::EncodingView> out;
  for (const auto& k : keys) {
    const auto& a = arrays.at(k.get<std::string>());
    out.push_back(stats::EncodingView(a.data.data(), a.shape.at(0), a.shape.at(1)).prefix(frames));
  }
  return out;
}

RealEncodings load_real_encodings(const std::string& npz_relative_path) {
  return {stats::testing::read_npz<double>(std::string(CARTO_TEST_DATA) + "/" +
                                           npz_relative_path)};
}

}  // namespace cartography::controls::testing
