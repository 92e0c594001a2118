// Lag-tolerant agreement against numpy.corrcoef over the overlapping frames (make_goldens.py).
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "controls/goldens.hpp"
#include "controls/lag.hpp"
#include "controls/real_encodings.hpp"

namespace cartography::controls {
namespace {

using testing::doubles;
using testing::goldens;
using testing::near;

void expect_lag(const LagAgreement& got, const nlohmann::ordered_json& c) {
  const std::string n = c.at("name");
  EXPECT_EQ(got.best_lag, c.at("best_lag").get<int64_t>()) << n;
  EXPECT_TRUE(near(got.best_score, c.at("best_score").get<double>())) << n;
  EXPECT_TRUE(near(got.zero_score, c.at("zero_score").get<double>())) << n;
  const auto rb = doubles(c.at("r_best")), rz = doubles(c.at("r_zero"));
  ASSERT_EQ(got.r_best.size(), rb.size()) << n;
  ASSERT_EQ(got.r_zero.size(), rz.size()) << n;
  for (size_t d = 0; d < rb.size(); ++d) {
    EXPECT_TRUE(near(got.r_best[d], rb[d])) << n << " dim " << d;
    EXPECT_TRUE(near(got.r_zero[d], rz[d])) << n << " dim " << d;
  }
}

TEST(Lag, MatchesNumpyCorrcoef) {
  int n_cases = 0;
  for (const auto& c : goldens().at("lag")) {
    if (c.contains("npz_keys")) continue;
    const auto dims = c.at("dims").get<int64_t>(), frames = c.at("frames").get<int64_t>();
    const auto a = doubles(c.at("a")), b = doubles(c.at("b"));
    expect_lag(lag_agreement(stats::EncodingView(a, dims, frames),
                             stats::EncodingView(b, dims, frames), c.at("max_lag").get<int64_t>()),
               c);
    ++n_cases;
  }
  EXPECT_GE(n_cases, 5);
}

TEST(Lag, RealPairMatchesNumpy) {
  const auto& real = goldens().at("reliability_corpus_small");
  const auto enc = testing::load_real_encodings(real.at("npz").get<std::string>());
  for (const auto& c : goldens().at("lag")) {
    if (!c.contains("npz_keys")) continue;
    const auto v = enc.views(c.at("npz_keys"), c.at("frames").get<int64_t>());
    expect_lag(lag_agreement(v[0], v[1], c.at("max_lag").get<int64_t>()), c);
  }
}

TEST(Lag, FloatLatentsFindTheShift) {
  std::vector<float> a(2 * 60), b(2 * 60);
  for (int t = 0; t < 60; ++t) {
    a[t] = static_cast<float>((t * 7) % 11);
    a[60 + t] = static_cast<float>((t * 5) % 13);
  }
  for (int d = 0; d < 2; ++d)
    for (int t = 0; t < 60; ++t) b[d * 60 + t] = t >= 4 ? a[d * 60 + t - 4] : 0.0f;
  const auto got = lag_agreement(stats::LatentView(a, 2, 60), stats::LatentView(b, 2, 60), 17);
  EXPECT_EQ(got.best_lag, 4);
  EXPECT_NEAR(got.best_score, 1.0, 1e-12);
}

TEST(Lag, FramesCovering100MsAndBadInput) {
  EXPECT_EQ(frames_covering_ms(100.0), kDefaultMaxLagFrames);
  EXPECT_EQ(frames_covering_ms(0.0), 0);
  EXPECT_THROW(frames_covering_ms(-1.0), std::invalid_argument);
  const std::vector<double> a(2 * 5, 0.0), b(2 * 6, 0.0);
  EXPECT_THROW(lag_agreement(stats::EncodingView(a, 2, 5), stats::EncodingView(b, 2, 6)),
               std::invalid_argument);
  EXPECT_THROW(lag_agreement(stats::EncodingView(a, 2, 5), stats::EncodingView(a, 2, 5), -1),
               std::invalid_argument);
}

}  // namespace
}  // namespace cartography::controls
