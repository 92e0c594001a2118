// A failure while reading or analysing one input, as a reason a person can act on: the
// standard library's "std::bad_alloc" says nothing about what was being done.
#pragma once

#include <new>
#include <stdexcept>
#include <string>

namespace cartography::catalog {

// e.what(), except for allocation failures: "out of memory while <doing>".
inline std::string failure_reason(const std::exception& e, const std::string& doing) {
  if (dynamic_cast<const std::bad_alloc*>(&e)) return "out of memory while " + doing;
  if (dynamic_cast<const std::length_error*>(&e)) return "too large to hold in memory while " + doing;
  return e.what();
}

}  // namespace cartography::catalog
