// `cartography cross-validate` without MPI (pipeline/cross_validation.hpp): the split by mapper
// count, the subset folders, and the two result files checked against the seed's own
// (tests/data/train/cross_validate/, copied by copy_seed_files.sh): its Track B result gives its
// "original" block, its track_b_cv.json gives the "cv_test" block, and the delta and verdict
// computed from them must be the seed's to the last bit.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "pipeline/cross_validation.hpp"

namespace cartography::pipeline::cv {
namespace {
namespace fs = std::filesystem;

const std::string kSeed = CARTO_TEST_DATA "/train/cross_validate/";

io::Json read_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return io::Json::parse(in);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

catalog::SongGroup group(const std::string& title, std::vector<std::string> mappers,
                         std::vector<std::string> files) {
  catalog::SongGroup g;
  g.title = title;
  g.mappers = std::move(mappers);
  for (const std::string& f : files) g.beatmapsets.push_back({0, "", f});
  return g;
}

// The seed's track_b_cv.json read back as the Track B result it was made from (the same fields
// under run's names: songs_analyzed for test_songs).
TrackB seed_cv_track_b() {
  const io::Json seed = read_json(kSeed + "seed_track_b_cv.json");
  io::Json t = {{"dim_summary", seed.at("dim_summary")},       {"dim_ranking", seed.at("dim_ranking")},
                {"full_cosine_mean", seed.at("full_cosine_mean")}, {"full_cosine_std", seed.at("full_cosine_std")},
                {"songs_analyzed", seed.at("test_songs")},       {"pairs_compared", seed.at("pairs_compared")}};
  return {"seed_track_b_cv.json", t};
}

TEST(CrossValidationSplit, TwoMapperSongsTrainAndThreeOrMoreTest) {
  const std::vector<catalog::SongGroup> groups = {
      group("five", {"a", "b", "c", "d", "e"}, {"50.osz", "51.osz", "52.osz", "53.osz", "54.osz"}),
      group("three", {"a", "b", "c"}, {"30.osz", "31.osz", "32.osz"}),
      // Two mappers, three archives (one mapper charted it twice): all three train.
      group("two", {"a", "b"}, {"21.osz", "20.osz", "22.osz"}),
      group("two again", {"c", "d"}, {"10.osz", "11.osz"}),
  };
  const CvSplit s = split_by_mapper_count(groups);
  EXPECT_EQ(s.train_songs, 2u);
  EXPECT_EQ(s.test_songs, 2u);
  EXPECT_EQ(s.train_archives, (std::vector<std::string>{"10.osz", "11.osz", "20.osz", "21.osz", "22.osz"}));
  EXPECT_EQ(s.test_archives,
            (std::vector<std::string>{"30.osz", "31.osz", "32.osz", "50.osz", "51.osz", "52.osz", "53.osz", "54.osz"}));
}

TEST(CrossValidationSplit, NoTwoMapperSongOrNoThreeMapperSongIsRefusedSayingWhy) {
  try {
    split_by_mapper_count({group("three", {"a", "b", "c"}, {"1.osz", "2.osz", "3.osz"})});
    FAIL() << "no error";
  } catch (const CvError& e) {
    EXPECT_NE(std::string(e.what()).find("no song has exactly two mappers"), std::string::npos) << e.what();
  }
  try {
    split_by_mapper_count({group("two", {"a", "b"}, {"1.osz", "2.osz"})});
    FAIL() << "no error";
  } catch (const CvError& e) {
    EXPECT_NE(std::string(e.what()).find("no song has three or more mappers"), std::string::npos) << e.what();
  }
  EXPECT_THROW(split_by_mapper_count({}), CvError);
}

TEST(CrossValidationSubsets, TheFolderHoldsExactlyLinksToTheNamedArchives) {
  const fs::path root = fs::path(testing::TempDir()) / "cv_subsets";
  fs::remove_all(root);
  fs::create_directories(root / "data");
  for (const char* name : {"1.osz", "2.osz", "3.osz"}) std::ofstream(root / "data" / name) << name;
  const std::string folder = (root / "subset").string();
  make_subset_folder(folder, (root / "data").string(), {"1.osz", "3.osz", "2.osz"});
  make_subset_folder(folder, (root / "data").string(), {"1.osz", "3.osz"});  // replaces the first
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(folder)) {
    EXPECT_TRUE(fs::is_symlink(e.symlink_status())) << e.path();
    EXPECT_EQ(read_text(e.path().string()), e.path().filename().string());  // the archive's own bytes
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"1.osz", "3.osz"}));
  EXPECT_TRUE(fs::exists(root / "data" / "2.osz"));  // the archives are never touched
  EXPECT_THROW(make_subset_folder(folder, (root / "data").string(), {"1.osz", "1.osz"}), CvError);
  // A folder holding anything but links is not an earlier subset folder: left alone.
  std::ofstream(fs::path(folder) / "notes.txt") << "mine";
  try {
    make_subset_folder(folder, (root / "data").string(), {"2.osz"});
    FAIL() << "no error";
  } catch (const CvError& e) {
    EXPECT_NE(std::string(e.what()).find("notes.txt"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::exists(fs::path(folder) / "notes.txt"));
}

TEST(CrossValidationResults, TheSeedsBlocksDeltaAndVerdictComeOutOfItsTrackBResults) {
  const io::Json seed = read_json(kSeed + "seed_cv_comparison.json");
  const TrackB original = read_track_b(kSeed + "seed_track_b.json");
  const TrackB cv_test = seed_cv_track_b();
  EXPECT_EQ(comparison_block(original), seed.at("original"));
  EXPECT_EQ(comparison_block(cv_test), seed.at("cv_test"));
  EXPECT_EQ(cosine_delta(seed.at("original"), seed.at("cv_test")), seed.at("delta"));  // exact doubles

  CvSplit split;
  split.train_songs = 1;
  const io::Json j = cv_comparison_json(original, cv_test, original, split);
  EXPECT_EQ(j.at("original"), seed.at("original"));
  EXPECT_EQ(j.at("cv_test"), seed.at("cv_test"));
  EXPECT_EQ(j.at("delta"), seed.at("delta"));
  EXPECT_EQ(j.at("full_model_on_test"), seed.at("original"));
  EXPECT_EQ(j.at("delta_vs_full_on_test"), seed.at("delta"));
  // The seed's keys first, in its order: a reader of its file reads ours.
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(std::vector<std::string>(keys.begin(), keys.begin() + 3), (std::vector<std::string>{"original", "cv_test", "delta"}));
}

TEST(CrossValidationResults, TrackBCvIsTheSeedsFileByteForByte) {
  const io::Json ours = track_b_cv_json(seed_cv_track_b(), "epoch=3-step=37996.ckpt");
  EXPECT_EQ(io::dump_python_style(ours), read_text(kSeed + "seed_track_b_cv.json"));
}

TEST(CrossValidationResults, VerdictHoldsDownToAFivePercentDrop) {
  const auto verdict = [](double base, double cv) {
    return cosine_delta({{"full_cosine_mean", base}}, {{"full_cosine_mean", cv}}).at("verdict").get<std::string>();
  };
  EXPECT_EQ(verdict(0.8, 0.9), kHolds);
  EXPECT_EQ(verdict(0.8, 0.77), kHolds);      // -3.75 %
  EXPECT_EQ(verdict(0.8, 0.7608), kHolds);       // -4.9 %
  EXPECT_EQ(verdict(0.8, 0.7592), kDoesNotHold);  // -5.1 %
  EXPECT_EQ(verdict(-0.2, -0.25), kDoesNotHold);  // -25 % of |baseline|
  EXPECT_EQ(verdict(0.0, 0.1), kHolds);
  EXPECT_TRUE(cosine_delta({{"full_cosine_mean", 0.0}}, {{"full_cosine_mean", 0.1}}).at("cosine_percent").is_null());
  // The seed's viewer shows the text after the dash.
  EXPECT_NE(std::string(kDoesNotHold).find("\u2014"), std::string::npos);
}

TEST(CrossValidationResults, BrokenTrackBResultsAreRefusedNamingTheFile) {
  const fs::path dir = fs::path(testing::TempDir()) / "cv_broken";
  fs::create_directories(dir);
  const auto expect_refused = [](const std::string& path, const std::string& why) {
    try {
      comparison_block(read_track_b(path));
      FAIL() << "no error for " << path;
    } catch (const CvError& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
  };
  expect_refused((dir / "missing.json").string(), "cannot be read");
  std::ofstream(dir / "garbage.json") << "{not json";
  expect_refused((dir / "garbage.json").string(), "not JSON");
  std::ofstream(dir / "no_pairs.json") << R"({"dim_summary": {}, "dim_ranking": [], "full_cosine_mean": null,
    "full_cosine_std": null, "songs_analyzed": 0, "pairs_compared": 0})";
  expect_refused((dir / "no_pairs.json").string(), "compared no pair");
  std::ofstream(dir / "no_ranking.json") << R"({"full_cosine_mean": 0.5, "songs_analyzed": 1, "pairs_compared": 1})";
  expect_refused((dir / "no_ranking.json").string(), "dim_ranking");
  std::ofstream(dir / "bad_type.json") << R"({"full_cosine_mean": 0.5, "songs_analyzed": "x", "pairs_compared": 1,
    "dim_ranking": [{"dim": 1, "pearson_mean": 0.1}]})";
  expect_refused((dir / "bad_type.json").string(), "wrong type");
}

}  // namespace
}  // namespace cartography::pipeline::cv
