// Feeds decoded frames through libswresample configured as the CLI's auto-inserted aresample
// filter (default options, mono s16 at 16384 Hz) and counts what comes out; when given a
// vector, also keeps the samples (what the CLI writes to its s16le pipe).
#pragma once

#include <cstdint>
#include <vector>

#include "audio/ffmpeg_handles.hpp"

namespace cartography::audio::detail {

class ResampleCounter {
 public:
  // `keep`, when not null, receives every output sample, appended in order.
  explicit ResampleCounter(int out_rate, std::vector<int16_t>* keep = nullptr);
  ~ResampleCounter();
  ResampleCounter(const ResampleCounter&) = delete;
  ResampleCounter& operator=(const ResampleCounter&) = delete;

  // Converts one decoded frame. When its rate, layout or sample format differs from the
  // previous frame's, the CLI rebuilds its filter graph without flushing the old one, so the
  // samples still inside the old resampler are lost; this does the same.
  void push(const AVFrame& frame);
  // Flushes the resampler (the aresample filter does at end of stream) and returns the total.
  int64_t finish();

  int64_t samples() const { return samples_; }
  int64_t input_samples() const { return input_samples_; }
  int reconfigurations() const { return reconfigurations_; }

 private:
  bool same_input(const AVFrame& frame) const;
  void configure(const AVFrame& frame);
  int convert(const uint8_t** in, int in_count);

  int out_rate_;
  std::vector<int16_t>* keep_;
  SwrPtr swr_;
  int in_rate_ = 0;
  int in_format_ = -1;
  AVChannelLayout in_layout_{};
  std::vector<int16_t> out_;
  int64_t samples_ = 0;
  int64_t input_samples_ = 0;
  int reconfigurations_ = -1;  // the first configuration is not a re-configuration
};

}  // namespace cartography::audio::detail
