// The catalog's two choices a run can make, as plain enums (no JSON, no archives): the run
// options carry them and the index and registry act on them.
#pragma once

namespace cartography::catalog {

// Who counts as a mapper of a song. SetCreator: the archive's (its first .osu's) creator, as
// the reference. OsuCreator (ours): every .osu's creator, so guest difficulties inside one
// archive make a song multi-mapper.
enum class GroupBy { SetCreator, OsuCreator };

// How AudioFilename is found in the archive. CaseInsensitive (ours, default): any entry whose
// path matches ignoring ASCII case. Reference: the exact name, and only .mp3/.ogg entries (the
// only ones the reference extracts), for differential runs against the reference pipeline.
enum class AudioMatch { CaseInsensitive, Reference };

}  // namespace cartography::catalog
