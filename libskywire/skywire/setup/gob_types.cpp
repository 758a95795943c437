#include "skywire/setup/gob_types.hpp"

#include <algorithm>
#include <limits>
#include <string_view>

#include "skywire/setup/limits.hpp"
#include "skywire/wire/errc.hpp"

namespace skywire::setup {

gob_types::gob_types() {
  // Names as Go's gob sends them: named types by their name, the unnamed slice of a struct
  // field by its Go spelling, unnamed top-level slices with no name.
  uuid = &s.add_binary_marshaler("UUID");
  pubkey = &s.add_binary_marshaler("PubKey");
  descriptor = &s.add_array("RouteDescriptor", gob::uint_type(), static_cast<std::int64_t>(routing::descriptor_size));
  hop = &s.add_struct("Hop", {{"TpID", uuid}, {"From", pubkey}, {"To", pubkey}});
  hops = &s.add_slice("[]routing.Hop", *hop);
  route = &s.add_struct("BidirectionalRoute",
                        {{"Desc", descriptor}, {"KeepAlive", &gob::int_type()}, {"Forward", hops}, {"Reverse", hops}});
  edge_rules = &s.add_struct("EdgeRules",
                             {{"Desc", descriptor}, {"Forward", &gob::bytes_type()}, {"Reverse", &gob::bytes_type()}});
  route_ids = &s.add_slice("", gob::uint_type());
  rules = &s.add_slice("", gob::bytes_type());
}

const gob_types& types() {
  static const gob_types t;  // immutable once built
  return t;
}

// --- encoding ------------------------------------------------------------------------------------

gob::value to_value(const routing::route_descriptor& d) {
  const auto b = d.encode();
  std::vector<gob::value> items;
  items.reserve(b.size());
  for (std::uint8_t x : b) items.push_back(gob::make_uint(x));
  return gob::make_list(std::move(items));
}

gob::value to_value(const routing::hop& h) {
  return gob::make_struct({{"TpID", gob::make_marshaled(gob::type_kind::binary_marshaler, h.tp_id.bytes)},
                           {"From", gob::make_marshaled(gob::type_kind::binary_marshaler, h.from.view())},
                           {"To", gob::make_marshaled(gob::type_kind::binary_marshaler, h.to.view())}});
}

namespace {

gob::value path_value(const routing::path& p) {
  std::vector<gob::value> items;
  items.reserve(p.size());
  for (const auto& h : p) items.push_back(to_value(h));
  return gob::make_list(std::move(items));
}

}  // namespace

gob::value to_value(const routing::bidirectional_route& r) {
  return gob::make_struct({{"Desc", to_value(r.desc)},
                           {"KeepAlive", gob::make_int(r.keep_alive.count())},
                           {"Forward", path_value(r.forward)},
                           {"Reverse", path_value(r.reverse)}});
}

gob::value to_value(const routing::edge_rules& e) {
  return gob::make_struct({{"Desc", to_value(e.desc)},
                           {"Forward", gob::make_bytes(e.forward.encode())},
                           {"Reverse", gob::make_bytes(e.reverse.encode())}});
}

gob::value route_ids_value(const std::vector<routing::route_id>& ids) {
  std::vector<gob::value> items;
  items.reserve(ids.size());
  for (auto id : ids) items.push_back(gob::make_uint(id));
  return gob::make_list(std::move(items));
}

gob::value rules_value(const std::vector<routing::rule>& rules) {
  std::vector<gob::value> items;
  items.reserve(rules.size());
  for (const auto& r : rules) items.push_back(gob::make_bytes(r.encode()));
  return gob::make_list(std::move(items));
}

// --- decoding ------------------------------------------------------------------------------------

namespace {

using wire::errc;

// A BinaryMarshaler field (Go decodes PubKey and UUID from nothing else); nullptr = absent.
result<const gob::value*> marshaled_field(const gob::value& s, std::string_view name) {
  const gob::value* f = s.field(name);
  if (f == nullptr) return static_cast<const gob::value*>(nullptr);
  if (f->kind != gob::value_kind::marshaled || f->marshaler != gob::type_kind::binary_marshaler) {
    return errc::type_mismatch;
  }
  return f;
}

// A hop's or descriptor's key: absent is Go's null key, which no route can use.
result<crypto::public_key> key_field(const gob::value& s, std::string_view name) {
  auto f = marshaled_field(s, name);
  if (!f) return f.error();
  if (*f == nullptr) return errc::invalid_value;
  return crypto::public_key::from_bytes((*f)->data);
}

result<routing::hop> parse_hop(const gob::value& v) {
  if (v.kind != gob::value_kind::structure) return errc::type_mismatch;
  routing::hop h;
  auto tp = marshaled_field(v, "TpID");
  if (!tp) return tp.error();
  if (*tp != nullptr) {
    // uuid.UUID.UnmarshalBinary: exactly 16 bytes.
    if ((*tp)->data.size() != h.tp_id.bytes.size()) return errc::invalid_value;
    std::copy((*tp)->data.begin(), (*tp)->data.end(), h.tp_id.bytes.begin());
  }
  auto from = key_field(v, "From");
  if (!from) return from.error();
  auto to = key_field(v, "To");
  if (!to) return to.error();
  h.from = *from;
  h.to = *to;
  return h;
}

result<routing::path> path_field(const gob::value& s, std::string_view name) {
  const gob::value* f = s.field(name);
  routing::path p;
  if (f == nullptr) return p;  // nil slice; routing::check refuses an empty path
  if (f->kind != gob::value_kind::list) return errc::type_mismatch;
  if (f->items.size() > max_hops) return errc::too_long;
  p.reserve(f->items.size());
  for (const auto& item : f->items) {
    auto h = parse_hop(item);
    if (!h) return h.error();
    p.push_back(*h);
  }
  return p;
}

result<routing::rule> rule_of(const gob::value& v) {
  if (v.kind != gob::value_kind::byte_string) return errc::type_mismatch;
  return routing::rule::parse(v.data);
}

// A [70]uint8 field; absent = the all-zero descriptor (null keys: refused).
result<routing::route_descriptor> desc_field(const gob::value& s) {
  const gob::value* f = s.field("Desc");
  if (f == nullptr) return errc::invalid_value;
  return parse_descriptor(*f);
}

}  // namespace

result<routing::route_descriptor> parse_descriptor(const gob::value& v) {
  // The value tree does not say array or slice; the count must be exactly the array's length.
  if (v.kind != gob::value_kind::list) return errc::type_mismatch;
  if (v.items.size() != routing::descriptor_size) return errc::type_mismatch;
  byte_array<routing::descriptor_size> b{};
  for (std::size_t k = 0; k < b.size(); ++k) {
    const gob::value& e = v.items[k];
    if (e.kind != gob::value_kind::unsigned_integer) return errc::type_mismatch;
    if (e.u > 0xff) return errc::invalid_value;  // Go: uint8 overflow
    b[k] = static_cast<std::uint8_t>(e.u);
  }
  auto d = routing::route_descriptor::parse(b);
  if (!d) return d.error();
  if (d->src_pk.is_null() || d->dst_pk.is_null()) return errc::invalid_value;
  return d;
}

result<routing::bidirectional_route> parse_bidirectional_route(const gob::value& v) {
  if (v.kind != gob::value_kind::structure) return errc::type_mismatch;
  routing::bidirectional_route r;
  auto d = desc_field(v);
  if (!d) return d.error();
  r.desc = *d;
  r.keep_alive = std::chrono::nanoseconds{0};
  if (const gob::value* ka = v.field("KeepAlive")) {
    if (ka->kind != gob::value_kind::integer) return errc::type_mismatch;
    r.keep_alive = std::chrono::nanoseconds{ka->i};
  }
  auto fwd = path_field(v, "Forward");
  if (!fwd) return fwd.error();
  auto rev = path_field(v, "Reverse");
  if (!rev) return rev.error();
  r.forward = std::move(*fwd);
  r.reverse = std::move(*rev);
  return r;
}

result<routing::edge_rules> parse_edge_rules(const gob::value& v) {
  if (v.kind != gob::value_kind::structure) return errc::type_mismatch;
  auto d = desc_field(v);
  if (!d) return d.error();
  // Absent rules are Go's nil Rule, which no reader accepts.
  const gob::value* fwd = v.field("Forward");
  const gob::value* rev = v.field("Reverse");
  if (fwd == nullptr || rev == nullptr) return errc::invalid_value;
  auto f = rule_of(*fwd);
  if (!f) return f.error();
  auto r = rule_of(*rev);
  if (!r) return r.error();
  return routing::edge_rules{*d, *f, *r};
}

result<std::vector<routing::route_id>> parse_route_ids(const gob::value& v) {
  if (v.kind != gob::value_kind::list) return errc::type_mismatch;
  if (v.items.size() > max_reserve) return errc::too_long;
  std::vector<routing::route_id> ids;
  ids.reserve(v.items.size());
  for (const auto& e : v.items) {
    if (e.kind != gob::value_kind::unsigned_integer) return errc::type_mismatch;
    if (e.u > std::numeric_limits<routing::route_id>::max()) return errc::invalid_value;
    ids.push_back(static_cast<routing::route_id>(e.u));
  }
  return ids;
}

result<std::vector<routing::rule>> parse_rules(const gob::value& v) {
  if (v.kind != gob::value_kind::list) return errc::type_mismatch;
  if (v.items.size() > max_rules_per_call) return errc::too_long;
  std::vector<routing::rule> rules;
  rules.reserve(v.items.size());
  for (const auto& e : v.items) {
    auto r = rule_of(e);
    if (!r) return r.error();
    rules.push_back(*r);
  }
  return rules;
}

result<std::uint8_t> parse_uint8(const gob::value& v) {
  if (v.kind != gob::value_kind::unsigned_integer) return errc::type_mismatch;
  if (v.u > 0xff) return errc::invalid_value;
  return static_cast<std::uint8_t>(v.u);
}

result<bool> parse_bool(const gob::value& v) {
  if (v.kind != gob::value_kind::boolean) return errc::type_mismatch;
  return v.b;
}

std::string failure_text(failure_code code, std::string_view msg) {
  return "failure code " + std::to_string(static_cast<int>(code)) + " (" + std::string(msg) + ")";
}

}  // namespace skywire::setup
