// The controls' only source of randomness: SplitMix64 (Steele, Lea & Flood 2014, the generator
// java.util.SplittableRandom and the xoshiro authors' seeding routine use), chosen because it is
// a dozen lines that a golden script reimplements exactly, so bootstrap and null-pair draws can
// be checked draw for draw. Statistical quality is ample for resampling (it passes BigCrush).
//
// Algorithm (all arithmetic modulo 2^64):
//   next():  state += 0x9E3779B97F4A7C15; return mix64(state)
//   mix64(z): z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
//             z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
//             return z ^ (z >> 31)
#pragma once

#include <cstdint>
#include <initializer_list>

namespace cartography::controls {

// SplitMix64's output function: a bijection of 64-bit words that scrambles every input bit.
uint64_t mix64(uint64_t z);

// A seed for one independent stream, derived from a run seed and the identifiers of what is
// drawn for (e.g. a pair's song group and members), so that draws do not depend on the order
// in which work is visited nor on which MPI rank visits it:
//   h = mix64(seed); for each v: h = mix64(h ^ uint64_t(v)); return h
uint64_t derive_seed(uint64_t seed, std::initializer_list<int64_t> values);

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next();

  // Uniform integer in [0, n) without modulo bias, by Lemire's multiply-and-reject method
  // ("Fast random integer generation in an interval", ACM TOMACS 2019):
  //   m = x * n (128-bit product of a draw x = next() and n); l = low 64 bits of m;
  //   if l < n: t = (2^64 - n) mod n; while l < t: x = next(); m = x * n; l = low(m)
  //   return high 64 bits of m
  // n must be >= 1 (throws std::invalid_argument otherwise).
  uint64_t uniform_index(uint64_t n);

 private:
  uint64_t state_;
};

}  // namespace cartography::controls
