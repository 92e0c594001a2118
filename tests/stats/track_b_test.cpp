// Track B on synthetic float32 latents against a numpy rendering of the reference's step 07
// (make_expected.py).
#include <gtest/gtest.h>

#include "pipeline/group_statistics.hpp"
#include "stats/group_fixture.hpp"
#include "stats/json_compare.hpp"
#include "stats/track_b.hpp"

namespace cartography::stats {
namespace {

const std::string kData = CARTO_TEST_DATA;

// Through the pipeline's own per-group function: the pairs and members it makes are the ones
// checked here.
pipeline::GroupRecords gather(const std::vector<testing::Group<testing::Latent>>& groups) {
  pipeline::GroupRecords records;
  for (const auto& g : groups) {
    std::vector<LatentView> latents;
    for (const auto& s : g.signals) latents.push_back(s.view);
    records.append(pipeline::track_b_records(g.song_group_idx, g.creators, latents));
  }
  return records;
}

class TrackBTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fixture_ = testing::load_json(kData + "/stats/track_b.json");
    groups_ = testing::latent_groups(fixture_.at("groups"));
    gathered_ = gather(groups_);
  }
  nlohmann::ordered_json fixture_;
  std::vector<testing::Group<testing::Latent>> groups_;
  pipeline::GroupRecords gathered_;
};

TEST_F(TrackBTest, PerPairValuesMatchNumpy) {
  const auto& expected = fixture_.at("pairs");
  ASSERT_EQ(gathered_.track_b.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    const auto& p = gathered_.track_b[i];
    EXPECT_EQ(p.key.song_group_idx, expected[i].at("song_group_idx").get<int64_t>());
    EXPECT_EQ(p.key.member_a, expected[i].at("member_a").get<int64_t>());
    EXPECT_EQ(p.key.member_b, expected[i].at("member_b").get<int64_t>());
    ASSERT_EQ(p.dims.size(), expected[i].at("dims").size());
    for (size_t d = 0; d < p.dims.size(); ++d) {
      const auto& e = expected[i].at("dims")[d];
      EXPECT_NEAR(p.dims[d].pearson, e.at("pearson").get<double>(), 1e-12) << i << "/" << d;
      EXPECT_NEAR(p.dims[d].cosine, e.at("cosine").get<double>(), 1e-6) << i << "/" << d;
    }
    EXPECT_NEAR(p.full_cosine, expected[i].at("full_cosine").get<double>(), 1e-6);
  }
}

TEST_F(TrackBTest, BetweenCreatorVarianceIsFloat32BitExact) {
  const auto& expected = fixture_.at("song_between_var");
  size_t song = 0;
  for (const auto& e : expected) {
    const int64_t idx = e.at("song_group_idx").get<int64_t>();
    std::vector<TrackBMember> members;
    for (const auto& m : gathered_.members)
      if (m.song_group_idx == idx) members.push_back(m);
    const auto var = between_creator_variance(members);
    ASSERT_EQ(var.size(), e.at("between_var").size());
    for (size_t d = 0; d < var.size(); ++d)
      EXPECT_EQ(static_cast<double>(var[d]), e.at("between_var")[d].get<double>())
          << "song " << idx << " dim " << d;
    ++song;
  }
  EXPECT_EQ(song, 3u);
}

TEST_F(TrackBTest, ResultsJsonMatchesNumpy) {
  const auto summary = summarize_track_b(gathered_.track_b, gathered_.members);
  const auto json = to_json(summary);
  EXPECT_GT(testing::expect_json_near(json, fixture_.at("expected"), 1e-6), 400);
  // Float32 accumulation emulated exactly; the ranking is by float64 means.
  for (const auto& d : fixture_.at("expected").at("dim_summary").items())
    EXPECT_EQ(json.at("dim_summary").at(d.key()).at("between_var_mean").get<double>(),
              d.value().at("between_var_mean").get<double>());
}

TEST_F(TrackBTest, RankingIsStableByMeanPearsonDescending) {
  const auto s = summarize_track_b(gathered_.track_b, gathered_.members);
  ASSERT_EQ(s.ranking.size(), s.dims.size());
  for (size_t i = 1; i < s.ranking.size(); ++i) {
    const auto& prev = s.dims[s.ranking[i - 1]];
    const auto& cur = s.dims[s.ranking[i]];
    EXPECT_GE(prev.pearson.mean, cur.pearson.mean);
    if (prev.pearson.mean == cur.pearson.mean) {
      EXPECT_LT(prev.dim, cur.dim);
    }
  }
}

TEST(TrackB, FrameStrideAndLabels) {
  EXPECT_EQ(track_b_frame_stride(1), 1);
  EXPECT_EQ(track_b_frame_stride(199), 1);
  EXPECT_EQ(track_b_frame_stride(200), 2);
  EXPECT_EQ(track_b_frame_stride(1234), 12);
  EXPECT_EQ(track_b_agreement(0.05), Agreement::Mixed);
  EXPECT_EQ(track_b_agreement(0.0499), Agreement::Stylistic);
  EXPECT_EQ(track_b_agreement(0.3001), Agreement::Perceptual);
}

TEST(TrackB, NoPairsGivesTheReferenceEmptyShape) {
  const auto json = to_json(summarize_track_b({}, {}));
  EXPECT_EQ(json.dump(),
            R"({"dim_summary":{},"dim_ranking":[],"full_cosine_mean":null,"full_cosine_std":null,)"
            R"("songs_analyzed":0,"pairs_compared":0,)"
            R"("taxonomy":{"perceptual":0,"mixed":0,"stylistic":0}})");
}

TEST(TrackB, ASongWithPairsNeedsItsMembers) {
  TrackBPair p;
  p.key = {3, 0, 1};
  p.dims.resize(2);
  EXPECT_THROW(summarize_track_b(std::vector<TrackBPair>{p}, {}), std::invalid_argument);
}

}  // namespace
}  // namespace cartography::stats
