// The .osu fixtures and what the reference did with each (tests/data/osu_golden/encode_9dim.json).
#pragma once

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cartography::testing {

inline std::string osu_fixture(const std::string& name) { return std::string(CARTO_TEST_DATA) + "/osu/" + name; }
inline std::string golden_path(const std::string& file) { return std::string(CARTO_TEST_DATA) + "/osu_golden/" + file; }

inline constexpr const char* kMarathon = "ppy-osu__Within_Temptation_-_The_Unforgiving_Armin_Marathon_.osu";

struct ReferenceOutcome {
  std::string name;
  bool ok = false;
  std::string error;  // the reference's exception, for rejected files
};

inline std::vector<ReferenceOutcome> reference_outcomes() {
  std::ifstream in(golden_path("encode_9dim.json"));
  const auto json = nlohmann::json::parse(in);
  std::vector<ReferenceOutcome> out;
  for (const auto& [name, v] : json.items())
    out.push_back({name, v.at("ok").get<bool>(), v.value("error", std::string())});
  return out;
}

// gtest parameter names allow only letters, digits and '_'.
inline std::string test_name_of(const std::string& file) {
  std::string out;
  for (char c : file) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

}  // namespace cartography::testing
