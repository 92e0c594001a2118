// Case changes for titles and file names as mappers vary them. Only ASCII and Latin-1
// letters (U+00C0-U+00FE) are touched: enough for the corpus' names, and every change is one
// that Python's str.lower() undoes, so the reference still groups the sets together.
#pragma once

#include <string>

namespace cartography::synth {

std::string upper_latin(const std::string& utf8);
std::string lower_latin(const std::string& utf8);

}  // namespace cartography::synth
