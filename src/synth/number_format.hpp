// Numbers as they are written into .osu files. A value the generator computes with must be
// exactly the double a reader parses back from the text, or slider end times computed here
// and by the reader could differ by a millisecond; hence canonical_double.
#pragma once

#include <string>

namespace cartography::synth {

// Shortest text that parses back to exactly `v` ("1.4", "157.5", "-133.33333333333334").
std::string format_double(double v);
// `v` rounded to `significant` digits, as the double that text parses to.
double canonical_double(double v, int significant);

}  // namespace cartography::synth
