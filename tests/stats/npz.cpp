#include "stats/npz.hpp"

#include <zip.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

#include <unistd.h>

namespace cartography::stats::testing {
namespace {

std::vector<char> read_entry(zip_t* archive, zip_uint64_t index, const std::string& name) {
  zip_stat_t st;
  if (zip_stat_index(archive, index, 0, &st) != 0) throw std::runtime_error("stat " + name);
  std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> file(zip_fopen_index(archive, index, 0),
                                                          zip_fclose);
  if (!file) throw std::runtime_error("open entry " + name);
  std::vector<char> bytes(st.size);
  if (zip_fread(file.get(), bytes.data(), st.size) != static_cast<zip_int64_t>(st.size))
    throw std::runtime_error("read entry " + name);
  return bytes;
}

}  // namespace

// Each entry goes through a temporary file so that the project's own .npy reader parses it.
template <class T>
std::map<std::string, io::NpyArray<T>> read_npz(const std::string& path) {
  int err = 0;
  std::unique_ptr<zip_t, int (*)(zip_t*)> archive(zip_open(path.c_str(), ZIP_RDONLY, &err),
                                                   zip_close);
  if (!archive) throw std::runtime_error("cannot open " + path);
  const auto tmp = std::filesystem::temp_directory_path() /
                   ("carto_stats_npz_" + std::to_string(::getpid()) + ".npy");
  std::map<std::string, io::NpyArray<T>> out;
  const zip_int64_t n = zip_get_num_entries(archive.get(), 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    const std::string name = zip_get_name(archive.get(), zip_uint64_t(i), 0);
    const auto bytes = read_entry(archive.get(), zip_uint64_t(i), name);
    std::ofstream(tmp, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
    out[name.substr(0, name.size() - 4)] = io::read_npy<T>(tmp.string());
  }
  std::filesystem::remove(tmp);
  return out;
}

template std::map<std::string, io::NpyArray<double>> read_npz(const std::string&);
template std::map<std::string, io::NpyArray<float>> read_npz(const std::string&);

}  // namespace cartography::stats::testing
