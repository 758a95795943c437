#include "skywire/wire/transport/detail/json_fields.hpp"

#include <algorithm>
#include <limits>

#include <boost/json/parse.hpp>

#include "skywire/wire/errc.hpp"

namespace skywire::wire::transport::detail {

namespace bj = boost::json;

bool key_is(std::string_view key, std::string_view name) noexcept {
  if (key.size() != name.size()) return false;
  for (std::size_t i = 0; i < key.size(); ++i) {
    auto a = static_cast<unsigned char>(key[i]);
    auto b = static_cast<unsigned char>(name[i]);
    if (a >= 'A' && a <= 'Z') a = static_cast<unsigned char>(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = static_cast<unsigned char>(b - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

result<const bj::object*> parse_object(std::string_view text, std::size_t max_bytes, std::size_t max_depth,
                                       bj::monotonic_resource& arena, bj::value& doc) {
  if (text.size() > max_bytes) return errc::too_long;
  bj::parse_options opts;
  opts.max_depth = max_depth;
  boost::system::error_code ec;
  doc = bj::parse(text, ec, &arena, opts);
  if (ec) {
    if (ec == bj::error::too_deep) return errc::too_deep;
    return errc::bad_json;
  }
  if (!doc.is_object()) return errc::bad_json;
  return &doc.get_object();
}

result<std::string> get_string(const bj::value& v) {
  if (v.is_null()) return std::string{};
  if (!v.is_string()) return errc::type_mismatch;
  return std::string(v.get_string());
}

result<std::uint64_t> get_uint(const bj::value& v, std::uint64_t max) {
  if (v.is_null()) return std::uint64_t{0};
  std::uint64_t n = 0;
  if (v.is_uint64()) {
    n = v.get_uint64();
  } else if (v.is_int64() && v.get_int64() >= 0) {
    n = static_cast<std::uint64_t>(v.get_int64());
  } else {
    return errc::type_mismatch;  // negative, fractional, exponent or beyond 64 bits
  }
  if (n > max) return errc::type_mismatch;
  return n;
}

result<std::int64_t> get_int64(const bj::value& v) {
  if (v.is_null()) return std::int64_t{0};
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return static_cast<std::int64_t>(v.get_uint64());
  return errc::type_mismatch;
}

result<bool> get_bool(const bj::value& v) {
  if (v.is_null()) return false;
  if (!v.is_bool()) return errc::type_mismatch;
  return v.get_bool();
}

result<crypto::public_key> get_pk(const bj::value& v) {
  if (v.is_null()) return crypto::public_key::null();
  if (!v.is_string()) return errc::type_mismatch;
  return crypto::public_key::from_text(v.get_string());
}

result<crypto::signature> get_sig(const bj::value& v) {
  if (v.is_null()) return crypto::signature{};
  if (!v.is_string()) return errc::type_mismatch;
  const std::string_view s = v.get_string();
  if (std::all_of(s.begin(), s.end(), [](char c) { return c == '0'; })) return crypto::signature{};
  return crypto::signature::from_text(s);
}

result<std::array<std::uint8_t, 16>> get_byte_array16(const bj::value& v) {
  std::array<std::uint8_t, 16> out{};
  if (v.is_null()) return out;
  if (!v.is_array()) return errc::type_mismatch;
  const bj::array& a = v.get_array();
  if (a.size() != out.size()) return errc::invalid_value;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (a[i].is_null()) return errc::type_mismatch;  // Go: null element leaves 0; no Go peer sends it
    auto n = get_uint(a[i], 255);
    if (!n) return n.error();
    out[i] = static_cast<std::uint8_t>(*n);
  }
  return out;
}

}  // namespace skywire::wire::transport::detail
