#include "setup-node/config.hpp"

#include <boost/json.hpp>

namespace skywire::svc::setup_node {

namespace json = boost::json;

namespace {

using parse_result = boost::system::result<config, config_error>;

parse_result fail(std::string msg) { return parse_result(boost::system::in_place_error, config_error{std::move(msg)}); }

// "field": the value if present and a string; nullptr if absent or null (Go: zero value).
bool get_string(const json::object& o, const char* key, std::string& out) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return true;
  if (!v->is_string()) return false;
  out = std::string(v->get_string());
  return true;
}

bool http_url(std::string_view u) {
  for (std::string_view scheme : {"http://", "https://"})
    if (u.starts_with(scheme) && u.size() > scheme.size()) return true;
  return false;
}

void list_unknown(const json::object& o, std::initializer_list<std::string_view> known, const std::string& prefix,
                  std::vector<std::string>& out) {
  for (const auto& kv : o) {
    bool found = false;
    for (auto k : known) found = found || kv.key() == k;
    if (!found) out.push_back(prefix + std::string(kv.key()));
  }
}

}  // namespace

parse_result parse_config(std::string_view text) {
  if (text.size() > max_config_size) return fail("larger than 64 KiB: not a setup-node config");
  json::parse_options po;
  po.max_depth = 32;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec, {}, po);
  if (ec) return fail("not valid JSON: " + ec.message());
  if (!v.is_object()) return fail("not a JSON object");
  const auto& o = v.get_object();

  std::string sk_text;
  std::string pk_text;
  if (!get_string(o, "secret_key", sk_text)) return fail("\"secret_key\" must be a string");
  if (sk_text.empty()) return fail("\"secret_key\" is missing: the setup node's identity");
  auto sk = crypto::secret_key::from_text(sk_text);
  if (!sk) return fail("\"secret_key\" is not a secret key (64 hex digits): " + sk.error().message());
  config c{crypto::key_pair{sk->public_key(), *sk}};
  list_unknown(o, {"public_key", "secret_key", "dmsg", "transport_discovery", "log_level"}, "", c.unknown_fields);
  if (!get_string(o, "public_key", pk_text)) return fail("\"public_key\" must be a string");
  if (!pk_text.empty()) {
    auto pk = crypto::public_key::from_text(pk_text);
    if (!pk) return fail("\"public_key\" is not a public key (66 hex digits): " + pk.error().message());
    if (*pk != c.keys.pk) return fail("\"public_key\" does not belong to \"secret_key\"");
  }

  const json::value* d = o.if_contains("dmsg");
  if (d == nullptr || d->is_null()) return fail("\"dmsg\" is missing: it names the dmsg discovery");
  if (!d->is_object()) return fail("\"dmsg\" must be an object");
  const auto& dm = d->get_object();
  list_unknown(dm, {"discovery", "sessions_count", "servers", "servers_type"}, "dmsg.", c.unknown_fields);
  if (!get_string(dm, "discovery", c.dmsg_discovery)) return fail("\"dmsg.discovery\" must be a string");
  if (!http_url(c.dmsg_discovery)) {
    return fail("\"dmsg.discovery\" must be an http:// or https:// URL, got '" + c.dmsg_discovery + "'");
  }
  if (const json::value* n = dm.if_contains("sessions_count"); n != nullptr && !n->is_null()) {
    if (!n->is_int64() && !n->is_uint64()) return fail("\"dmsg.sessions_count\" must be an integer");
    const std::int64_t count = n->is_int64() ? n->get_int64() : max_sessions_count + 1;
    if (count < 0 || count > max_sessions_count) {
      return fail("\"dmsg.sessions_count\" must be between 0 and " + std::to_string(max_sessions_count));
    }
    c.sessions_count = static_cast<std::uint32_t>(count);
  }
  if (const json::value* s = dm.if_contains("servers"); s != nullptr && !s->is_null()) {
    if (!s->is_array()) return fail("\"dmsg.servers\" must be an array of dmsg discovery entries");
    c.dmsg_servers = s->get_array();
  }
  if (!get_string(dm, "servers_type", c.servers_type)) return fail("\"dmsg.servers_type\" must be a string");
  if (!get_string(o, "transport_discovery", c.transport_discovery)) {
    return fail("\"transport_discovery\" must be a string");
  }
  if (!get_string(o, "log_level", c.log_level)) return fail("\"log_level\" must be a string");
  if (c.log_level.empty()) c.log_level = "info";
  return c;
}

std::string to_json(const config& c) {
  auto q = [](std::string_view s) { return json::serialize(json::value(s)); };
  std::string out = "{\n";
  out += "  \"public_key\": " + q(c.keys.pk.to_hex()) + ",\n";
  out += "  \"secret_key\": " + q(c.keys.sk.reveal_hex()) + ",\n";
  out += "  \"dmsg\": {\n";
  out += "    \"discovery\": " + q(c.dmsg_discovery) + ",\n";
  out += "    \"sessions_count\": " + std::to_string(c.sessions_count) + ",\n";
  out += "    \"servers\": " + json::serialize(c.dmsg_servers) + ",\n";
  out += "    \"servers_type\": " + q(c.servers_type) + "\n";
  out += "  },\n";
  out += "  \"transport_discovery\": " + q(c.transport_discovery) + ",\n";
  out += "  \"log_level\": " + q(c.log_level) + "\n";
  out += "}\n";
  return out;
}

}  // namespace skywire::svc::setup_node
