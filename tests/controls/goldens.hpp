// The goldens of tests/data/controls/goldens.json (written by make_goldens.py beside it) and the
// one tolerance every comparison uses.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cartography::controls::testing {

const nlohmann::ordered_json& goldens();

// 1e-9 absolute for |expected| <= 1, relative beyond: the measures live mostly in [-1, 1],
// bootstrap ratios and Cohen's d can exceed it. The arithmetic differs from the goldens'
// (summation order, algebraic route) by ~1e-15, so 1e-9 leaves room only for real errors.
inline constexpr double kTolerance = 1e-9;
::testing::AssertionResult near(double actual, double expected);

std::vector<double> doubles(const nlohmann::ordered_json& j);

}  // namespace cartography::controls::testing
