#include "io/json.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cartography::io {

std::string python_float_repr(double value) {
  if (!std::isfinite(value)) throw JsonError("refusing to write a non-finite number to JSON");
  char buf[64];
  // Scientific shortest form gives the digits and the decimal exponent of the shortest
  // round-trip representation; Python then chooses fixed or exponent notation from it.
  auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  bool negative = sci[0] == '-';
  if (negative) sci.erase(0, 1);
  auto e_pos = sci.find('e');
  std::string mantissa = sci.substr(0, e_pos);
  int exponent = std::stoi(sci.substr(e_pos + 1));
  std::string digits;
  for (char c : mantissa)
    if (c != '.') digits += c;
  std::string out = negative ? "-" : "";
  if (exponent < -4 || exponent >= 16) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char exp[16];
    std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    return out + exp;
  }
  if (exponent < 0) return out + "0." + std::string(-exponent - 1, '0') + digits;
  int int_digits = exponent + 1;
  if (static_cast<int>(digits.size()) <= int_digits)
    return out + digits + std::string(int_digits - digits.size(), '0') + ".0";
  return out + digits.substr(0, int_digits) + "." + digits.substr(int_digits);
}

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when the byte there starts none
// (overlong forms, surrogates and code points past U+10FFFF are invalid, as in Python).
size_t utf8_sequence_length(const std::string& s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return n;
}

// Calls keep(begin, length) for each valid sequence and bad(byte) for each other byte.
template <typename Keep, typename Bad>
void walk_utf8(const std::string& s, Keep keep, Bad bad) {
  for (size_t i = 0; i < s.size();) {
    if (size_t n = utf8_sequence_length(s, i)) {
      keep(i, n);
      i += n;
    } else {
      bad(static_cast<unsigned char>(s[i]));
      ++i;
    }
  }
}

}  // namespace

bool is_valid_utf8(const std::string& s) {
  bool valid = true;
  walk_utf8(s, [](size_t, size_t) {}, [&](unsigned char) { valid = false; });
  return valid;
}

std::string utf8_display(const std::string& s) {
  if (is_valid_utf8(s)) return s;
  std::string out;
  walk_utf8(s, [&](size_t i, size_t n) { out.append(s, i, n); }, [&](unsigned char) { out += "\xEF\xBF\xBD"; });
  return out;
}

std::string escape_bytes(const std::string& s) {
  std::string out;
  walk_utf8(
      s,
      [&](size_t i, size_t n) {
        if (n == 1 && s[i] == '\\') out += "\\\\";
        else out.append(s, i, n);
      },
      [&](unsigned char c) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02X", c);
        out += buf;
      });
  return out;
}

namespace {

void dump_string(const std::string& raw, std::string& out) {
  const std::string s = utf8_display(raw);
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void dump_value(const Json& v, int indent, int depth, std::string& out) {
  auto newline = [&](int d) {
    out += '\n';
    out.append(static_cast<size_t>(indent * d), ' ');
  };
  switch (v.type()) {
    case Json::value_t::null: out += "null"; break;
    case Json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; break;
    case Json::value_t::number_integer: out += std::to_string(v.get<int64_t>()); break;
    case Json::value_t::number_unsigned: out += std::to_string(v.get<uint64_t>()); break;
    case Json::value_t::number_float: out += python_float_repr(v.get<double>()); break;
    case Json::value_t::string: dump_string(v.get_ref<const std::string&>(), out); break;
    case Json::value_t::array: {
      if (v.empty()) { out += "[]"; break; }
      out += '[';
      bool first = true;
      for (const auto& item : v) {
        if (!first) out += ',';
        first = false;
        newline(depth + 1);
        dump_value(item, indent, depth + 1, out);
      }
      newline(depth);
      out += ']';
      break;
    }
    case Json::value_t::object: {
      if (v.empty()) { out += "{}"; break; }
      out += '{';
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out += ',';
        first = false;
        newline(depth + 1);
        dump_string(it.key(), out);
        out += ": ";
        dump_value(it.value(), indent, depth + 1, out);
      }
      newline(depth);
      out += '}';
      break;
    }
    default: throw JsonError("unsupported JSON value type");
  }
}

}  // namespace

std::string dump_python_style(const Json& value, int indent) {
  std::string out;
  dump_value(value, indent, 0, out);
  return out;
}

namespace {

std::string os_reason(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

// Every byte of `data` to fd (write may take fewer; EINTR is retried).
bool write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view bytes) {
  const std::string tmp = path + ".tmp";
  // A stale temporary is removed, and the new one must be new (O_EXCL, O_NOFOLLOW): a link
  // planted at progress/group_0.cbor.tmp (progress/ is kept by --resume) was written through,
  // overwriting its target with the run's bytes.
  if (::unlink(tmp.c_str()) != 0 && errno != ENOENT) throw JsonError(os_reason("cannot remove the stale", tmp));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) throw JsonError(os_reason("cannot create", tmp));
  std::string error;
  if (!write_all(fd, bytes.data(), bytes.size())) error = os_reason("cannot write", tmp);
  // close() is where some file systems (NFS, quotas) first report a failed write.
  if (::close(fd) != 0 && error.empty()) error = os_reason("cannot write", tmp);
  if (error.empty() && ::rename(tmp.c_str(), path.c_str()) != 0) error = os_reason("cannot rename " + tmp + " to", path);
  if (!error.empty()) {
    ::unlink(tmp.c_str());
    throw JsonError(error);
  }
}

void write_json_file(const std::string& path, const Json& value, int indent) {
  std::string text;
  try {
    text = dump_python_style(value, indent);
  } catch (const JsonError& e) {
    throw JsonError("not writing " + path + ": " + e.what());  // which output held the bad value
  }
  write_file_atomically(path, text);
}

}  // namespace cartography::io
