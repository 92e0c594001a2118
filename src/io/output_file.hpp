// A single-file output (`encode-osu --out x.npy`, `encode-latent --out z.npy`) is written to
// <out>.tmp and renamed to <out> once complete. rename() replaces whatever directory entry is at
// <out>: run as root, `--out /dev/full` turned the device node into a regular file, and a FIFO or
// socket was replaced the same way. A symbolic link planted at <out>.tmp (in a shared folder such
// as /tmp) was written through, overwriting its target. temporary_for() refuses the first and
// removes the second before anything is written; NpyWriter opens with O_NOFOLLOW for the rest.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace cartography::io {

class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a directory entry that is not a regular file is, for messages ("is a FIFO, not ...").
inline const char* file_kind_name(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a plain file";
}

// Throws OutputError when `out` names the same file as `input` (also through a link or another
// spelling of the path): the rename replaced the input with the output (`encode-osu c.osu --out
// c.osu` left no chart, rc 0).
inline void refuse_overwriting_input(const std::string& input, const std::string& out) {
  struct stat in {}, target {};
  if (::stat(input.c_str(), &in) == 0 && ::stat(out.c_str(), &target) == 0 && in.st_dev == target.st_dev &&
      in.st_ino == target.st_ino)
    throw OutputError(out + " is the input file " + input + "; choose another --out");
}

// The temporary <out>.tmp, with nothing at its name. Throws OutputError naming the path when
// <out> exists and is neither a regular file nor a symbolic link (rename replaces a link, never
// its target), or when a stale temporary cannot be removed (a folder there is not removed).
inline std::string temporary_for(const std::string& out) {
  struct stat st {};
  if (::lstat(out.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
    throw OutputError(out + " is " + file_kind_name(st.st_mode) +
                      ", not a regular file: it would be replaced by the output");
  const std::string temporary = out + ".tmp";
  if (::lstat(temporary.c_str(), &st) != 0) return temporary;
  if (S_ISDIR(st.st_mode)) throw OutputError(temporary + " is a folder (the temporary name of the output)");
  if (::unlink(temporary.c_str()) != 0)
    throw OutputError("cannot remove the stale temporary " + temporary + ": " + std::strerror(errno));
  return temporary;
}

}  // namespace cartography::io
