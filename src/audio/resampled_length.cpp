// The output length of libswresample's default resampler, in closed form.
//
// Derived from how swr's polyphase resampler walks its input (and checked against
// libswresample itself for every rate the tests list, every length up to several thousand
// samples and random lengths up to millions, with any chunking):
//  - filter length F = ceil(32 / min(out * 0.97 / in, 1)), rounded up to even (filter_size 32,
//    cutoff 0.97 are swr's defaults);
//  - the first output sits on input sample 0, whose left neighbourhood is a mirror image of
//    the start (h = (F - 1) / 2 mirrored samples in front), and output k sits at input
//    position p(k) = floor(k * in / out);
//  - while streaming, output k is produced once input [p(k) - h, p(k) - h + F) is all there;
//  - at the flush, the c samples left unconsumed are extended by a mirror of (c + 1) / 2 of
//    them, and every output whose window fits is produced;
//  - before F + 1 samples have arrived the resampler has not started; a stream that short is
//    mirrored by (M + 1) / 2 at the flush and produces nothing unless that reaches F + 1.
#include <algorithm>
#include <cmath>

#include "audio/audio_length.hpp"

namespace cartography::audio {
namespace {

int64_t swr_filter_length(int in_rate, int out_rate) {
  const double factor = std::min(out_rate * 0.97 / in_rate, 1.0);
  int64_t length = std::max<int64_t>(static_cast<int64_t>(std::ceil(32 / factor)), 1);
  if (length > 1) length = (length + 1) / 2 * 2;
  return length;
}

// Number of k >= 0 with floor(k * in / out) <= x.
int64_t outputs_up_to(int64_t x, int64_t in, int64_t out) {
  if (x < 0) return 0;
  return ((x + 1) * out + in - 1) / in;
}

}  // namespace

int64_t resampled_length(int64_t m, int in_rate) {
  const int64_t in = in_rate;
  const int64_t out = kSampleRate;
  if (in == out || m <= 0) return m < 0 ? 0 : m;
  const int64_t f = swr_filter_length(in_rate, kSampleRate);
  const int64_t h = (f - 1) / 2;
  if (m < f + 1) {
    const int64_t mirrored = (m + 1) / 2;
    if (m + mirrored < f + 1) return 0;
    return outputs_up_to(m + mirrored + h - f, in, out);
  }
  const int64_t a = m + h;  // input positions available, counted from the first output
  const int64_t streamed = outputs_up_to(a - f, in, out);
  const int64_t left = a - streamed * in / out;  // unconsumed samples at the flush
  const int64_t mirrored = (std::min(left, f) + 1) / 2;
  return outputs_up_to(a - f + mirrored, in, out);
}

}  // namespace cartography::audio
