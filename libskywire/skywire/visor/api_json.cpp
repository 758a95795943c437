#include "skywire/visor/api_json.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "skywire/routing/table.hpp"
#include "skywire/wire/errc.hpp"

namespace skywire::visor {

namespace json = boost::json;

namespace {

// Field readers: a missing or mistyped field is wire::errc::type_mismatch.
result<const json::object*> as_object(const json::value& v) {
  if (!v.is_object()) return wire::errc::type_mismatch;
  return &v.get_object();
}

result<std::string> get_string(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return wire::errc::type_mismatch;
  return std::string(v->get_string());
}

result<std::uint64_t> get_uint(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return wire::errc::type_mismatch;
  if (v->is_uint64()) return v->get_uint64();
  if (v->is_int64() && v->get_int64() >= 0) return static_cast<std::uint64_t>(v->get_int64());
  return wire::errc::type_mismatch;
}

result<crypto::public_key> get_pk(const json::object& o, std::string_view key) {
  auto s = get_string(o, key);
  if (!s) return s.error();
  return crypto::public_key::from_text(*s);
}

result<std::vector<std::string>> get_strings(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_array()) return wire::errc::type_mismatch;
  std::vector<std::string> out;
  for (const auto& item : v->get_array()) {
    if (!item.is_string()) return wire::errc::type_mismatch;
    out.emplace_back(item.get_string());
  }
  return out;
}

std::int64_t unix_seconds(base::clock::wall_time t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

json::value to_json(const transport::transport_info& t) {
  return json::object{
      {"id", t.id.to_string()},
      {"local_pk", t.local_pk.to_hex()},
      {"remote_pk", t.remote_pk.to_hex()},
      {"type", t.type},
      {"label", t.label},
      {"initiator", t.initiator},
      {"since", unix_seconds(t.since)},
      {"log", json::object{{"recv", t.bytes_received}, {"sent", t.bytes_sent}}},
  };
}

result<transport::transport_info> transport_info_from_json(const json::value& v) {
  auto o = as_object(v);
  if (!o) return o.error();
  transport::transport_info t;
  auto id = get_string(**o, "id");
  if (!id) return id.error();
  auto uid = wire::transport::uuid::from_text(*id);
  if (!uid) return uid.error();
  t.id = *uid;
  auto local = get_pk(**o, "local_pk");
  if (!local) return local.error();
  t.local_pk = *local;
  auto remote = get_pk(**o, "remote_pk");
  if (!remote) return remote.error();
  t.remote_pk = *remote;
  auto type = get_string(**o, "type");
  if (!type) return type.error();
  t.type = *type;
  auto label = get_string(**o, "label");
  if (!label) return label.error();
  t.label = *label;
  if (const auto* i = (*o)->if_contains("initiator"); i && i->is_bool()) t.initiator = i->get_bool();
  if (auto since = get_uint(**o, "since"); since) t.since = base::clock::wall_time(std::chrono::seconds(*since));
  if (const auto* log = (*o)->if_contains("log"); log && log->is_object()) {
    auto recv = get_uint(log->get_object(), "recv");
    auto sent = get_uint(log->get_object(), "sent");
    if (!recv || !sent) return wire::errc::type_mismatch;
    t.bytes_received = *recv;
    t.bytes_sent = *sent;
  }
  return t;
}

json::value to_json(const visor_info& i) {
  json::array servers;
  for (const auto& s : i.dmsg_servers) servers.emplace_back(s.to_hex());
  json::array types;
  for (const auto& t : i.transport_types) types.emplace_back(t);
  json::object listening;
  for (const auto& [type, where] : i.listening) listening[type] = where;
  return json::object{
      {"pk", i.pk.to_hex()},
      {"version", i.version},
      {"uptime_seconds", i.uptime.count()},
      {"local_path", i.local_path},
      {"api_address", i.api_address},
      {"dmsg", json::object{{"discovery", i.dmsg_discovery}, {"servers", std::move(servers)}}},
      {"transport_discovery", i.transport_discovery},
      {"address_resolver", i.address_resolver},
      {"transport_types", std::move(types)},
      {"listening", std::move(listening)},
      {"transports", i.transports},
  };
}

result<visor_info> visor_info_from_json(const json::value& v) {
  auto o = as_object(v);
  if (!o) return o.error();
  const json::object& obj = **o;
  visor_info i;
  auto pk = get_pk(obj, "pk");
  if (!pk) return pk.error();
  i.pk = *pk;
  auto version = get_string(obj, "version");
  auto uptime = get_uint(obj, "uptime_seconds");
  auto local_path = get_string(obj, "local_path");
  auto api = get_string(obj, "api_address");
  auto tpd = get_string(obj, "transport_discovery");
  auto ar = get_string(obj, "address_resolver");
  auto types = get_strings(obj, "transport_types");
  auto count = get_uint(obj, "transports");
  if (!version || !uptime || !local_path || !api || !tpd || !ar || !types || !count) return wire::errc::type_mismatch;
  i.version = *version;
  i.uptime = std::chrono::seconds(*uptime);
  i.local_path = *local_path;
  i.api_address = *api;
  i.transport_discovery = *tpd;
  i.address_resolver = *ar;
  i.transport_types = *types;
  i.transports = static_cast<std::size_t>(*count);
  const auto* dmsg = obj.if_contains("dmsg");
  if (!dmsg || !dmsg->is_object()) return wire::errc::type_mismatch;
  auto disc = get_string(dmsg->get_object(), "discovery");
  auto servers = get_strings(dmsg->get_object(), "servers");
  if (!disc || !servers) return wire::errc::type_mismatch;
  i.dmsg_discovery = *disc;
  for (const auto& s : *servers) {
    auto spk = crypto::public_key::from_text(s);
    if (!spk) return spk.error();
    i.dmsg_servers.push_back(*spk);
  }
  if (const auto* l = obj.if_contains("listening"); l && l->is_object()) {
    for (const auto& [type, where] : l->get_object()) {
      if (!where.is_string()) return wire::errc::type_mismatch;
      i.listening[std::string(type)] = std::string(where.get_string());
    }
  }
  return i;
}

json::value entry_to_json(const wire::transport::entry& e) { return json::parse(wire::transport::to_json(e)); }

result<wire::transport::entry> entry_from_json(const json::value& v) {
  return wire::transport::parse_entry(json::serialize(v));
}

}  // namespace skywire::visor

namespace skywire::visor {

namespace {

json::object descriptor_json(const routing::route_descriptor& d) {
  return {{"dst_pk", d.dst_pk.to_hex()}, {"src_pk", d.src_pk.to_hex()}, {"dst_port", d.dst_port},
          {"src_port", d.src_port}};
}

std::string pk_port(const crypto::public_key& pk, std::uint16_t port) { return pk.to_hex() + ":" + std::to_string(port); }

}  // namespace

json::value rule_to_json(const routing::rule& r) {
  json::object o{{"keep_alive", r.keep_alive.count()},
                 {"rule_type", static_cast<int>(r.type)},
                 {"key_route_id", r.key_route_id}};
  switch (r.type) {
    case routing::rule_type::consume:
      o["app_fields"] = json::object{{"route_descriptor", descriptor_json(r.descriptor)}};
      break;
    case routing::rule_type::forward:
      o["forward_fields"] = json::object{{"route_descriptor", descriptor_json(r.descriptor)},
                                         {"next_rid", r.next_route_id},
                                         {"next_tid", r.next_transport_id.to_string()}};
      break;
    case routing::rule_type::intermediary:
      o["intermediary_forward_fields"] =
          json::object{{"next_rid", r.next_route_id}, {"next_tid", r.next_transport_id.to_string()}};
      break;
  }
  return o;
}

namespace {

// Reads `key` of `o` as an integer in [lo, hi]; names the field in *bad when it is not one.
result<std::uint64_t> get_bounded(const json::object& o, std::string_view key, std::uint64_t lo, std::uint64_t hi,
                                  std::string* bad) {
  auto n = get_uint(o, key);
  if (n && *n >= lo && *n <= hi) return *n;
  if (bad) *bad = std::string(key);
  return wire::errc::invalid_value;
}

result<routing::route_descriptor> descriptor_from_json(const json::object& fields, std::string* bad) {
  const auto* d = fields.if_contains("route_descriptor");
  if (!d || !d->is_object()) {
    if (bad) *bad = "route_descriptor";
    return wire::errc::type_mismatch;
  }
  const auto& o = d->get_object();
  routing::route_descriptor out;
  for (auto [key, pk] : {std::pair{"src_pk", &out.src_pk}, std::pair{"dst_pk", &out.dst_pk}}) {
    auto v = get_pk(o, key);
    if (!v || v->is_null()) {
      if (bad) *bad = std::string("route_descriptor.") + key;
      return wire::errc::invalid_value;
    }
    *pk = *v;
  }
  auto src_port = get_bounded(o, "src_port", 0, 0xFFFF, bad);
  if (!src_port) return src_port.error();
  auto dst_port = get_bounded(o, "dst_port", 0, 0xFFFF, bad);
  if (!dst_port) return dst_port.error();
  out.src_port = static_cast<std::uint16_t>(*src_port);
  out.dst_port = static_cast<std::uint16_t>(*dst_port);
  return out;
}

// next_rid and next_tid of forward and intermediary fields.
result<void> next_hop_from_json(const json::object& fields, routing::rule& r, std::string* bad) {
  auto next = get_bounded(fields, "next_rid", 1, routing::table::max_route_id, bad);
  if (!next) return next.error();
  r.next_route_id = static_cast<routing::route_id>(*next);
  auto tid = get_string(fields, "next_tid");
  auto id = tid ? wire::transport::uuid::from_text(*tid) : result<wire::transport::uuid>(tid.error());
  if (!id) {
    if (bad) *bad = "next_tid";
    return wire::errc::invalid_value;
  }
  r.next_transport_id = *id;
  return {};
}

}  // namespace

result<routing::rule> rule_from_json(const json::value& v, std::string* bad) {
  auto o = as_object(v);
  if (!o) return o.error();
  routing::rule r;
  auto type = get_bounded(**o, "rule_type", 0, 2, bad);
  if (!type) return type.error();
  r.type = static_cast<routing::rule_type>(*type);
  auto keep_alive = get_bounded(**o, "keep_alive", 1, max_rule_keep_alive.count(), bad);
  if (!keep_alive) return keep_alive.error();
  r.keep_alive = std::chrono::nanoseconds(*keep_alive);
  const auto* key = (*o)->if_contains("key_route_id");
  if (key && !key->is_null()) {
    auto id = get_bounded(**o, "key_route_id", 0, routing::table::max_route_id, bad);
    if (!id) return id.error();
    r.key_route_id = static_cast<routing::route_id>(*id);
  }
  static constexpr const char* field_names[] = {"app_fields", "forward_fields", "intermediary_forward_fields"};
  const char* name = field_names[*type];
  const auto* f = (*o)->if_contains(name);
  if (!f || !f->is_object()) {
    if (bad) *bad = name;
    return wire::errc::type_mismatch;
  }
  const auto& fields = f->get_object();
  if (r.type != routing::rule_type::intermediary) {
    auto d = descriptor_from_json(fields, bad);
    if (!d) return d.error();
    r.descriptor = *d;
  }
  if (r.type != routing::rule_type::consume) {
    if (auto n = next_hop_from_json(fields, r, bad); !n) return n.error();
  }
  return r;
}

json::value to_json(const router::route_group_summary& g) {
  json::value latency = nullptr;
  if (g.stats.latency) latency = static_cast<double>(g.stats.latency->count()) / 1000.0;
  return json::object{{"local", pk_port(g.desc.dst_pk, g.desc.dst_port)},
                      {"remote", pk_port(g.desc.src_pk, g.desc.src_port)},
                      {"role", g.role == router::group_role::initiator ? "initiator" : "responder"},
                      {"phase", router::to_string(g.phase)},
                      {"encrypted", g.encrypted},
                      {"transport", g.transport.to_string()},
                      {"forward_rule", g.forward_rule},
                      {"consume_rule", g.consume_rule},
                      {"latency_ms", latency},
                      {"upload_bps", g.stats.upload_speed},
                      {"download_bps", g.stats.download_speed},
                      {"bytes_sent", g.stats.bytes_sent},
                      {"bytes_received", g.stats.bytes_received}};
}

}  // namespace skywire::visor
