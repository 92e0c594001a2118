#include "catalog/text.hpp"

#include <utf8proc.h>

#include "osu/python_text.hpp"

#include <charconv>
#include <vector>

namespace cartography::catalog {
namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";

// Length of the valid UTF-8 sequence at s[i], or 0; `prefix` receives the length of the
// maximal valid prefix when the sequence is invalid (at least 1), per Unicode's
// "maximal subpart" rule that Python follows.
size_t utf8_sequence(std::string_view s, size_t i, size_t& prefix) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  prefix = 1;
  if (c < 0x80) return 1;
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) need = 1;
  else if (c == 0xE0) { need = 2; lo = 0xA0; }
  else if (c >= 0xE1 && c <= 0xEC) need = 2;
  else if (c == 0xED) { need = 2; hi = 0x9F; }
  else if (c >= 0xEE && c <= 0xEF) need = 2;
  else if (c == 0xF0) { need = 3; lo = 0x90; }
  else if (c >= 0xF1 && c <= 0xF3) need = 3;
  else if (c == 0xF4) { need = 3; hi = 0x8F; }
  else return 0;
  for (size_t k = 1; k <= need; ++k) {
    if (i + k >= s.size()) return 0;
    unsigned char d = b(i + k);
    unsigned char l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
    if (d < l || d > h) return 0;
    prefix = k + 1;
  }
  return need + 1;
}

std::vector<utf8proc_int32_t> code_points(std::string_view utf8) {
  std::vector<utf8proc_int32_t> out;
  size_t i = 0;
  while (i < utf8.size()) {
    utf8proc_int32_t cp;
    auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data() + i),
                              static_cast<utf8proc_ssize_t>(utf8.size() - i), &cp);
    if (n <= 0) { cp = 0xFFFD; n = 1; }
    out.push_back(cp);
    i += static_cast<size_t>(n);
  }
  return out;
}

void append_code_point(std::string& out, utf8proc_int32_t cp) {
  utf8proc_uint8_t buf[4];
  auto n = utf8proc_encode_char(cp, buf);
  out.append(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
}

bool is_cased(utf8proc_int32_t cp) {
  auto cat = utf8proc_category(cp);
  return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL || cat == UTF8PROC_CATEGORY_LT ||
         utf8proc_tolower(cp) != cp || utf8proc_toupper(cp) != cp;
}

bool is_case_ignorable(utf8proc_int32_t cp) {
  auto cat = utf8proc_category(cp);
  return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_ME || cat == UTF8PROC_CATEGORY_CF ||
         cat == UTF8PROC_CATEGORY_LM || cat == UTF8PROC_CATEGORY_SK || cp == '\'' || cp == '.' ||
         cp == ':' || cp == 0x00B7 || cp == 0x2019;
}

// Unicode's Final_Sigma condition, which Python's lower() applies to U+03A3.
bool final_sigma(const std::vector<utf8proc_int32_t>& cps, size_t i) {
  size_t j = i;
  bool cased_before = false;
  while (j > 0) {
    --j;
    if (is_case_ignorable(cps[j])) continue;
    cased_before = is_cased(cps[j]);
    break;
  }
  if (!cased_before) return false;
  for (size_t k = i + 1; k < cps.size(); ++k) {
    if (is_case_ignorable(cps[k])) continue;
    return !is_cased(cps[k]);
  }
  return true;
}

// Calls fn(offset after the colon) for each line that begins with "<name>:" (re.MULTILINE's
// ^), in order, until fn returns a value.
template <typename Fn>
std::optional<std::string> for_each_header_line(std::string_view text, std::string_view name, Fn fn) {
  size_t pos = 0;
  while (pos <= text.size()) {
    if (text.compare(pos, name.size(), name) == 0 && text.substr(pos + name.size(), 1) == ":") {
      if (auto v = fn(pos + name.size() + 1)) return v;
    }
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return std::nullopt;
}

}  // namespace

std::string decode_utf8_replace(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  size_t i = 0;
  while (i < bytes.size()) {
    size_t prefix = 1;
    size_t n = utf8_sequence(bytes, i, prefix);
    if (n) {
      out.append(bytes.substr(i, n));
      i += n;
    } else {
      out += kReplacement;
      i += prefix;
    }
  }
  return out;
}

std::string python_strip(std::string_view text) { return std::string(osu::python_strip(text)); }

std::string python_lower(std::string_view text) {
  auto cps = code_points(text);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < cps.size(); ++i) {
    utf8proc_int32_t cp = cps[i];
    if (cp == 0x0130) {  // LATIN CAPITAL I WITH DOT ABOVE: full mapping is two code points
      append_code_point(out, 0x0069);
      append_code_point(out, 0x0307);
    } else if (cp == 0x03A3) {
      append_code_point(out, final_sigma(cps, i) ? 0x03C2 : 0x03C3);
    } else {
      append_code_point(out, utf8proc_tolower(cp));
    }
  }
  return out;
}

