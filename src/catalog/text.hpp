// Text as the reference's Python sees it: bytes decoded as UTF-8 with invalid sequences
// replaced, str.strip(), str.lower() (full Unicode), and the `re` patterns it applies to .osu
// headers. Matching these exactly decides which archives group together.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cartography::catalog {

// bytes.decode("utf-8", errors="replace"): one U+FFFD per maximal invalid subsequence.
std::string decode_utf8_replace(std::string_view bytes);

// str.strip(): removes leading/trailing characters for which Python's str.isspace() is true.
std::string python_strip(std::string_view text);

// str.lower(): full Unicode lowercase mapping (U+0130 → "i̇", final sigma in context).
std::string python_lower(std::string_view text);

// re.search(r"^<name>:(.+)$", text, re.MULTILINE).group(1) (when skip_space is false) or
// r"^<name>:\s*(.+)$" (when true; note \s* may run across line ends, as in the reference).
// Returns the unstripped group, or nullopt when no line matches.
std::optional<std::string> match_header_value(std::string_view text, std::string_view name,
                                              bool skip_space);

// re.search(r"^<name>:\s*(<charset>+)", text, re.MULTILINE).group(1) for the ASCII
// charsets the reference uses: digits ("\d") or digits and dots ("[\d.]").
std::optional<std::string> match_header_run(std::string_view text, std::string_view name,
                                            bool allow_dot);

// Python int() of a string of ASCII digits with optional sign, surrounding whitespace and
// single underscores between digits; nullopt if Python would raise or it exceeds int64.
std::optional<long long> python_int(std::string_view text);

// Python float() of the [\d.]+ runs above; nullopt where Python would raise ("1.2.3", ".").
std::optional<double> python_float_of_run(std::string_view run);

}  // namespace cartography::catalog

namespace cartography::catalog {

// The reference's file-name-safe version: characters other than str.isalnum(), '-', '_' and
// ' ' become '_', then str.strip(); an empty or missing version is "unknown".
std::string sanitize_version(const std::optional<std::string>& version);

}  // namespace cartography::catalog
