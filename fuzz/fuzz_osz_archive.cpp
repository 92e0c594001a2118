// libFuzzer target: the in-memory .osz reader (osz::Archive::from_bytes) on arbitrary bytes.
//
// Contract checked (a violation aborts):
//  - from_bytes and read() throw only osz::ArchiveError;
//  - no listed entry has a name that unsafe_name_reason() refuses (those belong in refused());
//  - read() never returns more than the limit on one entry;
//  - find() of a listed name finds an entry.
// The limits are scaled down from the defaults (same checks, smaller numbers) so that a
// candidate zip bomb costs milliseconds, not a 512 MiB inflate.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <vector>

#include "fuzz_support.hpp"
#include "osz/archive.hpp"

namespace {

using fuzz_support::violation;

cartography::osz::ArchiveLimits fuzz_limits() {
  cartography::osz::ArchiveLimits l;
  l.max_entry_bytes = uint64_t(4) << 20;
  l.max_total_bytes = uint64_t(16) << 20;
  l.max_entries = 2000;
  l.max_ratio_bytes = uint64_t(1) << 20;
  l.max_ratio = 1000.0;
  return l;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cartography::osz;
  static const ArchiveLimits limits = fuzz_limits();
  try {
    Archive a = Archive::from_bytes(std::vector<uint8_t>(data, data + size), "fuzz.osz", limits);
    if (a.entries().size() > limits.max_entries) violation("more entries than the limit");
    for (const Entry& e : a.entries()) {
      if (auto why = unsafe_name_reason(e.name)) violation("listed an unsafe entry name:", e.name);
      if (!a.find(e.name)) violation("find() misses a listed entry:", e.name);
      try {
        const std::vector<uint8_t> bytes = a.read(e);
        if (bytes.size() > limits.max_entry_bytes) violation("read() past the entry limit:", e.name);
        (void)a.read_text(e);
      } catch (const ArchiveError&) {
      }
    }
    (void)a.osu_entries();
    (void)a.top_level_osu_entries();
    (void)a.find("audio.mp3");
    (void)a.find("AUDIO.OGG");
    (void)a.find("sub\\file.osu");
  } catch (const ArchiveError&) {
    // Not a readable archive: the expected outcome for most inputs.
  } catch (const std::exception& e) {
    violation("the archive reader threw something other than ArchiveError:", e.what());
  }
  return 0;
}