std::optional<std::string> match_header_value(std::string_view text, std::string_view name,
                                              bool skip_space) {
  return for_each_header_line(text, name, [&](size_t start) -> std::optional<std::string> {
    size_t k = start;
    if (skip_space) {
      // \s* is greedy and may cross line ends; it backs off only if (.+) would then be empty.
      std::vector<size_t> stops{k};
      while (size_t len = k < text.size() ? osu::whitespace_length_at(text, k) : 0) {
        k += len;
        stops.push_back(k);
      }
      for (auto it = stops.rbegin(); it != stops.rend(); ++it) {
        size_t s = *it;
        if (s < text.size() && text[s] != '\n') {
          size_t eol = text.find('\n', s);
          return std::string(text.substr(s, (eol == std::string_view::npos ? text.size() : eol) - s));
        }
      }
      return std::nullopt;
    }
    if (k >= text.size() || text[k] == '\n') return std::nullopt;
    size_t eol = text.find('\n', k);
    return std::string(text.substr(k, (eol == std::string_view::npos ? text.size() : eol) - k));
  });
}

std::optional<std::string> match_header_run(std::string_view text, std::string_view name, bool allow_dot) {
  return for_each_header_line(text, name, [&](size_t start) -> std::optional<std::string> {
    size_t k = start;
    while (size_t len = k < text.size() ? osu::whitespace_length_at(text, k) : 0) k += len;
    size_t e = k;
    while (e < text.size() && ((text[e] >= '0' && text[e] <= '9') || (allow_dot && text[e] == '.'))) ++e;
    if (e == k) return std::nullopt;
    return std::string(text.substr(k, e - k));
  });
}

std::optional<long long> python_int(std::string_view text) {
  std::string s = python_strip(text);
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  std::string digits;
  bool last_underscore = true;  // an underscore may not lead, trail or repeat
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') {
      digits += s[i];
      last_underscore = false;
    } else if (s[i] == '_' && !last_underscore) {
      last_underscore = true;
    } else {
      return std::nullopt;
    }
  }
  if (digits.empty() || last_underscore) return std::nullopt;
  long long value = 0;
  auto res = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (res.ec != std::errc()) return std::nullopt;
  return negative ? -value : value;
}

std::optional<double> python_float_of_run(std::string_view run) {
  if (run.empty() || run.find('.') != run.rfind('.') || run == ".") return std::nullopt;
  double value = 0;
  auto res = std::from_chars(run.data(), run.data() + run.size(), value);
  if (res.ec != std::errc() || res.ptr != run.data() + run.size()) return std::nullopt;
  return value;
}

}  // namespace cartography::catalog

namespace cartography::catalog {

std::string sanitize_version(const std::optional<std::string>& version) {
  if (!version || version->empty()) return "unknown";
  std::string out;
  for (utf8proc_int32_t cp : code_points(*version)) {
    auto cat = utf8proc_category(cp);
    bool alnum = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                 (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
    if (alnum || cp == '-' || cp == '_' || cp == ' ') append_code_point(out, cp);
    else out += '_';
  }
  return python_strip(out);
}

}  // namespace cartography::catalog
