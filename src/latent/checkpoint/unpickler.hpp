// A pickle virtual machine for protocols 0-4 (torch.save writes protocol 2). It never imports
// or calls anything: GLOBAL yields a name, REDUCE/NEWOBJ yield opaque records unless a hook
// recognises the callable (the checkpoint reader rebuilds tensors that way), and persistent
// ids are resolved by a hook (the zip entries holding tensor storages).
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>

#include "latent/checkpoint/pickle_value.hpp"

namespace cartography::latent::pickle {

struct Hooks {
  // BINPERSID / PERSID: the pid object to the value it stands for.
  std::function<Ref(const Ref& pid)> persistent_load;
  // REDUCE of a global callable with its argument tuple; return null to keep an opaque Object.
  std::function<Ref(const Global& callable, const Ref& args)> reduce;
};

// Runs the stream to STOP. Throws CheckpointError(file, "<entry>: pickle ... at byte N") on
// malformed input, unknown or unsupported opcodes.
Ref unpickle(std::span<const std::byte> data, const std::string& file, const std::string& entry,
             const Hooks& hooks);

}  // namespace cartography::latent::pickle
