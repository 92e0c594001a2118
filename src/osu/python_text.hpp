// The text of a .osu file as the reference's Python sees it. The reference opens the file with
// open(path, encoding='utf-8'): strict UTF-8 (an invalid byte anywhere rejects the map, a BOM
// is kept as the character U+FEFF), universal newlines ("\r\n", "\r" and "\n" all end a line),
// and str.strip() / re's \s use Python's Unicode whitespace. We work on the UTF-8 bytes directly
// and reproduce those rules, so which lines are sections, keys and entries matches exactly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace cartography::osu {

// Byte offset of the first byte that makes `text` invalid for Python's strict UTF-8 codec
// (overlong forms, surrogates, code points above U+10FFFF, truncated sequences), or nullopt.
std::optional<size_t> first_invalid_utf8(std::string_view text);

// Length in bytes of the Python whitespace character (str.isspace) that starts at `pos`,
// or 0 if the character there is not whitespace. `text` must be valid UTF-8.
size_t whitespace_length_at(std::string_view text, size_t pos);

// Length in bytes of the Python whitespace character that ends just before `end`, or 0.
size_t whitespace_length_before(std::string_view text, size_t end);

// str.strip() with no arguments.
std::string_view python_strip(std::string_view text);

// Universal-newline line reader: yields each line without its terminator, numbered from 1.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}
  // False at the end of the text. A final line without a terminator is still a line.
  bool next(std::string_view& line);
  int64_t line_number() const { return line_number_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  int64_t line_number_ = 0;
};

}  // namespace cartography::osu
