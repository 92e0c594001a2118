#include "controls/rng.hpp"

#include <stdexcept>

namespace cartography::controls {

uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t derive_seed(uint64_t seed, std::initializer_list<int64_t> values) {
  uint64_t h = mix64(seed);
  for (int64_t v : values) h = mix64(h ^ static_cast<uint64_t>(v));
  return h;
}

uint64_t SplitMix64::next() {
  state_ += 0x9E3779B97F4A7C15ULL;
  return mix64(state_);
}

uint64_t SplitMix64::uniform_index(uint64_t n) {
  if (n == 0) throw std::invalid_argument("uniform_index: empty range");
  unsigned __int128 m = static_cast<unsigned __int128>(next()) * n;
  uint64_t low = static_cast<uint64_t>(m);
  if (low < n) {
    // Products whose low word falls below t would make the low residues over-represented.
    const uint64_t t = (0 - n) % n;
    while (low < t) {
      m = static_cast<unsigned __int128>(next()) * n;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

}  // namespace cartography::controls
