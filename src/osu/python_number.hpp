// Numbers as the reference reads them: Python float(str) and int(str). Accepting exactly the
// strings Python accepts (surrounding Unicode whitespace, "1_000", ".5", "1.", "inf", "NaN",
// "1e400" = inf) decides which maps the reference rejects, so the grammar is reproduced.
// Deliberate difference: Python also accepts non-ASCII decimal digits ("１２" in fullwidth);
// we refuse them (a chart with such digits is rejected with a reason, never misread).
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>

namespace cartography::osu {

// float(text), or nullopt where Python raises ValueError.
std::optional<double> python_float(std::string_view text);

struct PythonInt {
  int64_t value = 0;
  bool overflow = false;  // Python's unbounded int does not fit int64; value is saturated
};

// int(text) in base 10, or nullopt where Python raises ValueError ("1.0", "", "1__0").
std::optional<PythonInt> python_int(std::string_view text);

// int(x) of a float, which raises for NaN and infinity: the truncated value (exact in a
// double, as every integer Python can make from a double is itself a double).
// Inline: it runs on five fields of every hit object.
inline std::optional<double> python_trunc(double x) {
  if (!std::isfinite(x)) return std::nullopt;
  return std::trunc(x);
}

// The low bits of int(x) in Python's two's-complement view, for x = python_trunc(...) values:
// `typ & 2` on a huge or negative int behaves as it does on an unbounded Python int.
int64_t low_bits(double integral_value, int64_t mask);

}  // namespace cartography::osu
