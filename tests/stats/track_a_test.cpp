// Track A on synthetic song groups against a numpy rendering of the reference's step 05
// (make_expected.py): pair selection, per-pair values and the summary JSON.
#include <gtest/gtest.h>

#include "pipeline/group_statistics.hpp"
#include "stats/group_fixture.hpp"
#include "stats/json_compare.hpp"
#include "stats/track_a.hpp"

namespace cartography::stats {
namespace {

const std::string kData = CARTO_TEST_DATA;

// Through the pipeline's own per-group function: the pairs it selects are the ones checked here.
std::vector<TrackAPair> all_pairs(const std::vector<testing::Group<testing::Encoding>>& groups) {
  pipeline::GroupRecords records;
  for (const auto& g : groups) {
    std::vector<EncodingView> encodings;
    for (const auto& s : g.signals) encodings.push_back(s.view);
    records.append(pipeline::track_a_records(g.song_group_idx, g.creators, encodings));
  }
  return records.track_a;
}

class TrackATest : public ::testing::Test {
 protected:
  void SetUp() override {
    fixture_ = testing::load_json(kData + "/stats/track_a.json");
    groups_ = testing::encoding_groups(fixture_.at("groups"));
    pairs_ = all_pairs(groups_);
  }
  nlohmann::ordered_json fixture_;
  std::vector<testing::Group<testing::Encoding>> groups_;
  std::vector<TrackAPair> pairs_;
};

TEST_F(TrackATest, SelectsTheReferencePairs) {
  const auto& expected = fixture_.at("pairs");
  ASSERT_EQ(pairs_.size(), expected.size());
  for (size_t i = 0; i < pairs_.size(); ++i) {
    EXPECT_EQ(pairs_[i].key.song_group_idx, expected[i].at("song_group_idx").get<int64_t>());
    EXPECT_EQ(pairs_[i].key.member_a, expected[i].at("member_a").get<int64_t>());
    EXPECT_EQ(pairs_[i].key.member_b, expected[i].at("member_b").get<int64_t>());
    EXPECT_EQ(pairs_[i].n_frames, expected[i].at("n_frames").get<int64_t>());
  }
}

TEST_F(TrackATest, PerPairValuesMatchNumpy) {
  const auto& expected = fixture_.at("pairs");
  ASSERT_EQ(pairs_.size(), expected.size());
  for (size_t i = 0; i < pairs_.size(); ++i) {
    for (size_t d = 0; d < kInterpretableDims.size(); ++d) {
      const auto& e = expected[i].at("dims")[d];
      const auto& a = pairs_[i].dims[d];
      EXPECT_NEAR(a.pearson, e.at("pearson").get<double>(), 1e-12) << "pair " << i << " dim " << d;
      EXPECT_NEAR(a.mad, e.at("mad").get<double>(), 1e-12) << "pair " << i << " dim " << d;
      EXPECT_NEAR(a.cosine, e.at("cosine").get<double>(), 1e-12) << "pair " << i << " dim " << d;
    }
    EXPECT_NEAR(pairs_[i].full_cosine, expected[i].at("full_cosine").get<double>(), 1e-12);
  }
}

TEST_F(TrackATest, ResultsJsonMatchesNumpy) {
  const auto json = to_json(summarize_track_a(pairs_));
  EXPECT_GT(testing::expect_json_near(json, fixture_.at("expected"), 1e-12), 60);
}

TEST_F(TrackATest, LabelsFollowThresholds) {
  EXPECT_EQ(track_a_agreement(0.31), Agreement::Perceptual);
  EXPECT_EQ(track_a_agreement(0.3), Agreement::Mixed);
  EXPECT_EQ(track_a_agreement(0.1), Agreement::Mixed);
  EXPECT_EQ(track_a_agreement(0.099), Agreement::Stylistic);
  const auto s = summarize_track_a(pairs_);
  for (const auto& d : s.dims) EXPECT_EQ(d.agreement, track_a_agreement(d.pearson.mean));
}

TEST_F(TrackATest, RefusesPairsOutOfCanonicalOrder) {
  auto shuffled = pairs_;
  std::swap(shuffled.front(), shuffled.back());
  EXPECT_THROW(summarize_track_a(shuffled), std::invalid_argument);
}

TEST(TrackA, NoPairsGivesTheReferenceEmptyShape) {
  const auto json = to_json(summarize_track_a({}));
  EXPECT_EQ(json.dump(),
            R"({"summary":{},"cross_mapper_cosine_mean":null,"cross_mapper_cosine_std":null,)"
            R"("songs_analyzed":0,"pairs_compared":0})");
}

TEST(TrackA, PairsSkipSameCreator) {
  const std::vector<std::string> creators = {"A", "A", "B", "C", "B"};
  const auto pairs = enumerate_pairs(7, creators);
  const std::vector<std::pair<int64_t, int64_t>> expected = {{0, 2}, {0, 3}, {0, 4}, {1, 2},
                                                             {1, 3}, {1, 4}, {2, 3}, {3, 4}};
  ASSERT_EQ(pairs.size(), expected.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    EXPECT_EQ(pairs[i].song_group_idx, 7);
    EXPECT_EQ(std::make_pair(pairs[i].member_a, pairs[i].member_b), expected[i]);
  }
  EXPECT_EQ(distinct_creators(creators), 3);
  EXPECT_EQ(common_length(std::vector<int64_t>{5, 3, 9}), 3);
}

}  // namespace
}  // namespace cartography::stats
