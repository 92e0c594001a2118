#include "osu/python_number.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "osu/python_text.hpp"

namespace cartography::osu {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

// PEP 515 as CPython checks it for float() and int(): an underscore needs a digit on both
// sides. Returns the text without underscores, or nullopt.
std::optional<std::string> remove_digit_separators(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  char prev = '\0';
  for (char c : s) {
    if (c == '_') {
      if (!is_digit(prev)) return std::nullopt;
    } else {
      if (prev == '_' && !is_digit(c)) return std::nullopt;
      out += c;
    }
    prev = c;
  }
  if (prev == '_') return std::nullopt;
  return out;
}

size_t skip_digits(std::string_view s, size_t i) {
  while (i < s.size() && is_digit(s[i])) ++i;
  return i;
}

// [sign] (digits [. [digits]] | . digits) [(e|E) [sign] digits], the whole string.
bool is_decimal_float(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  const size_t int_end = skip_digits(s, i);
  bool any_digit = int_end > i;
  i = int_end;
  if (i < s.size() && s[i] == '.') {
    const size_t frac_end = skip_digits(s, i + 1);
    any_digit = any_digit || frac_end > i + 1;
    i = frac_end;
  }
  if (!any_digit) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    const size_t exp_end = skip_digits(s, i);
    if (exp_end == i) return false;
    i = exp_end;
  }
  return i == s.size();
}

std::optional<double> special_float(std::string_view s) {
  const bool negative = !s.empty() && s[0] == '-';
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  const double inf = std::numeric_limits<double>::infinity();
  if (iequals(s, "inf") || iequals(s, "infinity")) return negative ? -inf : inf;
  if (iequals(s, "nan")) return std::copysign(std::numeric_limits<double>::quiet_NaN(), negative ? -1.0 : 1.0);
  return std::nullopt;
}

// Python's decimal-to-double conversion saturates: 1e400 is inf, 1e-400 is 0. from_chars
// reports both as out of range, so decide the direction from the decimal exponent.
double out_of_range_value(std::string_view s) {
  const bool negative = s[0] == '-';
  if (s[0] == '-' || s[0] == '+') s.remove_prefix(1);
  const size_t e = s.find_first_of("eE");
  std::string_view mantissa = s.substr(0, e);
  long long exponent = 0;
  if (e != std::string_view::npos) {
    std::string_view digits = s.substr(e + 1);
    const bool exp_negative = !digits.empty() && digits[0] == '-';
    if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.remove_prefix(1);
    for (char c : digits) {
      exponent = exponent * 10 + (c - '0');
      if (exponent > 1'000'000'000) break;  // far beyond any double either way
    }
    if (exp_negative) exponent = -exponent;
  }
  // Position of the leading significant digit relative to the decimal point.
  const size_t dot = mantissa.find('.');
  const size_t int_len = dot == std::string_view::npos ? mantissa.size() : dot;
  const size_t first = mantissa.find_first_not_of("0.");
  long long magnitude = first < int_len ? static_cast<long long>(int_len - first)
                                        : -static_cast<long long>(first - int_len);
  const double value = magnitude + exponent > 0 ? std::numeric_limits<double>::infinity() : 0.0;
  return negative ? -value : value;
}

// A decimal float without separators (correctly rounded, like Python's dtoa).
std::optional<double> decimal_float(std::string_view s) {
  if (!is_decimal_float(s)) return std::nullopt;
  const char* first = s.data();
  const char* last = first + s.size();
  if (*first == '+') ++first;  // from_chars takes '-' only
  double value = 0.0;
  const auto [ptr, ec] = std::from_chars(first, last, value, std::chars_format::general);
  if (ec == std::errc::result_out_of_range) return out_of_range_value(s);
  if (ec != std::errc() || ptr != last) return std::nullopt;
  return value;
}

// The spelling of nearly every number in a chart: [-]digits[.digits], nothing else, short
// enough that no exponent can leave the double range. Such a string needs none of the general
// path's steps (strip, special values, separators, exponent), and its value is what
// decimal_float would give: from_chars is correctly rounded, and an integer of at most 15
// digits is exact in a double (below 2^53), so it is accumulated directly (-0 stays -0.0).
// nullopt when the string is not of that form; the general path then decides.
std::optional<double> plain_decimal(std::string_view s) {
  constexpr size_t kMaxPlain = 64;  // 64 characters can neither overflow nor underflow a double
  constexpr size_t kMaxExactDigits = 15;
  if (s.empty() || s.size() > kMaxPlain) return std::nullopt;
  const bool negative = s[0] == '-';
  const size_t digits_begin = negative ? 1 : 0;
  const size_t int_end = skip_digits(s, digits_begin);
  const size_t int_digits = int_end - digits_begin;
  if (int_end == s.size() && int_digits > 0 && int_digits <= kMaxExactDigits) {
    double value = 0;
    for (size_t i = digits_begin; i < int_end; ++i) value = value * 10 + (s[i] - '0');
    return negative ? -value : value;
  }
  size_t end = int_end;
  bool any_digit = int_digits > 0;
  if (end < s.size() && s[end] == '.') {
    const size_t frac_end = skip_digits(s, end + 1);
    any_digit = any_digit || frac_end > end + 1;
    end = frac_end;
  }
  if (end != s.size() || !any_digit) return std::nullopt;
  double value = 0.0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value, std::chars_format::fixed);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<double> python_float(std::string_view text) {
  if (auto plain = plain_decimal(text)) return plain;
  const std::string_view s = python_strip(text);
  if (s.empty() || !is_ascii(s)) return std::nullopt;
  if (auto special = special_float(s)) return special;
  if (s.find('_') == std::string_view::npos) return decimal_float(s);
  const auto plain = remove_digit_separators(s);
  return plain ? decimal_float(*plain) : std::nullopt;
}

std::optional<PythonInt> python_int(std::string_view text) {
  std::string_view s = python_strip(text);
  if (s.empty() || !is_ascii(s)) return std::nullopt;
  const bool negative = s[0] == '-';
  if (s[0] == '-' || s[0] == '+') s.remove_prefix(1);
  // Only a number with separators needs a copy without them.
  std::optional<std::string> without_separators;
  if (s.find('_') != std::string_view::npos) {
    without_separators = remove_digit_separators(s);
    if (!without_separators) return std::nullopt;
  }
  const std::string_view digits = without_separators ? std::string_view(*without_separators) : s;
  if (digits.empty()) return std::nullopt;
  PythonInt out;
  // Accumulate negatively so that INT64_MIN itself is representable.
  const int64_t min = std::numeric_limits<int64_t>::min();
  int64_t acc = 0;
  for (char c : digits) {
    if (!is_digit(c)) return std::nullopt;
    const int d = c - '0';
    if (!out.overflow && (acc < (min + d) / 10)) out.overflow = true;
    if (!out.overflow) acc = acc * 10 - d;
  }
  if (out.overflow) {
    out.value = negative ? min : std::numeric_limits<int64_t>::max();
  } else if (negative) {
    out.value = acc;
  } else if (acc == min) {
    out.overflow = true;
    out.value = std::numeric_limits<int64_t>::max();
  } else {
    out.value = -acc;
  }
  return out;
}

int64_t low_bits(double integral_value, int64_t mask) {
  // Beyond ±2^63 a double is a multiple of 2^11, so every flag bit the format uses is zero.
  constexpr double kTwo63 = 9223372036854775808.0;
  if (!(integral_value >= -kTwo63 && integral_value < kTwo63)) return 0;
  return static_cast<int64_t>(integral_value) & mask;
}

}  // namespace cartography::osu
