// The input folder: every *.osz directly inside it, in file-name byte order (the reference's
// sorted(glob("*.osz"))), with sizes for load balancing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cartography::pipeline {

struct ArchiveFile {
  std::string name;   // file name only (bytes: not necessarily UTF-8)
  std::string path;   // dataset_dir/name
  uint64_t bytes = 0;
  std::string refused;  // why it is not read (a FIFO, a device, a folder named *.osz); empty: fine
};

// Every *.osz entry, regular files or not: the others come with `refused` set, so they are
// counted and listed as skips instead of silently ignored (and never opened: a FIFO would
// block the rank that reads it). Throws std::runtime_error naming the folder when it does not
// exist or cannot be listed.
std::vector<ArchiveFile> list_archives(const std::string& dataset_dir);

}  // namespace cartography::pipeline
