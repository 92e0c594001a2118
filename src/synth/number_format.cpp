#include "synth/number_format.hpp"

#include <charconv>
#include <cstdio>
#include <system_error>

namespace cartography::synth {

std::string format_double(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

double canonical_double(double v, int significant) {
  char buf[64];
  const int n = std::snprintf(buf, sizeof buf, "%.*g", significant, v);
  double out = 0;
  std::from_chars(buf, buf + n, out);  // locale-independent, exactly the reader's parse
  return out;
}

}  // namespace cartography::synth
