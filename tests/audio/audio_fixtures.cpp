#include "audio/audio_fixtures.hpp"

#include <zip.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace cartography::audio::testing {
namespace {

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipCloser>;

ZipPtr open_zip(const std::string& path) {
  int err = 0;
  ZipPtr z(zip_open(path.c_str(), ZIP_RDONLY, &err));
  if (!z) throw std::runtime_error("cannot open archive " + path);
  return z;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

std::string ExpectedAudio::extension() const {
  auto dot = entry.rfind('.');
  return dot == std::string::npos ? "" : lower(entry.substr(dot));
}

std::string data_dir() { return CARTO_TEST_DATA; }

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<ExpectedAudio> load_expected() {
  auto bytes = read_file(data_dir() + "/audio/expected_samples.json");
  auto json = nlohmann::json::parse(bytes.begin(), bytes.end());
  std::vector<ExpectedAudio> out;
  for (const auto& row : json.at("entries")) {
    ExpectedAudio e;
    if (!row.at("archive").is_null()) {
      e.archive = row.at("archive").get<std::string>();
      e.index = row.at("index").get<int64_t>();
    }
    e.entry = row.at("entry").get<std::string>();
    e.ok = row.at("ok").get<bool>();
    if (e.ok) e.samples = row.at("samples").get<int64_t>();
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<std::string> zip_entry_names(const std::string& archive_path) {
  auto z = open_zip(archive_path);
  std::vector<std::string> names;
  const zip_int64_t n = zip_get_num_entries(z.get(), 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* name = zip_get_name(z.get(), static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW);
    names.emplace_back(name ? name : "");
  }
  return names;
}

std::vector<uint8_t> read_zip_entry(const std::string& archive_path, int64_t index) {
  auto z = open_zip(archive_path);
  zip_stat_t st;
  if (zip_stat_index(z.get(), static_cast<zip_uint64_t>(index), 0, &st) != 0)
    throw std::runtime_error("no entry " + std::to_string(index) + " in " + archive_path);
  std::vector<uint8_t> bytes(st.size);
  zip_file_t* f = zip_fopen_index(z.get(), static_cast<zip_uint64_t>(index), 0);
  if (!f) throw std::runtime_error("cannot open entry in " + archive_path);
  zip_int64_t got = bytes.empty() ? 0 : zip_fread(f, bytes.data(), bytes.size());
  zip_fclose(f);
  if (got != static_cast<zip_int64_t>(bytes.size()))
    throw std::runtime_error("short read in " + archive_path);
  return bytes;
}

std::optional<int64_t> find_zip_entry(const std::string& archive_path, const std::string& name) {
  auto names = zip_entry_names(archive_path);
  for (size_t i = 0; i < names.size(); ++i)
    if (lower(names[i]) == lower(name)) return static_cast<int64_t>(i);
  return std::nullopt;
}

std::vector<uint8_t> read_bytes(const ExpectedAudio& e) {
  if (e.archive.empty()) return read_file(data_dir() + "/" + e.entry);
  return read_zip_entry(data_dir() + "/" + e.archive, e.index);
}

}  // namespace cartography::audio::testing
