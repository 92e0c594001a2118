// numpy operations whose exact rounding or edge cases the encoding depends on.
#pragma once

#include <cmath>

namespace cartography::encode {

// numpy's float remainder a % 2: fmod, moved into [0, 2) when negative, +0 when exact
// (npy_divmod), not C's fmod (which keeps the dividend's sign).
inline double floored_mod2(double a) {
  double m = std::fmod(a, 2.0);
  if (m != 0) {
    if (m < 0) m += 2.0;
  } else {
    m = 0.0;
  }
  return m;
}

}  // namespace cartography::encode
