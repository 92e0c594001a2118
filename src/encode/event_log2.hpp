// log2 for the event rows, where it is evaluated for almost every frame of every event row.
// The reference's numpy log2 is itself platform-dependent (the golden files differ from
// glibc's log2 by one unit in the last place on ~1% of frames), so what parity needs is
// accuracy, not one libm's bits: this one is within about one unit in the last place of the
// exact value (tested exhaustively on the frame grid's values and against std::log2), and,
// inlined without a call, several times cheaper than libm's.
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

namespace cartography::encode {

class EventLog2 {
 public:
  EventLog2() {
    for (int j = 0; j < kCells; ++j) {
      const double centre = 1.0 + (j + 0.5) / kCells;
      inverse_[j] = 1.0 / centre;
      log_centre_[j] = std::log2(centre);
      centre_[j] = centre;
    }
  }

  // log2(x) for finite x > 0 in the normal range.
  double operator()(double x) const {
    const uint64_t bits = std::bit_cast<uint64_t>(x);
    const int exponent = static_cast<int>((bits >> 52) & 0x7FF) - 1023;
    const double m = std::bit_cast<double>((bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull);  // [1, 2)
    const int j = static_cast<int>((bits >> (52 - kCellBits)) & (kCells - 1));
    // m - centre is exact (same binade); |r| <= 2^-8.
    const double r = (m - centre_[j]) * inverse_[j];
    // log2(1 + r) = r/ln2 · (1 - r/2 + r²/3 - r³/4 + r⁴/5 - r⁵/6 + r⁶/7); the next term is
    // below 2^-60 of the result.
    const double series =
        1 + r * (-1.0 / 2 + r * (1.0 / 3 + r * (-1.0 / 4 + r * (1.0 / 5 + r * (-1.0 / 6 + r * (1.0 / 7))))));
    return (log_centre_[j] + r * series * kInverseLn2) + exponent;
  }

 private:
  static constexpr int kCellBits = 7;
  static constexpr int kCells = 1 << kCellBits;
  static constexpr double kInverseLn2 = 1.4426950408889634074;
  std::array<double, kCells> inverse_{}, log_centre_{}, centre_{};
};

}  // namespace cartography::encode
