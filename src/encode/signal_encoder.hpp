// The 9-dimensional encoding of a chart on the frame grid (the reference's encode_beatmap):
// rows ONSET, COMBO, SLIDE, SUSTAIN, WHISTLE, FINISH, CLAP, X, Y. The reference runs one
// pass over all frames per object (O(objects × frames)); this encoder sweeps the frames once
// (O(objects · log objects + frames)) and produces them block by block, so a long map never
// needs more memory than one block of output.
#pragma once

#include <cstdint>
#include <vector>

#include "encode/cursor_rows.hpp"
#include "encode/hit_rows.hpp"
#include "osu/beatmap.hpp"

namespace cartography::encode {

enum class Row : int { onset, combo, slide, sustain, whistle, finish, clap, x, y };
inline constexpr int kRows = 9;

struct EncoderOptions {
  // 2: the five event rows of a block are computed on a second thread while this one does
  // the others (rows are independent, so the result is the same bits). For a standalone
  // encode on an idle machine; a pipeline that already runs one process per core keeps 1.
  int threads = 1;
};

class SignalEncoder {
 public:
  // The beatmap must outlive the encoder.
  explicit SignalEncoder(const osu::Beatmap& beatmap, EncoderOptions options = {});

  // Writes frames [first_frame, first_frame + count): row r of frame f goes to
  // out[r * row_stride + (f - first_frame)]. Rows 0-6 lie in [-1, 1]; X and Y are finite and
  // bounded (see CursorRows), or this throws osu::ChartError. Blocks are cheapest in increasing order (a
  // block before the previous one restarts the sweep; the result is the same).
  void encode_block(int64_t first_frame, int64_t count, double* out, int64_t row_stride);

 private:
  void encode_event_rows(int64_t first, int64_t last, double* out, int64_t row_stride);

  EncoderOptions options_;
  EventRow onset_, combo_, whistle_, finish_, clap_;
  SlideRow slide_;
  SustainRow sustain_;
  CursorRows cursor_;
};

// The whole encoding of frames 0..frames-1, row-major [9 * frames].
std::vector<double> encode_beatmap(const osu::Beatmap& beatmap, int64_t frames);

}  // namespace cartography::encode
