#include "pipeline/dataset.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "pipeline/file_kind.hpp"

namespace cartography::pipeline {
namespace fs = std::filesystem;

std::vector<ArchiveFile> list_archives(const std::string& dataset_dir) {
  std::error_code ec;
  if (!fs::is_directory(dataset_dir, ec))
    throw std::runtime_error("dataset folder not found or not a folder: " + dataset_dir);
  std::vector<ArchiveFile> out;
  for (const auto& e : fs::directory_iterator(dataset_dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() < 4 || name.compare(name.size() - 4, 4, ".osz") != 0) continue;
    const std::string path = e.path().string();
    if (auto why = not_a_regular_file(path)) {
      out.push_back({name, path, 0, name + " " + *why});
      continue;
    }
    std::error_code size_ec;
    uint64_t bytes = e.file_size(size_ec);
    out.push_back({name, path, size_ec ? 0 : bytes, ""});
  }
  if (ec) throw std::runtime_error("cannot list " + dataset_dir + ": " + ec.message());
  std::sort(out.begin(), out.end(), [](const ArchiveFile& a, const ArchiveFile& b) { return a.name < b.name; });
  return out;
}

}  // namespace cartography::pipeline
