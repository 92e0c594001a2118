// The input folder: every *.osz directly inside it, in file-name byte order (the reference's
// sorted(glob("*.osz"))), with sizes for load balancing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cartography::pipeline {

struct ArchiveFile {
  std::string name;   // file name only
  std::string path;   // dataset_dir/name
  uint64_t bytes = 0;
};

// Throws std::runtime_error naming the folder when it does not exist or cannot be listed.
std::vector<ArchiveFile> list_archives(const std::string& dataset_dir);

}  // namespace cartography::pipeline
