// Non-owning views of the two kinds of signals the statistics read: the 9-dim encoding
// ([9, L] float64, as the reference saves it) and the VAE latent ([D, l] float32). Row-major with
// an explicit row stride, so "the first n frames of a longer array" is a view, not a copy.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

namespace cartography::stats {

template <class T>
struct SignalView {
  const T* data = nullptr;
  int64_t dims = 0;
  int64_t length = 0;
  int64_t row_stride = 0;  // elements between the starts of consecutive rows (>= length)

  SignalView() = default;
  SignalView(const T* data_, int64_t dims_, int64_t length_, int64_t row_stride_)
      : data(data_), dims(dims_), length(length_), row_stride(row_stride_) {
    if (dims < 0 || length < 0 || row_stride < length)
      throw std::invalid_argument("SignalView: bad shape");
  }
  // A dense [dims, length] array.
  SignalView(const T* data_, int64_t dims_, int64_t length_)
      : SignalView(data_, dims_, length_, length_) {}
  SignalView(const std::vector<T>& dense, int64_t dims_, int64_t length_)
      : SignalView(dense.data(), dims_, length_) {
    if (static_cast<int64_t>(dense.size()) != dims_ * length_)
      throw std::invalid_argument("SignalView: size does not match shape");
  }

  std::span<const T> row(int64_t d) const {
    return {data + d * row_stride, static_cast<size_t>(length)};
  }
  T at(int64_t d, int64_t t) const { return data[d * row_stride + t]; }

  // The first n frames (n <= length).
  SignalView prefix(int64_t n) const {
    if (n < 0 || n > length) throw std::out_of_range("SignalView::prefix beyond the signal");
    return SignalView(data, dims, n, row_stride);
  }

  // Frame t as a vector across dimensions (a column of the array).
  std::vector<T> frame(int64_t t) const {
    std::vector<T> out(static_cast<size_t>(dims));
    for (int64_t d = 0; d < dims; ++d) out[static_cast<size_t>(d)] = at(d, t);
    return out;
  }
};

using EncodingView = SignalView<double>;  // 9-dim interpretable encoding
using LatentView = SignalView<float>;     // VAE latent

}  // namespace cartography::stats
