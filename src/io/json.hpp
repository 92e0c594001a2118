// JSON output formatted exactly as Python's json.dump(obj, indent=2, ensure_ascii=False) does,
// so our files diff cleanly against the reference's (same key order, same float spelling).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace cartography::io {

using Json = nlohmann::ordered_json;

struct JsonError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A value, or null when absent (the reference writes None for a missing field).
template <typename T>
Json or_null(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

// Python's repr() of a float: shortest round-trip digits, exponent form below 1e-4 or from 1e16.
// NaN and infinities are refused: no output of ours may contain them.
std::string python_float_repr(double value);

// Serialises like json.dumps(value, indent=indent, ensure_ascii=False) (no trailing newline).
std::string dump_python_style(const Json& value, int indent = 2);

// Writes atomically (temporary file + rename), so a reader never sees a half-written file.
void write_json_file(const std::string& path, const Json& value, int indent = 2);

}  // namespace cartography::io
