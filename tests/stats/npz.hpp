// Reads the arrays of an .npz (numpy's zip of .npy files), keyed by entry name without ".npy".
#pragma once

#include <map>
#include <string>

#include "io/npy.hpp"

namespace cartography::stats::testing {

template <class T>
std::map<std::string, io::NpyArray<T>> read_npz(const std::string& path);

}  // namespace cartography::stats::testing
