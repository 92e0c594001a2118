// The text of one .osu file (format v14): the sections and keys real files carry, in their
// usual order, with CRLF or LF line ends and an optional UTF-8 BOM as the mapper's editor
// wrote them. Sections are separated by exactly one empty line (an empty line ends a section
// for the reference reader, so none appears inside one).
#pragma once

#include <string>

#include "synth/chart.hpp"
#include "synth/corpus_plan.hpp"

namespace cartography::synth {

struct OsuFileRequest {
  const SongPlan* song = nullptr;
  const ArchivePlan* archive = nullptr;
  const DifficultyPlan* difficulty = nullptr;
  const ChartText* chart = nullptr;
  int64_t beatmap_id = 0;
  bool omit_mode = false;     // defects
  bool bad_mode = false;
  bool omit_creator = false;
};

std::string osu_text(const OsuFileRequest& request);
// "Artist - Title (Creator) [Version].osu", with characters Windows forbids in names dropped.
std::string osu_file_name(const ArchivePlan& archive, const DifficultyPlan& difficulty);

}  // namespace cartography::synth
