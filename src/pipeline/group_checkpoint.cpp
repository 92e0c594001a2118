#include "pipeline/group_checkpoint.hpp"

#include <cmath>
#include <filesystem>
#include <cstring>
#include <fstream>
#include <iterator>

#include "osz/archive.hpp"
#include "pipeline/content_hash.hpp"
#include "pipeline/file_kind.hpp"
#include "pipeline/records.hpp"
#include "pipeline/stage_calls.hpp"

namespace cartography::pipeline {
namespace fs = std::filesystem;

namespace {

// Bumped whenever what a progress file holds, or how a group is computed, changes meaning.
constexpr const char* kProgressFormat = "cartography-progress/3 0.1.0";

// A progress file is read back from --out, where a damaged disk, a killed copy or another user
// may have left anything. nlohmann's CBOR reader recurses once per nesting level (200 KB of
// nested arrays overflowed the stack: a segfault of the whole run); ours nest a few levels.
constexpr int kMaxProgressNesting = 64;

// The DOM builder of nlohmann, refusing (returning false) past kMaxProgressNesting levels and at
// a non-finite number: the run never saves one (its JSON writer refuses them), so a NaN or inf
// there is damage, and trusting it failed the whole run at its last write ("refusing to write a
// non-finite number", no summary) after every group was done.
class NestingLimitedReader {
 public:
  explicit NestingLimitedReader(io::Json& result) : dom_(result, true) {}
  bool null() { return dom_.null(); }
  bool boolean(bool v) { return dom_.boolean(v); }
  bool number_integer(io::Json::number_integer_t v) { return dom_.number_integer(v); }
  bool number_unsigned(io::Json::number_unsigned_t v) { return dom_.number_unsigned(v); }
  bool number_float(io::Json::number_float_t v, const io::Json::string_t& s) {
    return std::isfinite(v) && dom_.number_float(v, s);
  }
  bool string(io::Json::string_t& v) { return dom_.string(v); }
  bool binary(io::Json::binary_t& v) { return dom_.binary(v); }
  bool start_object(std::size_t n) { return ++depth_ <= kMaxProgressNesting && dom_.start_object(n); }
  bool key(io::Json::string_t& k) { return dom_.key(k); }
  bool end_object() { return --depth_, dom_.end_object(); }
  bool start_array(std::size_t n) { return ++depth_ <= kMaxProgressNesting && dom_.start_array(n); }
  bool end_array() { return --depth_, dom_.end_array(); }
  template <typename Exception>
  bool parse_error(std::size_t position, const std::string& token, const Exception& e) {
    return dom_.parse_error(position, token, e);
  }

 private:
  nlohmann::detail::json_sax_dom_parser<io::Json> dom_;
  int depth_ = 0;
};

// The saved group's CBOR, when the file is a regular file (a FIFO there blocked the run, a link
// to /dev/zero was read until memory ran out) that parses within the nesting bound. Parsed from
// the stream, not from the whole file in memory: a sparse file of terabytes stops at its first
// bytes that are not a progress file, and strings are read byte by byte, so memory follows what
// the file holds, never what a length field claims.
std::optional<io::Json> read_progress_file(const std::string& path) {
  if (not_a_regular_file(path)) return std::nullopt;
  std::ifstream f(path, std::ios::binary);
  if (!f) return std::nullopt;
  io::Json j;
  NestingLimitedReader reader(j);
  if (!io::Json::sax_parse(f, &reader, nlohmann::detail::input_format_t::cbor)) return std::nullopt;
  return j;
}

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
  // An empty array (a Track-A-only group has no latents) has no data pointer to copy from or to.
  if (!bytes.empty()) std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

}  // namespace

std::string progress_dir(const std::string& out_dir) { return out_dir + "/progress"; }

std::string group_fingerprint(const RunOptions& opt, const std::string& checkpoint_hash,
                              const catalog::SongGroup& group, int idx, const std::string& dataset_dir,
                              bool random_control) {
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
                {"audio_match", to_string(opt.audio_match)},
                {"controls", opt.controls},
                {"random_encoders", random_control ? opt.control_seeds : 0}};
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
  try {
    const std::optional<io::Json> read = read_progress_file(group_file(out_dir, idx));
    if (!read) return std::nullopt;
    const io::Json& j = *read;
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
