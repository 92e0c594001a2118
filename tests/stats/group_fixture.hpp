// Song groups described in the expected-value files: {song_group_idx, members: [{creator,
// signal}]}, expanded into owned signals plus the creators list the pair enumeration takes.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stats/signal_spec.hpp"

namespace cartography::stats::testing {

template <class Signal>
struct Group {
  int64_t song_group_idx = 0;
  std::vector<std::string> creators;
  std::vector<Signal> signals;
  std::vector<int64_t> lengths() const {
    std::vector<int64_t> out;
    for (const auto& s : signals) out.push_back(s.view.length);
    return out;
  }
};

inline std::vector<Group<Encoding>> encoding_groups(const nlohmann::ordered_json& groups) {
  std::vector<Group<Encoding>> out;
  for (const auto& g : groups) {
    Group<Encoding> group{g.at("song_group_idx").get<int64_t>(), {}, {}};
    for (const auto& m : g.at("members")) {
      group.creators.push_back(m.at("creator").get<std::string>());
      group.signals.push_back(make_encoding(parse_spec(m.at("signal"))));
    }
    out.push_back(std::move(group));
  }
  return out;
}

inline std::vector<Group<Latent>> latent_groups(const nlohmann::ordered_json& groups) {
  std::vector<Group<Latent>> out;
  for (const auto& g : groups) {
    Group<Latent> group{g.at("song_group_idx").get<int64_t>(), {}, {}};
    for (const auto& m : g.at("members")) {
      group.creators.push_back(m.at("creator").get<std::string>());
      group.signals.push_back(make_latent(parse_spec(m.at("signal"))));
    }
    out.push_back(std::move(group));
  }
  return out;
}

}  // namespace cartography::stats::testing
