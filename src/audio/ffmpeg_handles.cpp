#include "audio/ffmpeg_handles.hpp"

#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <new>

extern "C" {
#include <libavutil/error.h>
#include <libavutil/log.h>
}

namespace cartography::audio::detail {

PacketPtr make_packet() {
  PacketPtr p(av_packet_alloc());
  if (!p) throw std::bad_alloc();
  return p;
}

FramePtr make_frame() {
  FramePtr f(av_frame_alloc());
  if (!f) throw std::bad_alloc();
  return f;
}

std::string error_string(int errnum) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(errnum, buf, sizeof buf);
  return buf;
}

namespace {

thread_local std::string last_message;

// Decoders log from the thread that calls them (we never enable codec threads), so a
// thread_local slot pairs each message with the file being read on that thread.
void log_callback(void* /*avcl*/, int level, const char* fmt, va_list args) {
  if (level > AV_LOG_ERROR) return;
  char buf[512];
  int n = std::vsnprintf(buf, sizeof buf, fmt, args);
  if (n <= 0) return;
  std::string msg(buf);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) msg.pop_back();
  if (!msg.empty()) last_message = msg;
}

}  // namespace

void install_quiet_logging() {
  static std::once_flag once;
  std::call_once(once, [] {
    av_log_set_level(AV_LOG_ERROR);
    av_log_set_callback(log_callback);
  });
}

std::string take_last_log_message() {
  std::string m;
  m.swap(last_message);
  return m;
}

}  // namespace cartography::audio::detail
