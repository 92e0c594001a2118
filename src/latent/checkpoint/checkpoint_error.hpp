// The one error type of the checkpoint reader: every failure names the file and what is wrong
// with it, so a corrupt or foreign file is diagnosed from the message alone.
#pragma once

#include <stdexcept>
#include <string>

namespace cartography::latent {

struct CheckpointError : std::runtime_error {
  CheckpointError(const std::string& file, const std::string& what)
      : std::runtime_error(file + ": " + what), file_(file) {}
  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

}  // namespace cartography::latent
