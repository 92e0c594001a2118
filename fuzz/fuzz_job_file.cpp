// libFuzzer target: the job-file parser (cli::apply_job_text, the YAML job files of
// `cartography run --job`) on arbitrary bytes taken as YAML text.
//
// Contract checked (a violation aborts):
//  - apply_job_text throws only pipeline::OptionError (a YAML error, a bad key or value is an
//    OptionError naming the file), never anything else, never crashes or hangs;
//  - every refusal names the file;
//  - what it accepts is within the documented bounds: text options at most kMaxOptionBytes, no
//    NUL byte, progress_seconds finite in (0, 86400], enums holding one of their names.
// The option sources (job_file.cpp, study_options.cpp, file_kind.cpp) are compiled into this
// harness directly: they are small, and the fuzz build compiles stage sources itself.
#include <cmath>
#include <cstdint>
#include <string>

#include "cli/job_file.cpp"
#include "fuzz_support.hpp"
#include "pipeline/file_kind.cpp"
#include "pipeline/study_options.cpp"

namespace {

using cartography::pipeline::OptionError;
using cartography::pipeline::StudyOptions;
using fuzz_support::violation;

constexpr const char* kPath = "/fuzz/job.yaml";

void check_text(const std::string& v, const char* what) {
  if (v.size() > cartography::pipeline::kMaxOptionBytes) violation("accepted an over-long option", what);
  if (v.find('\0') != std::string::npos) violation("accepted a NUL byte in an option", what);
}

void check_accepted(const StudyOptions& o) {
  check_text(o.dataset_dir, "dataset");
  check_text(o.out_dir, "out");
  check_text(o.checkpoint, "checkpoint");
  if (!(std::isfinite(o.progress_seconds) && o.progress_seconds > 0 && o.progress_seconds <= 86400))
    violation("accepted progress_seconds out of range", std::to_string(o.progress_seconds));
  using cartography::pipeline::to_string;
  for (const std::string& name : {to_string(o.latent), to_string(o.device), to_string(o.group_by),
                                  to_string(o.audio_match)})
    if (name == "?") violation("an enum outside its names");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  StudyOptions options;
  cartography::pipeline::OptionSources sources;
  try {
    cartography::cli::apply_job_text(text, kPath, options, sources);
  } catch (const OptionError& e) {
    if (std::string(e.what()).rfind(kPath, 0) != 0) violation("a refusal that does not name the file", e.what());
    return 0;
  } catch (const std::exception& e) {
    violation("an exception other than OptionError", e.what());
  }
  check_accepted(options);
  return 0;
}
