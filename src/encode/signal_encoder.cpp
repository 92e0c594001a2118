#include "encode/signal_encoder.hpp"

#include <future>
#include <stdexcept>
#include <system_error>

namespace cartography::encode {

namespace {

// Blocks shorter than this are not worth a thread.
constexpr int64_t kMinFramesPerThread = 4096;

double* row_of(double* out, int64_t row_stride, Row r) { return out + static_cast<int64_t>(r) * row_stride; }

}  // namespace

SignalEncoder::SignalEncoder(const osu::Beatmap& beatmap, EncoderOptions options)
    : options_(options), cursor_(beatmap) {
  for (const auto& o : beatmap.hit_objects()) {
    onset_.add_event(o.t);
    if (o.new_combo) combo_.add_event(o.t);
    if (o.whistle) whistle_.add_event(o.t);
    if (o.finish) finish_.add_event(o.t);
    if (o.clap) clap_.add_event(o.t);
    if (o.kind == osu::HitObjectKind::slider) {
      const auto& s = beatmap.slider_of(o);
      slide_.add_slider(o.t, s.slide_duration, s.slides);
    }
    if (o.kind != osu::HitObjectKind::circle) sustain_.add_hold(o.t, o.end_time);
  }
}

void SignalEncoder::encode_event_rows(int64_t first, int64_t last, double* out, int64_t row_stride) {
  onset_.fill(first, last, row_of(out, row_stride, Row::onset));
  combo_.fill(first, last, row_of(out, row_stride, Row::combo));
  whistle_.fill(first, last, row_of(out, row_stride, Row::whistle));
  finish_.fill(first, last, row_of(out, row_stride, Row::finish));
  clap_.fill(first, last, row_of(out, row_stride, Row::clap));
}

void SignalEncoder::encode_block(int64_t first_frame, int64_t count, double* out, int64_t row_stride) {
  if (first_frame < 0 || count < 0 || row_stride < count)
    throw std::invalid_argument("encode_block: bad frame range or row stride");
  const int64_t last = first_frame + count;
  std::future<void> events;
  if (options_.threads >= 2 && count >= kMinFramesPerThread) {
    try {
      events = std::async(std::launch::async, [=, this] { encode_event_rows(first_frame, last, out, row_stride); });
    } catch (const std::system_error&) {
      // no thread to be had: do it here
    }
  }
  if (!events.valid()) encode_event_rows(first_frame, last, out, row_stride);
  slide_.fill(first_frame, last, row_of(out, row_stride, Row::slide));
  sustain_.fill(first_frame, last, row_of(out, row_stride, Row::sustain));
  cursor_.fill(first_frame, last, row_of(out, row_stride, Row::x), row_of(out, row_stride, Row::y));
  if (events.valid()) events.get();
}

std::vector<double> encode_beatmap(const osu::Beatmap& beatmap, int64_t frames) {
  if (frames < 0) throw std::invalid_argument("encode_beatmap: negative frame count");
  std::vector<double> out(static_cast<size_t>(kRows * frames));
  SignalEncoder(beatmap).encode_block(0, frames, out.data(), frames);
  return out;
}

}  // namespace cartography::encode
