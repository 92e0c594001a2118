#include "pipeline/cross_validation.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cartography::pipeline::cv {
namespace fs = std::filesystem;

namespace {

void add_group(const catalog::SongGroup& g, std::vector<std::string>& archives, size_t& songs) {
  for (const catalog::SetRef& s : g.beatmapsets) archives.push_back(s.filename);
  ++songs;
}

// A field the Track B result must have; `where` names the file (and the entry) for the message.
const io::Json& field(const io::Json& j, const char* key, const std::string& where) {
  if (!j.is_object() || !j.contains(key) || j.at(key).is_null()) throw CvError(where + ": no '" + key + "'");
  return j.at(key);
}

std::string verdict_rule() {
  std::ostringstream s;
  s << "holds when the cross-validated model's full_cosine_mean is at most " << kVerdictDropPercent
    << "% below the baseline's (cosine_percent >= -" << kVerdictDropPercent << ")";
  return s.str();
}

}  // namespace

CvSplit split_by_mapper_count(const std::vector<catalog::SongGroup>& groups) {
  CvSplit split;
  for (const catalog::SongGroup& g : groups) {
    if (g.num_mappers() == 2) add_group(g, split.train_archives, split.train_songs);
    else if (g.num_mappers() >= 3) add_group(g, split.test_archives, split.test_songs);
  }
  if (split.train_songs == 0)
    throw CvError("no song has exactly two mappers: nothing to train the cross-validation model on (" +
                  std::to_string(groups.size()) + " multi-mapper songs, all with three or more)");
  if (split.test_songs == 0)
    throw CvError("no song has three or more mappers: no held-out song to test on (" +
                  std::to_string(groups.size()) + " multi-mapper songs, all with two)");
  std::sort(split.train_archives.begin(), split.train_archives.end());
  std::sort(split.test_archives.begin(), split.test_archives.end());
  return split;
}

void make_subset_folder(const std::string& folder, const std::string& dataset_dir,
                        const std::vector<std::string>& names) {
  std::error_code ec;
  // An earlier job's folder holds links only; anything else there is not ours to delete.
  if (fs::is_directory(fs::symlink_status(folder, ec))) {
    for (const auto& e : fs::directory_iterator(folder, ec))
      if (!e.is_symlink())
        throw CvError(folder + " holds " + e.path().filename().string() +
                      ", which is not a link an earlier cross-validate made: choose another --out");
    if (ec) throw CvError("cannot list the old subset folder " + folder + ": " + ec.message());
  }
  fs::remove_all(folder, ec);  // links only: remove_all does not follow them
  if (ec) throw CvError("cannot remove the old subset folder " + folder + ": " + ec.message());
  fs::create_directories(folder, ec);
  if (ec) throw CvError("cannot create the subset folder " + folder + ": " + ec.message());
  const fs::path source = fs::absolute(dataset_dir, ec);
  if (ec) throw CvError("cannot resolve the dataset folder " + dataset_dir + ": " + ec.message());
  for (const std::string& name : names) {
    fs::create_symlink(source / name, fs::path(folder) / name, ec);
    if (ec) throw CvError("cannot link " + (fs::path(folder) / name).string() + ": " + ec.message());
  }
}

TrackB read_track_b(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CvError(path + ": cannot be read (the run wrote no Track B result)");
  TrackB t{path, {}};
  try {
    t.json = io::Json::parse(in);
  } catch (const std::exception& e) {
    throw CvError(path + ": not JSON: " + e.what());
  }
  if (!t.json.is_object()) throw CvError(path + ": not a Track B result (not an object)");
  if (!t.json.contains("full_cosine_mean") || t.json.at("full_cosine_mean").is_null())
    throw CvError(path + ": the run compared no pair of mappers: no Track B result to compare");
  return t;
}

io::Json comparison_block(const TrackB& t) {
  const io::Json& ranking = field(t.json, "dim_ranking", t.path);
  if (!ranking.is_array() || ranking.empty()) throw CvError(t.path + ": empty 'dim_ranking'");
  const std::string top = t.path + ": dim_ranking[0]";
  try {
    return {{"full_cosine_mean", field(t.json, "full_cosine_mean", t.path).get<double>()},
            {"top_dim", field(ranking.front(), "dim", top).get<int64_t>()},
            {"top_pearson", field(ranking.front(), "pearson_mean", top).get<double>()},
            {"pairs", field(t.json, "pairs_compared", t.path).get<int64_t>()},
            {"songs", field(t.json, "songs_analyzed", t.path).get<int64_t>()}};
  } catch (const io::Json::type_error& e) {
    throw CvError(t.path + ": a field of the wrong type: " + e.what());
  }
}

io::Json cosine_delta(const io::Json& baseline, const io::Json& cv) {
  const double base = baseline.at("full_cosine_mean").get<double>();
  const double absolute = cv.at("full_cosine_mean").get<double>() - base;
  if (base == 0)
    return {{"cosine_absolute", absolute}, {"cosine_percent", nullptr}, {"verdict", absolute >= 0 ? kHolds : kDoesNotHold}};
  const double percent = absolute / std::fabs(base) * 100;
  return {{"cosine_absolute", absolute},
          {"cosine_percent", percent},
          {"verdict", percent >= -kVerdictDropPercent ? kHolds : kDoesNotHold}};
}

io::Json cv_comparison_json(const TrackB& original_run, const TrackB& cv_test_run, const TrackB& full_on_test_run,
                            const CvSplit& split) {
  const io::Json original = comparison_block(original_run);
  const io::Json cv_test = comparison_block(cv_test_run);
  const io::Json full_on_test = comparison_block(full_on_test_run);
  return {{"original", original},
          {"cv_test", cv_test},
          {"delta", cosine_delta(original, cv_test)},
          {"full_model_on_test", full_on_test},
          {"delta_vs_full_on_test", cosine_delta(full_on_test, cv_test)},
          {"split",
           {{"cv_train_songs", split.train_songs},
            {"cv_train_archives", split.train_archives.size()},
            {"test_songs", split.test_songs},
            {"test_archives", split.test_archives.size()}}},
          {"verdict_rule", verdict_rule()}};
}

io::Json track_b_cv_json(const TrackB& t, const std::string& checkpoint) {
  io::Json dims = io::Json::object();
  for (const auto& [dim, s] : field(t.json, "dim_summary", t.path).items()) {
    const std::string where = t.path + ": dim_summary[" + dim + "]";
    dims[dim] = {{"pearson_mean", field(s, "pearson_mean", where)},
                 {"pearson_std", field(s, "pearson_std", where)},
                 {"n_pairs", field(s, "n_pairs", where)}};
  }
  io::Json ranking = io::Json::array();
  for (const io::Json& d : field(t.json, "dim_ranking", t.path)) {
    const std::string where = t.path + ": dim_ranking[" + std::to_string(ranking.size()) + "]";
    ranking.push_back({{"dim", field(d, "dim", where)}, {"pearson_mean", field(d, "pearson_mean", where)}});
  }
  return {{"description", "Track B analysis on CV test set (held-out 3+ mapper songs)"},
          {"checkpoint", checkpoint},
          {"test_songs", field(t.json, "songs_analyzed", t.path)},
          {"pairs_compared", field(t.json, "pairs_compared", t.path)},
          {"full_cosine_mean", field(t.json, "full_cosine_mean", t.path)},
          {"full_cosine_std", field(t.json, "full_cosine_std", t.path)},
          {"dim_summary", dims},
          {"dim_ranking", ranking}};
}

}  // namespace cartography::pipeline::cv
