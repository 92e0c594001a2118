#include "pipeline/group_checkpoint.hpp"

#include <filesystem>
#include <cstring>
#include <fstream>
#include <iterator>

#include "osz/archive.hpp"
#include "pipeline/content_hash.hpp"
#include "pipeline/records.hpp"
#include "pipeline/stage_calls.hpp"

namespace cartography::pipeline {
namespace fs = std::filesystem;

namespace {

// Bumped whenever what a progress file holds, or how a group is computed, changes meaning.
constexpr const char* kProgressFormat = "cartography-progress/2 0.1.0";

std::string group_file(const std::string& out_dir, int idx) {
  return progress_dir(out_dir) + "/group_" + std::to_string(idx) + ".cbor";
}

template <typename T>
io::Json::binary_t as_binary(const std::vector<T>& v) {
  const auto* p = reinterpret_cast<const uint8_t*>(v.data());
  return io::Json::binary_t(std::vector<uint8_t>(p, p + v.size() * sizeof(T)));
}

template <typename T>
std::vector<T> from_binary(const io::Json& j) {
  const auto& bytes = j.get_binary();
  if (bytes.size() % sizeof(T) != 0) throw std::runtime_error("bad array size in a saved group");
  std::vector<T> out(bytes.size() / sizeof(T));
  std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

}  // namespace

std::string progress_dir(const std::string& out_dir) { return out_dir + "/progress"; }

std::string group_fingerprint(const RunOptions& opt, const std::string& checkpoint_hash,
                              const catalog::SongGroup& group, int idx, const std::string& dataset_dir) {
  // Everything a saved group's values depend on: the code's version and the format of this
  // file, every option that changes a result, the checkpoint's bytes, the group's position
  // and members, and the bytes of each of its archives.
  io::Json j = {{"format", kProgressFormat},
                {"group", idx},
                {"key", group.match_key},
                {"checkpoint", opt.checkpoint.empty() ? std::string("none") : checkpoint_hash},
                {"latent", to_string(opt.latent)},
                {"seed", opt.seed},
                {"group_by", to_string(opt.group_by)},
                {"audio_match", to_string(opt.audio_match)}};
  io::Json sets = io::Json::array();
  for (const auto& s : group.beatmapsets) {
    std::string hash;
    try {
      hash = content_hash(dataset_dir + "/" + s.filename);
    } catch (const std::exception& e) {
      hash = std::string("unreadable: ") + e.what();  // the group job skips it with its reason
    }
    sets.push_back({s.beatmapset_id, s.creator, s.filename, hash});
  }
  j["sets"] = sets;
  return bytes_hash(pack(j));
}

void save_group(const std::string& out_dir, const std::string& fingerprint, const GroupOutcome& o,
                const io::Json& records) {
  io::Json arrays = io::Json::array();
  for (const EncodedMap& m : o.maps) arrays.push_back(as_binary(m.latent));
  io::Json j = {{"fingerprint", fingerprint}, {"outcome", outcome_metadata(o)}, {"records", records},
                {"arrays", arrays}};
  std::vector<uint8_t> bytes = io::Json::to_cbor(j);
  std::error_code ec;
  fs::create_directories(progress_dir(out_dir), ec);
  if (ec) throw std::runtime_error("cannot create " + progress_dir(out_dir) + ": " + ec.message());
  io::write_file_atomically(group_file(out_dir, o.song_group_idx),
                            std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::optional<SavedGroup> load_group(const std::string& out_dir, int idx, const std::string& fingerprint,
                                     const std::string& dataset_dir) {
  std::ifstream f(group_file(out_dir, idx), std::ios::binary);
  if (!f) return std::nullopt;
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  try {
    io::Json j = io::Json::from_cbor(bytes);
    if (j.at("fingerprint").get<std::string>() != fingerprint) return std::nullopt;
    SavedGroup saved{outcome_from_metadata(j.at("outcome")), j.at("records")};
    const auto& arrays = j.at("arrays");
    if (arrays.size() != saved.outcome.maps.size()) return std::nullopt;
    for (size_t i = 0; i < arrays.size(); ++i) {
      EncodedMap& m = saved.outcome.maps[i];
      m.latent = from_binary<float>(arrays[i]);
      osz::Archive archive = osz::Archive::open(dataset_dir + "/" + m.entry.archive_file);
      auto entry = archive.find(m.entry.entry_name);
      if (!entry) return std::nullopt;
      m.signal = encode_chart(archive.read_text(*entry), m.entry.osu_path, m.frames).signal;
    }
    return saved;
  } catch (const std::exception&) {
    return std::nullopt;  // a damaged file is recomputed, never trusted
  }
}

}  // namespace cartography::pipeline
