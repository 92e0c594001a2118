// What --resume keys on: the bytes of the inputs, not their names or sizes (a checkpoint
// replaced by another of the same size, or a chart edited in place, must not reuse old groups).
#pragma once

#include <string>

namespace cartography::pipeline {

// XXH3-128 of the file's bytes as 32 hex digits, read in 1 MiB blocks. Throws
// std::runtime_error naming the file and the OS's reason when it cannot be read, and refuses
// a file that is not regular (a FIFO or device would block or never end).
std::string content_hash(const std::string& path);

// XXH3-128 of bytes in memory, as 32 hex digits.
std::string bytes_hash(const std::string& bytes);

}  // namespace cartography::pipeline
