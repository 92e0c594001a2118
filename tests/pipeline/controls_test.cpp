// The controls of the group phase (group_controls.hpp) and rank 0's summaries of them
// (controls_outputs.hpp) on small fixtures whose answers are known by construction or by hand:
// a chart shifted by 3 frames agrees perfectly at lag +3; three identical charts have ICC and
// alpha 1; hit objects 0/100/200/300 ms against 10/160/200 ms match twice within 50 ms
// (F = 4/7). The measures themselves are checked against SciPy / mir_eval-style goldens in
// tests/controls; here: pair selection, the common length, which songs qualify, the JSON trip,
// and the verdict rule.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "pipeline/controls_outputs.hpp"
#include "pipeline/group_controls.hpp"
#include "pipeline/group_statistics.hpp"
#include "pipeline/stats_records.hpp"

namespace cartography::pipeline {
namespace {

constexpr int64_t kFrames = 400;

// A deterministic signal with spread in every dim: [9, kFrames] row-major, frame t of dim d =
// pattern(t - shift) (the first frames repeat frame 0 when shifted).
std::vector<double> signal(int64_t shift) {
  std::vector<double> x(9 * kFrames);
  for (int64_t d = 0; d < 9; ++d)
    for (int64_t t = 0; t < kFrames; ++t) {
      const int64_t s = std::max<int64_t>(0, t - shift);
      x[size_t(d * kFrames + t)] = double((s * 37 + d * 11) % 17) + 0.5 * double((s * s + d) % 5);
    }
  return x;
}

ControlMember member(const std::string& creator, const std::vector<double>& x, const std::vector<double>& onsets) {
  return {creator, stats::EncodingView(x.data(), 9, kFrames), onsets, {}};
}

TEST(GroupControls, OnsetAndLagPerPairOverTheCommonLength) {
  const std::vector<double> a = signal(0), b = signal(3);
  const std::vector<double> ta = {0, 100, 200, 300}, tb = {10, 160, 200, 1e9};  // 1e9 ms: past the song
  const ControlRecords c = group_controls(4, {member("x", a, ta), member("y", b, tb)}, 0);
  ASSERT_EQ(c.onset.size(), 1u);
  EXPECT_EQ(c.onset[0].key, (stats::PairKey{4, 0, 1}));
  EXPECT_EQ(c.onset[0].onsets_a, 4);
  EXPECT_EQ(c.onset[0].onsets_b, 3);  // the onset beyond the compared frames is left out
  EXPECT_EQ(c.onset[0].matches, 2);
  EXPECT_NEAR(c.onset[0].precision, 2.0 / 3.0, 1e-15);
  EXPECT_NEAR(c.onset[0].recall, 0.5, 1e-15);
  EXPECT_NEAR(c.onset[0].f, 4.0 / 7.0, 1e-15);
  ASSERT_EQ(c.lag.size(), 1u);
  EXPECT_EQ(c.lag[0].best_lag, 3);  // member b's events come 3 frames later
  EXPECT_NEAR(c.lag[0].best_score, 1.0, 1e-12);
  for (double r : c.lag[0].r_best) EXPECT_NEAR(r, 1.0, 1e-12);
  EXPECT_LT(c.lag[0].zero_score, 0.9);
  EXPECT_TRUE(c.reliability.empty());  // two creators: no ICC
}

TEST(GroupControls, ReliabilityOnlyWithThreeCreatorsOneRaterEach) {
  const std::vector<double> x = signal(0), other = signal(5);
  // "a" twice: its first member is its rater; the second (different) one is not rated.
  const ControlRecords c =
      group_controls(2, {member("a", x, {}), member("b", x, {}), member("a", other, {}), member("c", x, {})}, 0);
  EXPECT_EQ(c.onset.size(), 5u);  // pairs of different creators only: 6 - 1
  ASSERT_EQ(c.reliability.size(), 1u);
  EXPECT_EQ(c.reliability[0].raters, 3);
  EXPECT_EQ(c.reliability[0].frames, kFrames);
  for (const auto& d : c.reliability[0].dims) {
    ASSERT_TRUE(d.icc.defined && d.alpha.defined);
    EXPECT_NEAR(d.icc.value, 1.0, 1e-12);
    EXPECT_NEAR(d.alpha.value, 1.0, 1e-12);
  }
  // Empty charts score 0 (mir_eval's convention), never NaN.
  EXPECT_EQ(c.onset[0].f, 0.0);
  EXPECT_TRUE(group_controls(2, {member("a", x, {}), member("a", x, {})}, 0).onset.empty());
}

TEST(GroupControls, RandomEncodersReuseTheTrainedModelsFunctions) {
  const std::vector<double> x = signal(0), y = signal(2);
  std::vector<float> z1(4 * 23), z2(4 * 23);
  for (size_t i = 0; i < z1.size(); ++i) z1[i] = float((i * 7) % 11), z2[i] = float((i * 5) % 13);
  const stats::LatentView v1(z1.data(), 4, 23), v2(z2.data(), 4, 23);
  const std::vector<double> none;
  ControlMember a = member("a", x, none), b = member("b", y, none);
  a.random = {v1, v2};
  b.random = {v2, std::nullopt};  // encoder 1 failed on b: no Track B for it, a keeps its map
  const ControlRecords c = group_controls(9, {a, b}, 2);
  ASSERT_EQ(c.random.size(), 2u);
  const GroupRecords expected = track_b_records(9, {"a", "b"}, {v1, v2});
  EXPECT_EQ(c.random[0].song_group_idx, 9);
  EXPECT_EQ(c.random[0].encoder, 0);
  ASSERT_EQ(c.random[0].track_b.size(), 1u);
  EXPECT_EQ(records_to_json(GroupRecords{{}, c.random[0].track_b, c.random[0].members, {}, {}}),
            records_to_json(expected));
  EXPECT_EQ(c.random[0].beatmaps.size(), 2u);
  EXPECT_TRUE(c.random[1].track_b.empty());
  EXPECT_EQ(c.random[1].beatmaps.size(), 1u);
}

TEST(GroupControls, ControlSongsAreAFixedSubsetOfTheIndex) {
  const auto pick = choose_control_songs(50, 20, 7);
  EXPECT_EQ(std::count(pick.begin(), pick.end(), 1), 20);
  EXPECT_EQ(pick, choose_control_songs(50, 20, 7));
  EXPECT_NE(pick, choose_control_songs(50, 20, 8));
  const auto more = choose_control_songs(50, 21, 7);  // a larger limit keeps every chosen song
  for (size_t i = 0; i < pick.size(); ++i) EXPECT_LE(pick[i], more[i]);
  const auto all = choose_control_songs(5, 20, 7);
  EXPECT_EQ(std::count(all.begin(), all.end(), 1), 5);
  const auto none = choose_control_songs(5, 0, 7);
  EXPECT_EQ(std::count(none.begin(), none.end(), 1), 0);
  EXPECT_NE(random_encoder_seed(7, 0), random_encoder_seed(7, 1));
}

TEST(GroupControls, RecordsSurviveTheTripToRankZeroExactly) {
  const std::vector<double> x = signal(0), y = signal(1), w = signal(4);
  std::vector<float> z(4 * 23, 0.25f);
  for (size_t i = 0; i < z.size(); ++i) z[i] = float(std::sin(double(i)));
  // The onset times outlive the members (a ControlMember holds a span of them).
  const std::vector<double> onsets_a{1, 2.5, 700}, onsets_b{3}, none;
  ControlMember a = member("a", x, onsets_a), b = member("b", y, onsets_b), c = member("c", w, none);
  for (ControlMember* m : {&a, &b, &c}) m->random = {stats::LatentView(z.data(), 4, 23)};
  GroupRecords r;
  r.controls = group_controls(1, {a, b, c}, 1);
  const io::Json j = records_to_json(r);
  EXPECT_EQ(records_to_json(records_from_json(j)), j);
  EXPECT_EQ(j.at("controls").at("onset").size(), 3u);
  EXPECT_EQ(j.at("controls").at("reliability").size(), 1u);
}

// Summaries ------------------------------------------------------------------------------------

stats::TrackBPair b_pair(int64_t song, double full_cosine) {
  stats::TrackBPair p;
  p.key = {song, 0, 1};
  p.n_frames = 10;
  p.dims = {{full_cosine, full_cosine}};
  p.full_cosine = full_cosine;
  return p;
}

stats::TrackAPair a_pair(int64_t song, double full_cosine) {
  stats::TrackAPair p;
  p.key = {song, 0, 1};
  p.full_cosine = full_cosine;
  return p;
}

// Three songs of one pair each: trained latent full cosine `trained`, random `random`, raw 0.6.
GroupRecords merged(double trained, const std::vector<double>& random) {
  GroupRecords m;
  for (int64_t s = 0; s < 3; ++s) {
    m.track_a.push_back(a_pair(s, 0.6));
    m.track_b.push_back(b_pair(s, trained + 0.01 * double(s)));
    for (size_t k = 0; k < random.size(); ++k)
      m.controls.random.push_back({s, int64_t(k), {b_pair(s, random[k] + 0.01 * double(s))}, {}, {}});
  }
  return m;
}

TEST(ControlsOutputs, TheVerdictNeedsTheLearnedEncoderToBeatItsArchitecture) {
  const IntervalSpec spec{200, 0.95, 3};
  const io::Json holds = random_encoder_json({}, merged(0.9, {0.5, 0.7}), 2, spec);
  const io::Json& fc = holds.at("stats").at("track_b.full_cosine");
  EXPECT_NEAR(fc.at("trained").at("estimate").get<double>(), 0.91, 1e-12);
  EXPECT_NEAR(fc.at("random").at("estimate").get<double>(), 0.61, 1e-12);  // mean over the 2 encoders
  EXPECT_NEAR(fc.at("difference").at("estimate").get<double>(), 0.30, 1e-12);
  EXPECT_EQ(holds.at("songs"), 3);
  EXPECT_EQ(holds.at("verdict").at("statement"), "latent agreement exceeds raw agreement");
  EXPECT_NE(random_encoder_verdict(holds), "");
  // Latent above raw, but a random encoder does as well: no verdict.
  const io::Json not_learned = random_encoder_json({}, merged(0.9, {0.95, 0.95}), 2, spec);
  EXPECT_TRUE(not_learned.at("verdict").at("latent_exceeds_raw").get<bool>());
  EXPECT_FALSE(not_learned.at("verdict").at("holds_against_control").get<bool>());
  EXPECT_TRUE(not_learned.at("verdict").at("statement").is_null());
  EXPECT_EQ(random_encoder_verdict(not_learned), "");
  // Learned beats random, but the latent is below raw agreement: no verdict either.
  EXPECT_FALSE(random_encoder_json({}, merged(0.5, {0.3}), 1, spec).at("verdict").at("holds_against_control"));
}

// The intervals resample songs, not weight draws: an untrained model sits inside the spread of
// the random draws even when it beats their mean on every song (the bundled UNTRAINED checkpoint
// does exactly this on corpus_small). The trained model must also beat each draw on its own.
TEST(ControlsOutputs, TheVerdictNeedsTheTrainedModelAboveEveryRandomDraw) {
  const IntervalSpec spec{200, 0.95, 3};
  // Mean of the random draws 0.65, far below 0.8 on every song; one draw is above it.
  const io::Json inside = random_encoder_json({}, merged(0.8, {0.4, 0.7, 0.85}), 3, spec);
  const io::Json& v = inside.at("verdict");
  EXPECT_TRUE(v.at("learned_exceeds_random").get<bool>());
  EXPECT_FALSE(v.at("trained_above_every_encoder").get<bool>());
  EXPECT_NEAR(v.at("seed_rank_p").get<double>(), 2.0 / 4.0, 1e-15);  // (1 + one draw above) / (3 + 1)
  EXPECT_FALSE(v.at("holds_against_control").get<bool>());
  EXPECT_EQ(random_encoder_verdict(inside), "");
  const io::Json& each = inside.at("per_encoder");
  ASSERT_EQ(each.size(), 3u);
  EXPECT_NEAR(each[2].at("random_full_cosine").get<double>(), 0.86, 1e-12);  // songs 0.85, 0.86, 0.87
  EXPECT_NEAR(each[2].at("trained_full_cosine").get<double>(), 0.81, 1e-12);
  EXPECT_EQ(each[2].at("pairs"), 3);
  // Above all three: the verdict, with the smallest p three draws allow.
  const io::Json above = random_encoder_json({}, merged(0.9, {0.4, 0.7, 0.85}), 3, spec);
  EXPECT_TRUE(above.at("verdict").at("holds_against_control").get<bool>());
  EXPECT_NEAR(above.at("verdict").at("seed_rank_p").get<double>(), 0.25, 1e-15);
  EXPECT_NE(random_encoder_verdict(above).find("seed-rank p = 0.25"), std::string::npos) << random_encoder_verdict(above);
}

TEST(ControlsOutputs, WithoutResamplesOnlyEstimatesAndNoSongNoNumber) {
  ControlRecords c;
  c.onset = {{{0, 0, 1}, 0.5, 0.5, 0.5, 1, 2, 2}, {{0, 0, 2}, 1.0, 1, 1, 2, 2, 2}, {{3, 0, 1}, 0.0, 0, 0, 0, 0, 4}};
  c.lag = {{{0, 0, 1}, -2, 0.5, 0.4, {}, {}}, {{0, 0, 2}, -2, 0.5, 0.4, {}, {}}, {{3, 0, 1}, 1, 0.9, 0.9, {}, {}}};
  const IntervalSpec none{0, 0.95, 0};
  const io::Json agreement = agreement_json(c, none);
  EXPECT_NEAR(agreement.at("onset_f_measure").at("f").at("estimate").get<double>(), 0.5, 1e-15);  // mean over pairs
  EXPECT_TRUE(agreement.at("onset_f_measure").at("f").at("lo").is_null());
  EXPECT_EQ(agreement.at("onset_f_measure").at("pairs_with_an_empty_chart"), 1);
  EXPECT_TRUE(agreement.at("reliability").at("dims")[0].at("icc_2_1").at("mean_over_songs").is_null());
  const io::Json lag = lag_json(c, none);
  EXPECT_EQ(lag.at("songs")[0].at("lag_counts"), io::Json::parse("[[-2, 2]]"));
  EXPECT_EQ(lag.at("songs")[1].at("song_group_idx"), 3);
  EXPECT_NEAR(lag.at("abs_best_lag_ms").at("estimate").get<double>(), 5.0 / 3.0 * 98.0 / 16.384, 1e-12);
}

TEST(ControlsOutputs, BootstrapCiCoversTrackAAndSynthesisCellsBySong) {
  GroupRecords m = merged(0.9, {});
  std::vector<GroupOutcome> outcomes(3);
  for (int s = 0; s < 3; ++s) {
    outcomes[size_t(s)].song_group_idx = s;
    outcomes[size_t(s)].maps.resize(1);
    stats::BeatmapSynthesis b;
    b.upsampled = stats::Matrix{1, 9, std::vector<double>(9, 0.1 * double(s + 1))};
    m.beatmaps.push_back(b);
  }
  const io::Json j = bootstrap_ci_json(outcomes, m, {100, 0.9, 1});
  EXPECT_NEAR(j.at("synthesis_v1").at("correlation")[0][4].at("estimate").get<double>(), 0.2, 1e-15);
  EXPECT_NEAR(j.at("track_a").at("full_cosine").at("estimate").get<double>(), 0.6, 1e-15);
  const double lo = j.at("track_b").at("full_cosine").at("lo"), hi = j.at("track_b").at("full_cosine").at("hi");
  EXPECT_LE(lo, 0.91);
  EXPECT_GE(hi, 0.91);
  EXPECT_GE(lo, 0.9);  // the songs' values are 0.90, 0.91, 0.92
  outcomes.pop_back();  // a synthesis record without its map is a bug, not a number
  EXPECT_THROW(bootstrap_ci_json(outcomes, m, {100, 0.9, 1}), std::logic_error);
}

TEST(ControlsOutputs, NullBaselineSetsEachRealPairBesideItsNullPair) {
  GroupRecords m = merged(0.9, {});
  NullRecords n;
  for (int64_t s = 0; s < 3; ++s) {
    n.track_a.push_back(a_pair(s, 0.1 * double(s + 1)));  // 0.1, 0.2, 0.3 beside 0.6 each
    n.a_pairs.push_back({s, 0, (s + 1) % 3, 1});
  }
  n.track_b = {b_pair(0, 0.5)};
  n.a_real_index = {0, 1, 2};
  n.b_real_index = {2};
  n.b_pairs = {{2, 0, 0, 1}};
  const io::Json j = null_baseline_json(m, n, {0, 0.95, 0});
  EXPECT_NEAR(j.at("track_a").at("full_cosine").at("difference").at("estimate").get<double>(), 0.4, 1e-15);
  // Pooled sd sqrt((0 + 0.02) / 4): d = 0.4 / sqrt(0.005) = 4 sqrt(2).
  EXPECT_NEAR(j.at("track_a").at("full_cosine").at("cohens_d").get<double>(), 4 * std::sqrt(2.0), 1e-9);
  EXPECT_EQ(j.at("track_a").at("full_cosine").at("n"), 3);
  EXPECT_NEAR(j.at("track_b").at("full_cosine").at("real").at("estimate").get<double>(), 0.92, 1e-15);
  EXPECT_NEAR(j.at("track_b").at("full_cosine").at("null").at("estimate").get<double>(), 0.5, 1e-15);
  n.b_real_index = {7};
  EXPECT_THROW(null_baseline_json(m, n, {0, 0.95, 0}), std::logic_error);
}

}  // namespace
}  // namespace cartography::pipeline
