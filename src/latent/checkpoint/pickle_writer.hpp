// A pickler (protocol 2, what torch.save writes) for the value trees of pickle_value.hpp, so that
// what the reader builds and what the writer takes are the same data. The mapping:
//   None, bool, int, float, str, list, tuple, dict  -> the Python values
//   Bytes   -> _codecs.encode(latin-1 text, 'latin1'), protocol 2's spelling of bytes
//   Set     -> __builtin__.set([items])
//   Global  -> the bare name (GLOBAL), e.g. torch.FloatStorage inside a storage id
//   Object  -> cls(*args) (GLOBAL + REDUCE), then its dict items (SETITEMS), its list items
//              (APPENDS) and its state (BUILD), in the order Python's save_reduce writes them:
//              an OrderedDict is Object{"collections.OrderedDict", (), items, state}
//   Extension of kind kPersistentId -> BINPERSID of the Ref it holds (torch's storage ids)
// Like Python's pickler, every container and string is memoized by identity: a Ref written twice
// is read back as one shared object (torch.save shares a tensor held in two places that way).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "latent/checkpoint/pickle_value.hpp"

namespace cartography::latent::pickle {

inline constexpr const char* kPersistentId = "persistent_id";

// Builders for the values a writer needs beyond make().
Ref persistent_id(Ref pid);
Ref global(std::string module, std::string name);
// cls(*args): `qualified` is "module.name" (split at the last dot).
Ref reduce(std::string qualified, std::vector<Ref> args);
Ref ordered_dict(std::vector<std::pair<Ref, Ref>> items, Ref state = nullptr);
Ref tuple(std::vector<Ref> items);
Ref list(std::vector<Ref> items);
Ref dict(std::vector<std::pair<Ref, Ref>> items);
Ref str(std::string s);

// The pickle stream of `root` (PROTO 2 ... STOP). Throws std::invalid_argument for what protocol 2
// cannot say here: a reference cycle through a tuple or a reduced object, nesting deeper than
// 1,000 levels (Python's own recursion limit), a str that is not UTF-8, an unknown extension.
std::string write_pickle(const Ref& root);

}  // namespace cartography::latent::pickle
