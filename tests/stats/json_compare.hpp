// Value-by-value comparison of a JSON document we produce with an expected one: same keys in
// the same order, same nesting, same array lengths, equal strings/integers/nulls, numbers within
// an absolute tolerance. Failures name the JSON path.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace cartography::stats::testing {

nlohmann::ordered_json load_json(const std::string& path);

// Adds a GoogleTest failure per difference; returns the number of values compared.
int expect_json_near(const nlohmann::ordered_json& actual, const nlohmann::ordered_json& expected,
                     double tolerance, const std::string& path = "$");

// Fails for every NaN or infinity in the document (nlohmann would print them as null).
void expect_all_finite(const nlohmann::ordered_json& j, const std::string& path = "$");

}  // namespace cartography::stats::testing
