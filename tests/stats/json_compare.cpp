#include "stats/json_compare.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <stdexcept>

namespace cartography::stats::testing {

nlohmann::ordered_json load_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  return nlohmann::ordered_json::parse(in);
}

namespace {

bool is_integer(const nlohmann::ordered_json& j) {
  return j.is_number_integer() || j.is_number_unsigned();
}

int compare_objects(const nlohmann::ordered_json& actual, const nlohmann::ordered_json& expected,
                    double tolerance, const std::string& path) {
  std::vector<std::string> a_keys, e_keys;
  for (const auto& [k, v] : actual.items()) a_keys.push_back(k);
  for (const auto& [k, v] : expected.items()) e_keys.push_back(k);
  EXPECT_EQ(a_keys, e_keys) << "keys differ (or their order) at " << path;
  int n = 0;
  for (const auto& [k, v] : expected.items())
    if (actual.contains(k)) n += expect_json_near(actual.at(k), v, tolerance, path + "." + k);
  return n;
}

int compare_arrays(const nlohmann::ordered_json& actual, const nlohmann::ordered_json& expected,
                   double tolerance, const std::string& path) {
  EXPECT_EQ(actual.size(), expected.size()) << "array length differs at " << path;
  int n = 0;
  for (size_t i = 0; i < std::min(actual.size(), expected.size()); ++i)
    n += expect_json_near(actual[i], expected[i], tolerance, path + "[" + std::to_string(i) + "]");
  return n;
}

}  // namespace

int expect_json_near(const nlohmann::ordered_json& actual, const nlohmann::ordered_json& expected,
                     double tolerance, const std::string& path) {
  if (expected.is_object()) {
    if (!actual.is_object()) {
      ADD_FAILURE() << "expected an object at " << path << ", got " << actual.dump();
      return 0;
    }
    return compare_objects(actual, expected, tolerance, path);
  }
  if (expected.is_array()) {
    if (!actual.is_array()) {
      ADD_FAILURE() << "expected an array at " << path << ", got " << actual.dump();
      return 0;
    }
    return compare_arrays(actual, expected, tolerance, path);
  }
  if (is_integer(expected)) {
    EXPECT_TRUE(is_integer(actual)) << "expected an integer at " << path << ", got " << actual.dump();
    EXPECT_EQ(actual.dump(), expected.dump()) << "at " << path;
    return 1;
  }
  if (expected.is_number_float()) {
    if (!actual.is_number_float()) {
      ADD_FAILURE() << "expected a float at " << path << ", got " << actual.dump();
      return 1;
    }
    const double a = actual.get<double>(), e = expected.get<double>();
    EXPECT_TRUE(std::isfinite(a)) << "non-finite value at " << path;
    EXPECT_NEAR(a, e, tolerance) << "at " << path;
    return 1;
  }
  EXPECT_EQ(actual, expected) << "at " << path;
  return 1;
}

void expect_all_finite(const nlohmann::ordered_json& j, const std::string& path) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) expect_all_finite(v, path + "." + k);
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) expect_all_finite(j[i], path + "[" + std::to_string(i) + "]");
  } else if (j.is_number_float()) {
    EXPECT_TRUE(std::isfinite(j.get<double>())) << "non-finite value at " << path;
  }
}

}  // namespace cartography::stats::testing
