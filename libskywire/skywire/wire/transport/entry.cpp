#include "skywire/wire/transport/entry.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/value.hpp>

#include "skywire/wire/errc.hpp"
#include "skywire/wire/json/writer.hpp"
#include "skywire/wire/transport/detail/json_fields.hpp"

namespace skywire::wire::transport {

namespace bj = boost::json;
using json::dialect;
using json::writer;

namespace {

void write_entry(writer& w, const entry& e) {
  w.begin_object();
  w.key("t_id").string(e.id.to_string());
  w.key("edges").begin_array().string(e.edges[0].to_hex()).string(e.edges[1].to_hex()).end_array();
  w.key("type").string(e.type);
  w.key("label").string(e.label);
  w.end_object();
}

void write_signed_entry(writer& w, const signed_entry& se) {
  w.begin_object();
  w.key("entry");
  if (se.entry) {
    write_entry(w, *se.entry);
  } else {
    w.null();
  }
  w.key("signatures").begin_array();
  for (const auto& s : se.signatures) w.string(s.to_hex());
  w.end_array();
  if (se.registered != 0) w.key("registered").int64(se.registered);
  w.end_object();
}

#define SKYWIRE_ASSIGN(target, expr) \
  do {                               \
    auto r_ = (expr);                \
    if (!r_) return r_.error();      \
    target = std::move(*r_);         \
  } while (0)

result<edges> get_edges(const bj::value& v) {
  edges out{};
  if (v.is_null()) return out;
  if (!v.is_array()) return errc::type_mismatch;
  const bj::array& a = v.get_array();
  if (a.size() != out.size()) return errc::invalid_value;
  for (std::size_t i = 0; i < out.size(); ++i) SKYWIRE_ASSIGN(out[i], detail::get_pk(a[i]));
  return out;
}

result<std::array<crypto::signature, 2>> get_sigs(const bj::value& v) {
  std::array<crypto::signature, 2> out{};
  if (v.is_null()) return out;
  if (!v.is_array()) return errc::type_mismatch;
  const bj::array& a = v.get_array();
  if (a.size() != out.size()) return errc::invalid_value;
  for (std::size_t i = 0; i < out.size(); ++i) SKYWIRE_ASSIGN(out[i], detail::get_sig(a[i]));
  return out;
}

result<uuid> get_uuid(const bj::value& v) {
  if (v.is_null()) return uuid{};
  if (!v.is_string()) return errc::type_mismatch;
  return uuid::from_text(v.get_string());
}

result<entry> map_entry(const bj::object& o) {
  entry e;
  for (const auto& kv : o) {
    const std::string_view k = kv.key();
    const bj::value& v = kv.value();
    if (detail::key_is(k, "t_id")) {
      SKYWIRE_ASSIGN(e.id, get_uuid(v));
    } else if (detail::key_is(k, "edges")) {
      SKYWIRE_ASSIGN(e.edges, get_edges(v));
    } else if (detail::key_is(k, "type")) {
      SKYWIRE_ASSIGN(e.type, detail::get_string(v));
    } else if (detail::key_is(k, "label")) {
      SKYWIRE_ASSIGN(e.label, detail::get_string(v));
    }
  }
  return e;
}

result<signed_entry> map_signed_entry(const bj::object& o) {
  signed_entry se;
  for (const auto& kv : o) {
    const std::string_view k = kv.key();
    const bj::value& v = kv.value();
    if (detail::key_is(k, "entry")) {
      if (v.is_null()) {
        se.entry.reset();
      } else if (!v.is_object()) {
        return errc::type_mismatch;
      } else {
        SKYWIRE_ASSIGN(se.entry, map_entry(v.get_object()));
      }
    } else if (detail::key_is(k, "signatures")) {
      SKYWIRE_ASSIGN(se.signatures, get_sigs(v));
    } else if (detail::key_is(k, "registered")) {
      SKYWIRE_ASSIGN(se.registered, detail::get_int64(v));
    }
  }
  return se;
}

#undef SKYWIRE_ASSIGN

}  // namespace

entry make_entry(const crypto::public_key& a, const crypto::public_key& b, std::string_view type,
                 std::string_view label) {
  return entry{make_transport_id(a, b, type), sort_edges(a, b), std::string(type), std::string(label)};
}

bytes to_binary(const entry& e) {
  bytes out;
  out.reserve(16 + 2 * crypto::public_key::size + e.type.size());
  out.insert(out.end(), e.id.bytes.begin(), e.id.bytes.end());
  for (const auto& pk : e.edges) out.insert(out.end(), pk.bytes().begin(), pk.bytes().end());
  out.insert(out.end(), e.type.begin(), e.type.end());
  return out;
}

std::string to_json(const entry& e) {
  writer w{dialect::go_json};
  write_entry(w, e);
  return std::move(w).take();
}

std::string to_json(const signed_entry& se) {
  writer w{dialect::go_json};
  write_signed_entry(w, se);
  return std::move(w).take();
}

std::string to_json_line(const signed_entry& se) {
  writer w{dialect::go_json};
  write_signed_entry(w, se);
  w.newline();
  return std::move(w).take();
}

std::optional<std::size_t> edge_index(const entry& e, const crypto::public_key& pk) noexcept {
  // Go's IndexByPubKey; with equal edges (never in practice) the first one wins.
  for (std::size_t i = 0; i < e.edges.size(); ++i)
    if (e.edges[i] == pk) return i;
  return std::nullopt;
}

result<void> sign_entry(signed_entry& se, const crypto::key_pair& kp) {
  if (!se.entry) return errc::invalid_value;
  auto idx = edge_index(*se.entry, kp.pk);
  if (!idx) return errc::invalid_value;
  se.signatures[*idx] = crypto::sign_payload(to_binary(*se.entry), kp.sk);
  return {};
}

result<void> verify_entry_slot(const signed_entry& se, const crypto::public_key& pk) {
  if (!se.entry) return errc::invalid_value;
  auto idx = edge_index(*se.entry, pk);
  if (!idx) return errc::invalid_value;
  if (se.signatures[*idx].is_null()) return crypto::errc::bad_signature;
  return crypto::verify_payload(pk, to_binary(*se.entry), se.signatures[*idx]);
}

result<entry> parse_entry(std::string_view json_text, const parse_limits& limits) {
  bj::monotonic_resource arena;
  bj::value doc;
  auto o = detail::parse_object(json_text, limits.max_bytes, limits.max_depth, arena, doc);
  if (!o) return o.error();
  return map_entry(**o);
}

result<signed_entry> parse_signed_entry(std::string_view json_text, const parse_limits& limits) {
  bj::monotonic_resource arena;
  bj::value doc;
  auto o = detail::parse_object(json_text, limits.max_bytes, limits.max_depth, arena, doc);
  if (!o) return o.error();
  return map_signed_entry(**o);
}

}  // namespace skywire::wire::transport
