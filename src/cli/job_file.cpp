#include "cli/job_file.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "pipeline/file_kind.hpp"

namespace cartography::cli {
namespace fs = std::filesystem;
using pipeline::OptionError;

namespace {

std::string resolve(const fs::path& base, const std::string& p) {
  if (p.empty() || p == "none" || fs::path(p).is_absolute()) return p;
  return (base / p).lexically_normal().string();
}

// Reads a stream's documents without building them, stopping at the second: all a job file needs
// to know. YAML::LoadAll must not be used on untrusted text: on some malformed streams ("!,")
// yaml-cpp's parser keeps reporting an empty document without consuming input, and LoadAll's
// unbounded loop then runs for ever, allocating a node each time.
class IgnoreEvents : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

bool holds_several_documents(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  IgnoreEvents ignore;
  int documents = 0;
  while (documents < 2 && parser.HandleNextDocument(ignore)) ++documents;
  return documents > 1;
}

YAML::Node load_mapping(const std::string& text, const std::string& path) {
  YAML::Node job;
  try {
    job = YAML::Load(text);
    if (!job.IsMap()) throw OptionError(path + ": expected a mapping of options (key: value lines)");
    // YAML::Load reads the first document and silently drops the rest (a second `out:` after
    // `---` was ignored with rc 0).
    if (holds_several_documents(text))
      throw OptionError(path + ": holds more than one YAML document (separated by ---); a job file is one "
                               "mapping of options");
  } catch (const YAML::Exception& e) {
    throw OptionError(path + ": not valid YAML: " + e.what());
  }
  return job;
}

std::string scalar_key(const YAML::Node& key, const std::string& path) {
  if (!key.IsScalar()) throw OptionError(path + ": a key that is not a plain name");
  return key.Scalar();
}

}  // namespace

std::string read_job_file(const std::string& path) {
  if (auto why = pipeline::not_a_regular_file(path)) throw OptionError("job file " + path + " " + *why);
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (!ec && size > kMaxJobFileBytes)
    throw OptionError("job file " + path + " is " + std::to_string(size) + " bytes (at most " +
                      std::to_string(kMaxJobFileBytes) + ")");
  std::ifstream f(path, std::ios::binary);
  if (!f) throw OptionError("job file " + path + " cannot be read: " + std::strerror(errno));
  std::string text(kMaxJobFileBytes + 1, '\0');
  f.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (f.bad()) throw OptionError("job file " + path + " cannot be read: " + std::strerror(errno));
  text.resize(static_cast<size_t>(f.gcount()));
  if (text.size() > kMaxJobFileBytes) throw OptionError("job file " + path + " grew past its size limit while read");
  return text;
}

void apply_job_text(const std::string& yaml_text, const std::string& path, pipeline::StudyOptions& options,
                    pipeline::OptionSources& sources) {
  const YAML::Node job = load_mapping(yaml_text, path);
  const fs::path base = fs::absolute(path).parent_path();
  std::set<std::string> seen;
  for (const auto& kv : job) {
    const std::string key = scalar_key(kv.first, path);
    const std::string where = path + ": key '" + key + "'";
    if (!seen.insert(key).second) throw OptionError(where + ": given twice");
    if (pipeline::is_informational_key(key)) continue;
    const pipeline::OptionSpec* spec = pipeline::find_option(key);
    if (!spec) throw OptionError(path + ": unknown key '" + key + "'");
    if (!kv.second.IsScalar()) throw OptionError(where + ": expected a single value");
    const std::string& value = kv.second.Scalar();
    pipeline::set_option(options, *spec, spec->is_path ? resolve(base, value) : value, where, sources);
  }
}

}  // namespace cartography::cli
