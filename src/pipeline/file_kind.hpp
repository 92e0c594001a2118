// Inputs must be regular files: a FIFO blocks its reader until someone writes, a device such
// as /dev/zero or /dev/urandom is read forever, a folder is not a file. One check, used for
// the checkpoint, the job file and every *.osz entry of the dataset folder.
#pragma once

#include <optional>
#include <string>

namespace cartography::pipeline {

// Why `path` (symbolic links followed) is not a readable regular file, e.g. "is a FIFO, not a
// regular file" or "cannot be read: No such file or directory"; nullopt when it is one.
std::optional<std::string> not_a_regular_file(const std::string& path);

}  // namespace cartography::pipeline
