#include "synth/osz_writer.hpp"

#include <zip.h>

#include <ctime>
#include <filesystem>
#include <memory>

namespace cartography::synth {
namespace {

// libzip converts a time_t to the DOS date/time fields with the local time zone; handing it
// the time_t that is 2020-01-01 12:00 *local* time makes the stored fields the same in every
// time zone.
time_t fixed_mtime() {
  std::tm tm{};
  tm.tm_year = 2020 - 1900;
  tm.tm_mon = 0;
  tm.tm_mday = 1;
  tm.tm_hour = 12;
  tm.tm_isdst = -1;
  return std::mktime(&tm);
}

std::string zip_error(zip_t* z) { return z ? zip_strerror(z) : "unknown error"; }

}  // namespace

void write_zip(const std::string& path, const std::vector<ZipEntry>& entries) {
  const std::string temporary = path + ".part";
  int err = 0;
  zip_t* z = zip_open(temporary.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (!z) throw ZipWriteError("cannot create " + temporary + " (libzip error " + std::to_string(err) + ")");
  auto fail = [&](const std::string& what) {
    std::string msg = path + ": " + what + ": " + zip_error(z);
    zip_discard(z);
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw ZipWriteError(msg);
  };
  const time_t mtime = fixed_mtime();
  for (const ZipEntry& e : entries) {
    // The buffers stay alive (and unchanged) until zip_close, which reads them.
    zip_source_t* src = zip_source_buffer(z, e.bytes.data(), e.bytes.size(), 0);
    if (!src) fail("cannot add " + e.name);
    const zip_int64_t index = zip_file_add(z, e.name.c_str(), src, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(src);
      fail("cannot add " + e.name);
    }
    const auto i = static_cast<zip_uint64_t>(index);
    if (zip_set_file_compression(z, i, e.compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0) != 0 ||
        zip_file_set_mtime(z, i, mtime, 0) != 0)
      fail("cannot set attributes of " + e.name);
  }
  if (zip_close(z) != 0) fail("cannot write");
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) throw ZipWriteError("cannot rename " + temporary + " to " + path + ": " + ec.message());
}

}  // namespace cartography::synth
