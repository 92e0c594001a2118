#include "osu/python_text.hpp"

#include <cstdint>
#include <cstring>

namespace cartography::osu {
namespace {

unsigned char byte_at(std::string_view text, size_t i) { return static_cast<unsigned char>(text[i]); }

bool in_range(std::string_view text, size_t i, unsigned char lo, unsigned char hi) {
  return i < text.size() && byte_at(text, i) >= lo && byte_at(text, i) <= hi;
}

// Length of the well-formed sequence at `i` (Unicode table 3-7, which is exactly what CPython's
// strict decoder accepts), or 0 if it is ill-formed.
size_t sequence_length(std::string_view text, size_t i) {
  const unsigned char lead = byte_at(text, i);
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return in_range(text, i + 1, 0x80, 0xBF) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    const unsigned char lo = lead == 0xE0 ? 0xA0 : 0x80;
    const unsigned char hi = lead == 0xED ? 0x9F : 0xBF;  // ED A0.. would be a surrogate
    return in_range(text, i + 1, lo, hi) && in_range(text, i + 2, 0x80, 0xBF) ? 3 : 0;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    const unsigned char lo = lead == 0xF0 ? 0x90 : 0x80;
    const unsigned char hi = lead == 0xF4 ? 0x8F : 0xBF;  // nothing above U+10FFFF
    return in_range(text, i + 1, lo, hi) && in_range(text, i + 2, 0x80, 0xBF) &&
                   in_range(text, i + 3, 0x80, 0xBF)
               ? 4
               : 0;
  }
  return 0;
}

// Python's str.isspace() set: the ASCII controls \t..\r and \x1c..\x1f, space, and the
// Unicode separators U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F,
// U+205F, U+3000. Given as code points decoded from UTF-8.
bool is_python_space(char32_t c) {
  if (c < 0x80) return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
  return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

// Decodes the (valid) character of `len` bytes at `i`.
char32_t decode_at(std::string_view text, size_t i, size_t len) {
  const unsigned char lead = byte_at(text, i);
  if (len == 1) return lead;
  char32_t c = lead & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) c = (c << 6) | (byte_at(text, i + k) & 0x3F);
  return c;
}

size_t char_length_at(std::string_view text, size_t pos) {
  const unsigned char lead = byte_at(text, pos);
  if (lead < 0x80) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

// True when the 8 bytes at `i` are all ASCII (charts are nearly all ASCII, so the check
// skips them a word at a time).
bool ascii_word_at(std::string_view text, size_t i) {
  uint64_t word = 0;
  std::memcpy(&word, text.data() + i, sizeof word);
  return (word & 0x8080808080808080u) == 0;
}

// False when none of the 8 bytes at `i` can be '\n' or '\r': none is below 0x0E (the classic
// "has a byte less than n" word test, exact in saying whether any byte is, for n <= 128).
bool may_hold_line_end(std::string_view text, size_t i) {
  constexpr uint64_t kOnes = 0x0101010101010101u, kHighs = 0x8080808080808080u;
  uint64_t word = 0;
  std::memcpy(&word, text.data() + i, sizeof word);
  return ((word - kOnes * 0x0E) & ~word & kHighs) != 0;
}

}  // namespace

std::optional<size_t> first_invalid_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    if (i + 8 <= text.size() && ascii_word_at(text, i)) {
      i += 8;
      continue;
    }
    if (byte_at(text, i) < 0x80) {
      ++i;
      continue;
    }
    const size_t len = sequence_length(text, i);
    if (len == 0) return i;
    i += len;
  }
  return std::nullopt;
}

size_t whitespace_length_at(std::string_view text, size_t pos) {
  if (pos >= text.size()) return 0;
  const size_t len = char_length_at(text, pos);
  if (pos + len > text.size()) return 0;
  return is_python_space(decode_at(text, pos, len)) ? len : 0;
}

size_t whitespace_length_before(std::string_view text, size_t end) {
  if (end == 0) return 0;
  size_t start = end - 1;
  // Step back over continuation bytes to the lead byte of the last character (at most 3).
  while (start > 0 && end - start < 4 && (byte_at(text, start) & 0xC0) == 0x80) --start;
  const size_t len = end - start;
  if (char_length_at(text, start) != len) return 0;
  return is_python_space(decode_at(text, start, len)) ? len : 0;
}

std::string_view python_strip(std::string_view text) {
  // ASCII bytes are tested directly; only a non-ASCII byte needs the character decoded.
  size_t begin = 0;
  while (begin < text.size()) {
    const unsigned char c = byte_at(text, begin);
    const size_t n = c < 0x80 ? size_t{is_python_space(c)} : whitespace_length_at(text, begin);
    if (n == 0) break;
    begin += n;
  }
  size_t end = text.size();
  while (end > begin) {
    const unsigned char c = byte_at(text, end - 1);
    const size_t n = c < 0x80 ? size_t{is_python_space(c)} : whitespace_length_before(text, end);
    if (n == 0) break;
    end -= n;
  }
  return text.substr(begin, end - begin);
}

bool LineReader::next(std::string_view& line) {
  if (pos_ >= text_.size()) return false;
  size_t end = pos_;  // (find_first_of would run memchr over "\r\n" once per byte)
  while (end + 8 <= text_.size() && !may_hold_line_end(text_, end)) end += 8;
  while (end < text_.size() && text_[end] != '\n' && text_[end] != '\r') ++end;
  if (end == text_.size()) end = std::string_view::npos;
  ++line_number_;
  if (end == std::string_view::npos) {
    line = text_.substr(pos_);
    pos_ = text_.size();
    return true;
  }
  line = text_.substr(pos_, end - pos_);
  pos_ = end + 1;
  if (text_[end] == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
  return true;
}

}  // namespace cartography::osu
