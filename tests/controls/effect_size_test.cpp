// Cohen's d (pooled) and d_z against numpy (make_goldens.py).
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "controls/effect_size.hpp"
#include "controls/goldens.hpp"

namespace cartography::controls {
namespace {

using testing::doubles;
using testing::goldens;
using testing::near;

void expect_effect(const EffectSize& e, const nlohmann::ordered_json& w, const std::string& n) {
  EXPECT_TRUE(near(e.mean_a, w.at("mean_a").get<double>())) << n;
  EXPECT_TRUE(near(e.mean_b, w.at("mean_b").get<double>())) << n;
  EXPECT_TRUE(near(e.difference, w.at("difference").get<double>())) << n;
  EXPECT_TRUE(near(e.cohens_d, w.at("cohens_d").get<double>())) << n;
  EXPECT_EQ(e.d_defined, w.at("d_defined").get<bool>()) << n;
}

TEST(EffectSize, IndependentMatchesNumpy) {
  for (const auto& c : goldens().at("effect_size").at("independent")) {
    const auto a = doubles(c.at("a")), b = doubles(c.at("b"));
    const auto e = effect_size(a, b);
    EXPECT_EQ(e.n_a, static_cast<int64_t>(a.size()));
    EXPECT_EQ(e.n_b, static_cast<int64_t>(b.size()));
    expect_effect(e, c, c.at("name"));
  }
}

TEST(EffectSize, PairedMatchesNumpy) {
  for (const auto& c : goldens().at("effect_size").at("paired")) {
    const std::string n = c.at("name");
    const auto p = paired_effect_size(doubles(c.at("a")), doubles(c.at("b")));
    expect_effect(p.independent, c.at("independent"), n);
    EXPECT_TRUE(near(p.mean_difference, c.at("mean_difference").get<double>())) << n;
    EXPECT_TRUE(near(p.cohens_dz, c.at("cohens_dz").get<double>())) << n;
    EXPECT_EQ(p.dz_defined, c.at("dz_defined").get<bool>()) << n;
  }
}

TEST(EffectSize, EmptyAndMismatchedInput) {
  const auto e = effect_size({}, {});
  EXPECT_FALSE(e.d_defined);
  EXPECT_EQ(e.difference, 0.0);
  const std::vector<double> a = {1.0, 2.0}, b = {1.0};
  EXPECT_THROW(paired_effect_size(a, b), std::invalid_argument);
}

}  // namespace
}  // namespace cartography::controls
