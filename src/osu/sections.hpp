// The .osu file as the reference's parse_map_file reads it: `[Name]` opens a section, an empty
// (whitespace-only) line closes it, "//" lines are skipped; Events, TimingPoints and HitObjects
// collect their stripped lines, every other section holds `key : value` pairs matched by
// ^(\w*)\s?:\s?(.*)$. A repeated header starts its section afresh, as the reference's dict does.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cartography::osu {

struct SectionLine {
  int64_t line = 0;       // 1-based line number in the file
  std::string_view text;  // stripped; a view into the file text
};

struct KeyValue {
  int64_t line = 0;
  std::string_view value;  // stripped
};

struct Sections {
  std::map<std::string, std::map<std::string, KeyValue, std::less<>>, std::less<>> key_values;
  std::map<std::string, std::vector<SectionLine>, std::less<>> lists;

  // nullptr when the section or the key is absent.
  const KeyValue* find(std::string_view section, std::string_view key) const;
  const std::vector<SectionLine>* list(std::string_view section) const;
};

// `text` must be valid UTF-8 and outlive the result (entries are views into it).
Sections split_sections(std::string_view text);

}  // namespace cartography::osu
