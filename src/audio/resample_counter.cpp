#include "audio/resample_counter.hpp"

#include <new>
#include <stdexcept>

#include "audio/audio_length.hpp"

extern "C" {
#include <libavutil/channel_layout.h>
}

namespace cartography::audio::detail {

ResampleCounter::ResampleCounter(int out_rate, std::vector<int16_t>* keep) : out_rate_(out_rate), keep_(keep) {}

ResampleCounter::~ResampleCounter() { av_channel_layout_uninit(&in_layout_); }

bool ResampleCounter::same_input(const AVFrame& frame) const {
  return swr_ && frame.sample_rate == in_rate_ && frame.format == in_format_ &&
         av_channel_layout_compare(&frame.ch_layout, &in_layout_) == 0;
}

void ResampleCounter::configure(const AVFrame& frame) {
  swr_.reset();
  av_channel_layout_uninit(&in_layout_);
  if (av_channel_layout_copy(&in_layout_, &frame.ch_layout) < 0) throw std::bad_alloc();
  in_rate_ = frame.sample_rate;
  in_format_ = frame.format;
  ++reconfigurations_;

  AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
  SwrContext* raw = nullptr;
  int err = swr_alloc_set_opts2(&raw, &mono, AV_SAMPLE_FMT_S16, out_rate_, &in_layout_,
                                static_cast<AVSampleFormat>(in_format_), in_rate_, 0, nullptr);
  swr_.reset(raw);
  if (err >= 0) err = swr_ ? swr_init(swr_.get()) : AVERROR(ENOMEM);
  if (err < 0)
    throw std::runtime_error("cannot configure the resampler for " + std::to_string(in_rate_) + " Hz, " +
                             std::to_string(in_layout_.nb_channels) + " channels: " + error_string(err));
}

int ResampleCounter::convert(const uint8_t** in, int in_count) {
  int capacity = swr_get_out_samples(swr_.get(), in_count);
  if (capacity < 0) throw std::runtime_error("resampler: " + error_string(capacity));
  if (out_.size() < static_cast<size_t>(capacity) + 16) out_.resize(capacity + 16);
  uint8_t* out[1] = {reinterpret_cast<uint8_t*>(out_.data())};
  int n = swr_convert(swr_.get(), out, static_cast<int>(out_.size()), in, in_count);
  if (n < 0) throw std::runtime_error("resampler: " + error_string(n));
  samples_ += n;
  if (keep_) keep_->insert(keep_->end(), out_.begin(), out_.begin() + n);
  return n;
}

void ResampleCounter::push(const AVFrame& frame) {
  if (frame.nb_samples <= 0) return;
  if (!same_input(frame)) configure(frame);
  input_samples_ += frame.nb_samples;
  convert(const_cast<const uint8_t**>(frame.extended_data), frame.nb_samples);
}

int64_t ResampleCounter::finish() {
  if (swr_) {
    while (convert(nullptr, 0) > 0) {
    }
  }
  swr_.reset();
  av_channel_layout_uninit(&in_layout_);
  return samples_;
}

}  // namespace cartography::audio::detail
