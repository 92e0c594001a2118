#include "synth/text_case.hpp"

namespace cartography::synth {
namespace {

// Latin-1 Supplement letters are C3 80..C3 BE in UTF-8; upper and lower case differ by 0x20
// in the second byte (C3 80-9E upper, C3 A0-BE lower), except the multiplication and
// division signs (C3 97, C3 B7) and sharp s (C3 9F), which have no case partner here.
std::string change_case(const std::string& s, bool upper) {
  std::string out = s;
  for (size_t i = 0; i < out.size(); ++i) {
    auto c = static_cast<unsigned char>(out[i]);
    if (c < 0x80) {
      if (upper && c >= 'a' && c <= 'z') out[i] = static_cast<char>(c - 32);
      if (!upper && c >= 'A' && c <= 'Z') out[i] = static_cast<char>(c + 32);
      continue;
    }
    if (c == 0xC3 && i + 1 < out.size()) {
      auto d = static_cast<unsigned char>(out[i + 1]);
      if (upper && d >= 0xA0 && d <= 0xBE && d != 0xB7) out[i + 1] = static_cast<char>(d - 0x20);
      if (!upper && d >= 0x80 && d <= 0x9E && d != 0x97) out[i + 1] = static_cast<char>(d + 0x20);
      ++i;
    }
  }
  return out;
}

}  // namespace

std::string upper_latin(const std::string& utf8) { return change_case(utf8, true); }
std::string lower_latin(const std::string& utf8) { return change_case(utf8, false); }

}  // namespace cartography::synth
