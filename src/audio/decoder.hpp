// The audio decoder of the chosen stream, opened as the ffmpeg CLI opens it (same decoder for
// the codec id, packet time base set), driven through send/receive with the CLI's error policy.
#pragma once

#include <cstdint>
#include <functional>

#include "audio/ffmpeg_handles.hpp"
#include "audio/memory_input.hpp"

namespace cartography::audio::detail {

class Decoder {
 public:
  explicit Decoder(const MemoryInput& input);

  // Decodes every packet of the stream, then drains the decoder, calling `on_frame` for each
  // decoded frame. A packet or frame the decoder rejects is counted and skipped, as the CLI
  // does (it only logs "Error while decoding stream").
  void run(const std::function<void(const AVFrame&)>& on_frame);

  int64_t frames_ok() const { return frames_ok_; }
  int64_t errors() const { return errors_; }
  // The CLI exits with status 69 when errors exceed 2/3 of all decode calls (-max_error_rate).
  bool error_rate_exceeded() const { return (frames_ok_ + errors_) * 2.0 / 3.0 < errors_; }

 private:
  void receive_all(const std::function<void(const AVFrame&)>& on_frame);

  const MemoryInput& input_;
  CodecContextPtr codec_;
  FramePtr frame_;
  int64_t frames_ok_ = 0;
  int64_t errors_ = 0;
};

}  // namespace cartography::audio::detail
