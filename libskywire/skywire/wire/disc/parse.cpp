#include "skywire/wire/disc/parse.hpp"

#include <limits>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "skywire/wire/errc.hpp"

namespace skywire::wire::disc {
namespace {

namespace bj = boost::json;

// ASCII case-insensitive equality; `name` is our lowercase-or-camel field name.
bool key_is(std::string_view key, std::string_view name) {
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

result<std::string> get_string(const bj::value& v) {
  if (v.is_null()) return std::string{};
  if (!v.is_string()) return errc::type_mismatch;
  return std::string(v.get_string());
}

result<std::uint64_t> get_uint64(const bj::value& v) {
  if (v.is_null()) return std::uint64_t{0};
  if (v.is_uint64()) return v.get_uint64();
  if (v.is_int64() && v.get_int64() >= 0) return static_cast<std::uint64_t>(v.get_int64());
  return errc::type_mismatch;
}

result<std::int64_t> get_int64(const bj::value& v) {
  if (v.is_null()) return std::int64_t{0};
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return static_cast<std::int64_t>(v.get_uint64());
  return errc::type_mismatch;
}

result<crypto::public_key> get_pk(const bj::value& v) {
  if (v.is_null()) return crypto::public_key::null();
  if (!v.is_string()) return errc::type_mismatch;
  return crypto::public_key::from_text(v.get_string());
}

result<client_info> get_client(const bj::object& o) {
  client_info c;
  for (const auto& kv : o) {
    if (!key_is(kv.key(), "delegated_servers")) continue;
    const bj::value& v = kv.value();
    if (v.is_null()) {
      c.delegated_servers.reset();
      continue;
    }
    if (!v.is_array()) return errc::type_mismatch;
    std::vector<crypto::public_key> list;
    list.reserve(v.get_array().size());
    for (const auto& item : v.get_array()) {
      auto pk = get_pk(item);
      if (!pk) return pk.error();
      list.push_back(*pk);
    }
    c.delegated_servers = std::move(list);
  }
  return c;
}

result<server_info> get_server(const bj::object& o) {
  server_info s;
  for (const auto& kv : o) {
    const std::string_view k = kv.key();
    if (key_is(k, "address")) {
      auto r = get_string(kv.value());
      if (!r) return r.error();
      s.address = std::move(*r);
    } else if (key_is(k, "availableSessions")) {
      auto r = get_int64(kv.value());
      if (!r) return r.error();
      s.available_sessions = *r;
    } else if (key_is(k, "serverType")) {
      auto r = get_string(kv.value());
      if (!r) return r.error();
      s.server_type = std::move(*r);
    }
  }
  return s;
}

#define SKYWIRE_ASSIGN(target, expr) \
  do {                               \
    auto r_ = (expr);                \
    if (!r_) return r_.error();      \
    target = std::move(*r_);         \
  } while (0)

result<entry> map_entry(const bj::object& o) {
  entry e;
  for (const auto& kv : o) {
    const std::string_view k = kv.key();
    const bj::value& v = kv.value();
    if (key_is(k, "version")) {
      SKYWIRE_ASSIGN(e.version, get_string(v));
    } else if (key_is(k, "sequence")) {
      SKYWIRE_ASSIGN(e.sequence, get_uint64(v));
    } else if (key_is(k, "timestamp")) {
      SKYWIRE_ASSIGN(e.timestamp, get_int64(v));
    } else if (key_is(k, "static")) {
      SKYWIRE_ASSIGN(e.static_pk, get_pk(v));
    } else if (key_is(k, "client")) {
      if (v.is_null()) {
        e.client.reset();
      } else if (!v.is_object()) {
        return errc::type_mismatch;
      } else {
        SKYWIRE_ASSIGN(e.client, get_client(v.get_object()));
      }
    } else if (key_is(k, "client_type")) {
      SKYWIRE_ASSIGN(e.client_type, get_string(v));
    } else if (key_is(k, "server")) {
      if (v.is_null()) {
        e.server.reset();
      } else if (!v.is_object()) {
        return errc::type_mismatch;
      } else {
        SKYWIRE_ASSIGN(e.server, get_server(v.get_object()));
      }
    } else if (key_is(k, "signature")) {
      SKYWIRE_ASSIGN(e.signature, get_string(v));
    }
    // Unknown keys: ignored, as Go does.
  }
  return e;
}

#undef SKYWIRE_ASSIGN

}  // namespace

result<entry> parse_entry(std::string_view json_text, const parse_limits& limits) {
  if (json_text.size() > limits.max_bytes) return errc::too_long;
  bj::parse_options opts;
  opts.max_depth = limits.max_depth;
  boost::system::error_code ec;
  // The whole document is bounded by max_bytes, so one arena for it is bounded too.
  bj::monotonic_resource arena;
  const bj::value doc = bj::parse(json_text, ec, &arena, opts);
  if (ec) {
    if (ec == bj::error::too_deep) return errc::too_deep;
    return errc::bad_json;
  }
  if (!doc.is_object()) return errc::bad_json;
  return map_entry(doc.get_object());
}

}  // namespace skywire::wire::disc
