// Checked integer arithmetic for sizes, offsets, counts and shapes read from untrusted files.
//
// Every reader of hostile bytes (checkpoint zip + pickle, .osz, .npy, charts, audio) computes
// with values a file chose; plain `a * b` on them wraps silently and turns a refused input into
// an out-of-bounds read. These functions compute the exact mathematical result (the compiler's
// __builtin_*_overflow evaluates in infinite precision, whatever the operand types) and return
// std::nullopt when it does not fit the result type. Callers throw their own stage's error with
// a message naming the file and the field.
//
//   checked::mul(a, b)             a * b in the operands' common type (both the same type)
//   checked::mul<std::size_t>(a, b) a * b into size_t, operands of any integer types
//   checked::add / sub             likewise
//   checked::product<R>(values)    the product of a range of integers (e.g. a shape's numel)
//   checked::narrow<To>(v)         v as To when its value is representable (no sign change)
//   checked::truncate<To>(x)       a double truncated toward zero, when finite and in range
//   checked::in_bounds(off, n, total)  [off, off + n) lies within [0, total)
#pragma once

#include <cmath>
#include <concepts>
#include <limits>
#include <optional>
#include <type_traits>
#include <utility>

namespace cartography::checked {

namespace detail {
// R = void: the operands must share one type, which is the result type.
template <typename R, typename A, typename B>
using result_t = std::conditional_t<std::is_void_v<R>, A, R>;

template <typename R, typename A, typename B>
constexpr void require_same_without_explicit_result() {
  static_assert(!std::is_void_v<R> || std::is_same_v<A, B>,
                "operands of different types: name the result type, e.g. checked::mul<std::size_t>(a, b)");
}
}  // namespace detail

template <typename R = void, std::integral A, std::integral B>
[[nodiscard]] constexpr std::optional<detail::result_t<R, A, B>> add(A a, B b) noexcept {
  detail::require_same_without_explicit_result<R, A, B>();
  detail::result_t<R, A, B> out{};
  if (__builtin_add_overflow(a, b, &out)) return std::nullopt;
  return out;
}

template <typename R = void, std::integral A, std::integral B>
[[nodiscard]] constexpr std::optional<detail::result_t<R, A, B>> sub(A a, B b) noexcept {
  detail::require_same_without_explicit_result<R, A, B>();
  detail::result_t<R, A, B> out{};
  if (__builtin_sub_overflow(a, b, &out)) return std::nullopt;
  return out;
}

template <typename R = void, std::integral A, std::integral B>
[[nodiscard]] constexpr std::optional<detail::result_t<R, A, B>> mul(A a, B b) noexcept {
  detail::require_same_without_explicit_result<R, A, B>();
  detail::result_t<R, A, B> out{};
  if (__builtin_mul_overflow(a, b, &out)) return std::nullopt;
  return out;
}

// The product of every element (1 for an empty range, as numel of a 0-d tensor), or nullopt
// when any partial product overflows R. A zero anywhere still fails on an earlier overflow:
// a shape like (2^40, 2^40, 0) is refused rather than silently read as empty.
template <std::integral R, typename Range>
[[nodiscard]] constexpr std::optional<R> product(const Range& values) noexcept {
  R out = 1;
  for (const auto& v : values) {
    static_assert(std::is_integral_v<std::remove_cvref_t<decltype(v)>>, "product of integers only");
    if (__builtin_mul_overflow(out, v, &out)) return std::nullopt;
  }
  return out;
}

// v as To when To can represent its value exactly (negative values never become unsigned).
template <std::integral To, std::integral From>
[[nodiscard]] constexpr std::optional<To> narrow(From v) noexcept {
  if (!std::in_range<To>(v)) return std::nullopt;
  return static_cast<To>(v);
}

// x truncated toward zero as To, or nullopt for NaN, infinities and values outside To's range
// (a plain static_cast of those is undefined behaviour).
template <std::integral To>
[[nodiscard]] inline std::optional<To> truncate(double x) noexcept {
  if (!std::isfinite(x)) return std::nullopt;
  const double t = std::trunc(x);
  // 2^digits is exact in a double and is one past To's maximum; min() is 0 or -2^digits.
  const double upper = std::ldexp(1.0, std::numeric_limits<To>::digits);
  const double lower = static_cast<double>(std::numeric_limits<To>::min());
  if (!(t >= lower && t < upper)) return std::nullopt;
  return static_cast<To>(t);
}

// Whether the byte range [offset, offset + length) lies inside a buffer of `total` bytes,
// without computing offset + length in wrapping arithmetic. Negative operands are outside.
template <std::integral O, std::integral L, std::integral T>
[[nodiscard]] constexpr bool in_bounds(O offset, L length, T total) noexcept {
  if (std::cmp_less(offset, 0) || std::cmp_less(length, 0) || std::cmp_less(total, 0)) return false;
  const auto end = add<unsigned long long>(offset, length);
  return end && *end <= static_cast<unsigned long long>(total);
}

}  // namespace cartography::checked
