#include "encode/signal_encoder.hpp"

#include <stdexcept>

namespace cartography::encode {

SignalEncoder::SignalEncoder(const osu::Beatmap& beatmap) : cursor_(beatmap) {
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

void SignalEncoder::encode_block(int64_t first_frame, int64_t count, double* out, int64_t row_stride) {
  if (first_frame < 0 || count < 0 || row_stride < count)
    throw std::invalid_argument("encode_block: bad frame range or row stride");
  const int64_t last = first_frame + count;
  auto row = [&](Row r) { return out + static_cast<int64_t>(r) * row_stride; };
  onset_.fill(first_frame, last, row(Row::onset));
  combo_.fill(first_frame, last, row(Row::combo));
  slide_.fill(first_frame, last, row(Row::slide));
  sustain_.fill(first_frame, last, row(Row::sustain));
  whistle_.fill(first_frame, last, row(Row::whistle));
  finish_.fill(first_frame, last, row(Row::finish));
  clap_.fill(first_frame, last, row(Row::clap));
  cursor_.fill(first_frame, last, row(Row::x), row(Row::y));
}

std::vector<double> encode_beatmap(const osu::Beatmap& beatmap, int64_t frames) {
  if (frames < 0) throw std::invalid_argument("encode_beatmap: negative frame count");
  std::vector<double> out(static_cast<size_t>(kRows * frames));
  SignalEncoder(beatmap).encode_block(0, frames, out.data(), frames);
  return out;
}

}  // namespace cartography::encode
