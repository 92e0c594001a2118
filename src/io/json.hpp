// JSON output formatted exactly as Python's json.dump(obj, indent=2, ensure_ascii=False) does,
// so our files diff cleanly against the reference's (same key order, same float spelling).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

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

// Byte names (file names are bytes on Linux) in outputs that promise UTF-8. A string that is
// valid UTF-8 is kept as it is. Otherwise utf8_display() replaces each byte that does not belong
// to a valid UTF-8 sequence with U+FFFD (what a reader shows), and escape_bytes() keeps the
// exact bytes, reversibly, in ASCII-safe text: such a byte becomes "\xHH" and a backslash "\\".
bool is_valid_utf8(const std::string& s);
std::string utf8_display(const std::string& s);
std::string escape_bytes(const std::string& s);

// Serialises like json.dumps(value, indent=indent, ensure_ascii=False) (no trailing newline).
// Strings that are not valid UTF-8 are written as utf8_display() shows them: the file is
// always valid UTF-8 (strict readers refuse anything else).
std::string dump_python_style(const Json& value, int indent = 2);

// Writes atomically (temporary file <path>.tmp, checked write and close, then rename), so a
// reader never sees a half-written file. Throws JsonError naming the path and the OS's reason
// (e.g. "No space left on device"); the temporary file is removed then.
void write_json_file(const std::string& path, const Json& value, int indent = 2);

// The same for any bytes (resume files, ...).
void write_file_atomically(const std::string& path, std::string_view bytes);

}  // namespace cartography::io
