// serialize_corpus / deserialize_corpus: a corpus as bytes for exchange between processes.
// Little-endian fixed-width integers, length-prefixed strings; every count and index is
// checked on the way back in, so a truncated or garbled message is an error, not a crash.
#include <cstring>
#include <stdexcept>

#include "train/training_data.hpp"

namespace cartography::train {
namespace {

constexpr char kMagic[8] = {'C', 'A', 'R', 'T', 'O', 'C', 'O', 'R'};
constexpr uint32_t kVersion = 1;

struct Writer {
  std::string out;
  template <class T>
  void num(T v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void str(const std::string& s) {
    num<uint64_t>(s.size());
    out += s;
  }
};

struct Reader {
  std::string_view in;
  size_t at = 0;
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("corpus message: " + what + " at byte " + std::to_string(at));
  }
  template <class T>
  T num() {
    if (in.size() - at < sizeof(T)) fail("truncated");
    T v;
    std::memcpy(&v, in.data() + at, sizeof v);
    at += sizeof v;
    return v;
  }
  std::string str() {
    const auto n = num<uint64_t>();
    if (n > in.size() - at) fail("string longer than the message");
    std::string s(in.substr(at, n));
    at += n;
    return s;
  }
  // A count of items each at least `min_bytes` long must fit in what is left.
  uint64_t count(size_t min_bytes) {
    const auto n = num<uint64_t>();
    if (n > (in.size() - at) / min_bytes) fail("count " + std::to_string(n) + " larger than the message");
    return n;
  }
};

}  // namespace

std::string serialize_corpus(const TrainingCorpus& c) {
  Writer w;
  w.out.append(kMagic, sizeof kMagic);
  w.num(kVersion);
  w.num<int64_t>(c.archives);
  w.num<uint64_t>(c.songs.size());
  for (const auto& s : c.songs) w.str(s);
  w.num<uint64_t>(c.units.size());
  for (const SongUnit& u : c.units) {
    w.str(u.archive);
    w.str(u.audio_entry);
    w.num<int32_t>(u.song);
    w.num<int64_t>(u.frames);
    w.str(u.cache_path);
    w.str(u.content_key);
  }
  w.num<uint64_t>(c.maps.size());
  for (const TrainingMap& m : c.maps) {
    w.num<int32_t>(m.unit);
    w.num<int32_t>(m.chart);
    w.str(m.entry);
  }
  w.num<uint64_t>(c.skips.size());
  for (const TrainingSkip& s : c.skips) {
    w.str(s.stage);
    w.str(s.subject);
    w.str(s.reason);
  }
  w.num<uint64_t>(c.warnings.size());
  for (const auto& s : c.warnings) w.str(s);
  return w.out;
}

TrainingCorpus deserialize_corpus(std::string_view bytes) {
  Reader r{bytes};
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) r.fail("bad magic");
  r.at = sizeof kMagic;
  if (const auto v = r.num<uint32_t>(); v != kVersion) r.fail("version " + std::to_string(v));
  TrainingCorpus c;
  c.archives = r.num<int64_t>();
  c.songs.resize(r.count(8));
  for (auto& s : c.songs) s = r.str();
  c.units.resize(r.count(8 * 4 + 12));
  for (SongUnit& u : c.units) {
    u.archive = r.str();
    u.audio_entry = r.str();
    u.song = r.num<int32_t>();
    u.frames = r.num<int64_t>();
    u.cache_path = r.str();
    u.content_key = r.str();
    if (u.song < 0 || static_cast<size_t>(u.song) >= c.songs.size()) r.fail("unit song index out of range");
    if (u.frames < 1) r.fail("unit with no frames");
    if (u.content_key.size() != 32 || u.content_key.find_first_not_of("0123456789abcdef") != std::string::npos)
      r.fail("unit content key is not 32 hex digits");
  }
  c.maps.resize(r.count(16));
  for (TrainingMap& m : c.maps) {
    m.unit = r.num<int32_t>();
    m.chart = r.num<int32_t>();
    m.entry = r.str();
    if (m.unit < 0 || static_cast<size_t>(m.unit) >= c.units.size() || m.chart < 0) r.fail("map index out of range");
  }
  c.skips.resize(r.count(24));
  for (TrainingSkip& s : c.skips) {
    s.stage = r.str();
    s.subject = r.str();
    s.reason = r.str();
  }
  c.warnings.resize(r.count(8));
  for (auto& s : c.warnings) s = r.str();
  if (r.at != bytes.size()) r.fail("trailing bytes");
  return c;
}

}  // namespace cartography::train
