#include "skywire/wire/json/escape.hpp"

#include <cstdint>

namespace skywire::wire::json {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

void append_u00(std::string& out, unsigned char b) {
  out += "\\u00";
  out += hex_digits[b >> 4];
  out += hex_digits[b & 0xF];
}

// Length of the valid UTF-8 sequence starting at s[i] and its code point, with Go's
// utf8.DecodeRuneInString rules (no overlongs, no surrogates, nothing above U+10FFFF);
// 0 if the byte at i does not start a valid sequence (Go then reports RuneError, size 1).
std::size_t utf8_sequence(std::string_view s, std::size_t i, std::uint32_t& cp) {
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = at(i);
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() - i < n) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const unsigned char b = at(i + k);
    const unsigned char min = k == 1 ? lo : 0x80;
    const unsigned char max = k == 1 ? hi : 0xBF;
    if (b < min || b > max) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  return n;
}

}  // namespace

std::string to_valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    std::uint32_t cp = 0;
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      out += s[i++];
      continue;
    }
    const std::size_t n = utf8_sequence(s, i, cp);
    if (n == 0) {
      out += "\xef\xbf\xbd";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

void append_go_json_string(std::string& out, std::string_view s, const go_json_options& opt) {
  out += '"';
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      switch (b) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b':
          if (opt.style == go_json_style::go1_22_plus) out += "\\b";
          else append_u00(out, b);
          break;
        case '\f':
          if (opt.style == go_json_style::go1_22_plus) out += "\\f";
          else append_u00(out, b);
          break;
        case '<':
        case '>':
        case '&':
          if (opt.escape_html) append_u00(out, b);
          else out += static_cast<char>(b);
          break;
        default:
          if (b < 0x20) append_u00(out, b);
          else out += static_cast<char>(b);
      }
      ++i;
      continue;
    }
    std::uint32_t cp = 0;
    const std::size_t n = utf8_sequence(s, i, cp);
    if (n == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    if (cp == 0x2028 || cp == 0x2029) {
      out += "\\u202";
      out += hex_digits[cp & 0xF];
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  out += '"';
}

void append_jsoniter_fastest_string(std::string& out, std::string_view s) {
  out += '"';
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    switch (b) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (b < 0x20) append_u00(out, b);
        else out += c;
    }
  }
  out += '"';
}

}  // namespace skywire::wire::json
