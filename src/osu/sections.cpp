#include "osu/sections.hpp"

#include <optional>

#include "osu/python_text.hpp"

namespace cartography::osu {
namespace {

constexpr std::string_view kListSections[] = {"Events", "TimingPoints", "HitObjects"};

bool is_list_section(std::string_view name) {
  for (auto s : kListSections)
    if (s == name) return true;
  return false;
}

// ^\[(.*)\]$ on a line without its terminator ('.' cannot meet a newline there).
std::optional<std::string_view> section_header(std::string_view line) {
  if (line.size() >= 2 && line.front() == '[' && line.back() == ']')
    return line.substr(1, line.size() - 2);
  return std::nullopt;
}

bool is_ascii_word(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

// ^(\w*)\s?:\s?(.*)$ . A non-ASCII character that is not whitespace is taken as a word
// character: Python's \w would accept some and refuse others, but either way the key then
// contains a non-ASCII character, and the reference only ever looks up ASCII keys.
std::optional<std::pair<std::string_view, std::string_view>> key_value(std::string_view line) {
  size_t i = 0;
  while (i < line.size()) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c < 0x80) {
      if (!is_ascii_word(c)) break;
      ++i;
    } else {
      if (whitespace_length_at(line, i) != 0) break;
      ++i;
      while (i < line.size() && (static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) ++i;
    }
  }
  const std::string_view key = line.substr(0, i);
  i += whitespace_length_at(line, i);
  if (i >= line.size() || line[i] != ':') return std::nullopt;
  return std::pair{key, python_strip(line.substr(i + 1))};
}

}  // namespace

const KeyValue* Sections::find(std::string_view section, std::string_view key) const {
  const auto s = key_values.find(section);
  if (s == key_values.end()) return nullptr;
  const auto k = s->second.find(key);
  return k == s->second.end() ? nullptr : &k->second;
}

const std::vector<SectionLine>* Sections::list(std::string_view section) const {
  const auto s = lists.find(section);
  return s == lists.end() ? nullptr : &s->second;
}

Sections split_sections(std::string_view text) {
  Sections out;
  LineReader reader(text);
  std::string_view line;
  // The open section's container (both null when none is open): found once per header, not
  // once per line.
  std::vector<SectionLine>* list = nullptr;
  std::map<std::string, KeyValue, std::less<>>* key_values = nullptr;
  while (reader.next(line)) {
    if (line.starts_with("//")) continue;
    const std::string_view stripped = python_strip(line);
    if (stripped.empty()) {
      list = nullptr;
      key_values = nullptr;
      continue;
    }
    if (auto name = section_header(line)) {
      list = nullptr;
      key_values = nullptr;
      if (is_list_section(*name)) {
        list = &out.lists[std::string(*name)];
        list->clear();
      } else {
        key_values = &out.key_values[std::string(*name)];
        key_values->clear();
      }
      continue;
    }
    if (list) {
      list->push_back({reader.line_number(), stripped});
    } else if (key_values) {
      if (auto kv = key_value(line))
        key_values->insert_or_assign(std::string(kv->first), KeyValue{reader.line_number(), kv->second});
    }
  }
  return out;
}

}  // namespace cartography::osu
