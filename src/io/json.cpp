#include "io/json.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

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

void dump_string(const std::string& s, std::string& out) {
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

void write_json_file(const std::string& path, const Json& value, int indent) {
  std::string text = dump_python_style(value, indent);
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw JsonError("cannot write " + tmp);
    f << text;
    if (!f.flush()) throw JsonError("write failed: " + tmp);
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace cartography::io
