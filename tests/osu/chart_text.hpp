// A small valid .osu text to vary one field at a time in tests.
#pragma once

#include <string>
#include <vector>

namespace cartography::testing {

struct ChartText {
  std::string general = "AudioFilename: audio.mp3\nMode: 0\n";
  std::string metadata = "Title:Song\nArtist:Band\nCreator:Mapper\nVersion:Hard\n";
  std::string difficulty =
      "HPDrainRate:5\nCircleSize:4\nOverallDifficulty:6\nApproachRate:9\nSliderMultiplier:1.4\nSliderTickRate:1\n";
  std::vector<std::string> timing = {"0,500,4,2,0,100,1,0"};
  std::vector<std::string> objects = {"256,192,1000,1,0"};
  std::string events;  // [Events] lines; the section is left out when empty

  std::string str() const {
    std::string s = "osu file format v14\n\n[General]\n" + general + "\n[Metadata]\n" + metadata +
                    "\n[Difficulty]\n" + difficulty + "\n";
    if (!events.empty()) s += "[Events]\n" + events + "\n";
    s += "[TimingPoints]\n";
    for (const auto& t : timing) s += t + "\n";
    s += "\n[HitObjects]\n";
    for (const auto& o : objects) s += o + "\n";
    return s;
  }
};

}  // namespace cartography::testing
