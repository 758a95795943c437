// visor/config: reading a Go visor config over the base config, and writing one (config.hpp).
#include <functional>
#include <initializer_list>
#include <limits>
#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "skywire/visor/config.hpp"
#include "skywire/wire/json/go_duration.hpp"

namespace skywire::visor {

namespace json = boost::json;

namespace {

constexpr std::size_t max_config_bytes = 1024 * 1024;
constexpr std::size_t max_depth = 32;

// ---- reading ----

// Walks one JSON object: each known key gets a handler, unknown keys are recorded. The first
// error stops everything and keeps its message.
class reader {
 public:
  explicit reader(std::vector<std::string>& unknown) : unknown_(unknown) {}

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  bool fail(const std::string& path, const std::string& what) {
    if (error_.empty()) error_ = path + ": " + what;
    return false;
  }

  using handler = std::function<bool(const json::value&, const std::string& path)>;
  bool object(const json::value& v, const std::string& path,
              std::initializer_list<std::pair<std::string_view, handler>> fields) {
    if (!v.is_object()) return fail(path.empty() ? "config" : path, "must be a JSON object");
    for (const auto& [k, member] : v.get_object()) {
      const std::string child = path.empty() ? std::string(k) : path + "." + std::string(k);
      bool known = false;
      for (const auto& [name, h] : fields) {
        if (name == k) {
          known = true;
          if (!h(member, child)) return false;
        }
      }
      if (!known) unknown_.push_back(child);
    }
    return true;
  }

  bool str(const json::value& v, const std::string& path, std::string& out) {
    if (!v.is_string()) return fail(path, "must be a string");
    out = std::string(v.get_string());
    return true;
  }
  bool boolean(const json::value& v, const std::string& path, bool& out) {
    if (!v.is_bool()) return fail(path, "must be true or false");
    out = v.get_bool();
    return true;
  }
  template <class Int>
  bool integer(const json::value& v, const std::string& path, Int& out) {
    std::int64_t n = 0;
    if (v.is_int64()) {
      n = v.get_int64();
    } else if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      n = static_cast<std::int64_t>(v.get_uint64());
    } else {
      return fail(path, "must be an integer");
    }
    if (n < static_cast<std::int64_t>(std::numeric_limits<Int>::min()) ||
        (n > 0 && static_cast<std::uint64_t>(n) > static_cast<std::uint64_t>(std::numeric_limits<Int>::max())))
      return fail(path, "out of range: " + std::to_string(n));
    out = static_cast<Int>(n);
    return true;
  }
  bool duration(const json::value& v, const std::string& path, std::chrono::nanoseconds& out) {
    // Go's visor configs write durations as strings ("10s"); a bare integer is nanoseconds.
    if (v.is_string()) {
      auto d = wire::json::parse_go_duration(v.get_string());
      if (!d) return fail(path, "'" + std::string(v.get_string()) + "' is not a duration like \"10s\" or \"168h0m0s\"");
      out = *d;
      return true;
    }
    std::int64_t ns = 0;
    if (!integer(v, path, ns)) return false;
    out = std::chrono::nanoseconds{ns};
    return true;
  }
  bool pk(const json::value& v, const std::string& path, crypto::public_key& out) {
    std::string text;
    if (!str(v, path, text)) return false;
    auto parsed = crypto::public_key::from_text(text);
    if (!parsed) return fail(path, "'" + text + "' is not a public key (66 hex digits of a curve point)");
    out = *parsed;
    return true;
  }
  bool pk_list(const json::value& v, const std::string& path, std::vector<crypto::public_key>& out) {
    out.clear();
    if (v.is_null()) return true;
    if (!v.is_array()) return fail(path, "must be a list of public keys");
    for (std::size_t i = 0; i < v.get_array().size(); ++i) {
      crypto::public_key k;
      if (!pk(v.get_array()[i], path + "[" + std::to_string(i) + "]", k)) return false;
      out.push_back(k);
    }
    return true;
  }
  bool str_list(const json::value& v, const std::string& path, std::vector<std::string>& out) {
    out.clear();
    if (v.is_null()) return true;
    if (!v.is_array()) return fail(path, "must be a list of strings");
    for (std::size_t i = 0; i < v.get_array().size(); ++i) {
      std::string s;
      if (!str(v.get_array()[i], path + "[" + std::to_string(i) + "]", s)) return false;
      out.push_back(std::move(s));
    }
    return true;
  }

 private:
  std::vector<std::string>& unknown_;
  std::string error_;
};

bool read_apps(reader& r, const json::value& v, const std::string& path, std::vector<app_config>& out) {
  out.clear();
  if (v.is_null()) return true;
  if (!v.is_array()) return r.fail(path, "must be a list of apps");
  for (std::size_t i = 0; i < v.get_array().size(); ++i) {
    const std::string p = path + "[" + std::to_string(i) + "]";
    app_config a;
    if (!r.object(v.get_array()[i], p,
                  {{"name", [&](auto& x, auto& q) { return r.str(x, q, a.name); }},
                   {"binary", [&](auto& x, auto& q) { return r.str(x, q, a.binary); }},
                   {"args", [&](auto& x, auto& q) { return r.str_list(x, q, a.args); }},
                   {"auto_start", [&](auto& x, auto& q) { return r.boolean(x, q, a.auto_start); }},
                   {"port", [&](auto& x, auto& q) { return r.integer(x, q, a.port); }}}))
      return false;
    if (a.name.empty()) return r.fail(p + ".name", "an app needs a name");
    out.push_back(std::move(a));
  }
  return true;
}

bool read_hypervisor(reader& r, const json::value& v, const std::string& path, hypervisor_config& h) {
  return r.object(
      v, path,
      {{"db_path", [&](auto& x, auto& q) { return r.str(x, q, h.db_path); }},
       {"enable_auth", [&](auto& x, auto& q) { return r.boolean(x, q, h.enable_auth); }},
       {"cookies",
        [&](auto& x, auto& q) {
          return r.object(x, q,
                          {{"hash_key", [&](auto& y, auto& p) { return r.str(y, p, h.cookies_hash_key); }},
                           {"block_key", [&](auto& y, auto& p) { return r.str(y, p, h.cookies_block_key); }},
                           {"expires_duration", [&](auto& y, auto& p) { return r.integer(y, p, h.cookies_expires_ns); }},
                           {"path", [&](auto& y, auto& p) { return r.str(y, p, h.cookies_path); }},
                           {"domain", [&](auto& y, auto& p) { return r.str(y, p, h.cookies_domain); }}});
        }},
       {"dmsg_port", [&](auto& x, auto& q) { return r.integer(x, q, h.dmsg_port); }},
       {"http_addr", [&](auto& x, auto& q) { return r.str(x, q, h.http_addr); }},
       {"enable_tls", [&](auto& x, auto& q) { return r.boolean(x, q, h.enable_tls); }},
       {"tls_cert_file", [&](auto& x, auto& q) { return r.str(x, q, h.tls_cert_file); }},
       {"tls_key_file", [&](auto& x, auto& q) { return r.str(x, q, h.tls_key_file); }}});
}

bool read_config(reader& r, const json::value& root, config& c, std::string& sk_text) {
  return r.object(
      root, "",
      {{"version", [&](auto& x, auto& q) { return r.str(x, q, c.version); }},
       {"sk", [&](auto& x, auto& q) { return r.str(x, q, sk_text); }},
       {"pk", [&](auto& x, auto& q) { return r.pk(x, q, c.pk); }},
       {"dmsg",
        [&](auto& x, auto& q) {
          return r.object(x, q,
                          {{"discovery", [&](auto& y, auto& p) { return r.str(y, p, c.dmsg.discovery); }},
                           {"sessions_count", [&](auto& y, auto& p) { return r.integer(y, p, c.dmsg.sessions_count); }},
                           {"servers",
                            [&](auto& y, auto& p) {
                              if (y.is_null()) {
                                c.dmsg.servers.clear();
                                return true;
                              }
                              if (!y.is_array()) return r.fail(p, "must be a list of dmsg server entries");
                              c.dmsg.servers = y.get_array();
                              return true;
                            }},
                           {"servers_type", [&](auto& y, auto& p) { return r.str(y, p, c.dmsg.servers_type); }}});
        }},
       {"dmsgpty",
        [&](auto& x, auto& q) {
          if (x.is_null()) {
            c.dmsgpty.reset();
            return true;
          }
          auto& d = c.dmsgpty.emplace();
          return r.object(x, q,
                          {{"dmsg_port", [&](auto& y, auto& p) { return r.integer(y, p, d.dmsg_port); }},
                           {"cli_network", [&](auto& y, auto& p) { return r.str(y, p, d.cli_network); }},
                           {"cli_address", [&](auto& y, auto& p) { return r.str(y, p, d.cli_address); }},
                           {"whitelist", [&](auto& y, auto& p) { return r.pk_list(y, p, d.whitelist); }}});
        }},
       {"skywire-tcp",
        [&](auto& x, auto& q) {
          if (x.is_null()) {
            c.stcp.reset();
            return true;
          }
          auto& s = c.stcp.emplace();
          return r.object(x, q,
                          {{"pk_table",
                            [&](auto& y, auto& p) {
                              s.pk_table.clear();
                              if (y.is_null()) return true;
                              if (!y.is_object()) return r.fail(p, "must map public keys to \"host:port\"");
                              for (const auto& [k, addr] : y.get_object()) {
                                crypto::public_key key;
                                std::string a;
                                const std::string kp = p + "." + std::string(k);
                                if (!r.pk(json::value(k), kp, key) || !r.str(addr, kp, a)) return false;
                                s.pk_table[key.to_hex()] = a;
                              }
                              return true;
                            }},
                           {"listening_address", [&](auto& y, auto& p) { return r.str(y, p, s.listening_address); }}});
        }},
       {"transport",
        [&](auto& x, auto& q) {
          auto& t = c.transport;
          return r.object(
              x, q,
              {{"discovery", [&](auto& y, auto& p) { return r.str(y, p, t.discovery); }},
               {"address_resolver", [&](auto& y, auto& p) { return r.str(y, p, t.address_resolver); }},
               {"public_autoconnect", [&](auto& y, auto& p) { return r.boolean(y, p, t.public_autoconnect); }},
               {"transport_setup", [&](auto& y, auto& p) { return r.pk_list(y, p, t.transport_setup); }},
               {"log_store",
                [&](auto& y, auto& p) {
                  return r.object(y, p,
                                  {{"type", [&](auto& z, auto& o) { return r.str(z, o, t.log_store_type); }},
                                   {"location", [&](auto& z, auto& o) { return r.str(z, o, t.log_store_location); }},
                                   {"rotation_interval",
                                    [&](auto& z, auto& o) { return r.duration(z, o, t.log_store_rotation); }}});
                }},
               {"stcpr_port", [&](auto& y, auto& p) { return r.integer(y, p, t.stcpr_port); }},
               {"sudph_port", [&](auto& y, auto& p) { return r.integer(y, p, t.sudph_port); }}});
        }},
       {"routing",
        [&](auto& x, auto& q) {
          auto& rt = c.routing;
          return r.object(
              x, q,
              {{"route_setup_nodes", [&](auto& y, auto& p) { return r.pk_list(y, p, rt.route_setup_nodes); }},
               {"route_finder", [&](auto& y, auto& p) { return r.str(y, p, rt.route_finder); }},
               {"route_finder_timeout", [&](auto& y, auto& p) { return r.duration(y, p, rt.route_finder_timeout); }},
               {"min_hops", [&](auto& y, auto& p) { return r.integer(y, p, rt.min_hops); }}});
        }},
       {"uptime_tracker",
        [&](auto& x, auto& q) {
          if (x.is_null()) {
            c.uptime_tracker.reset();
            return true;
          }
          std::string addr;
          if (!r.object(x, q, {{"addr", [&](auto& y, auto& p) { return r.str(y, p, addr); }}})) return false;
          c.uptime_tracker = addr;
          return true;
        }},
       {"launcher",
        [&](auto& x, auto& q) {
          auto& l = c.launcher;
          return r.object(x, q,
                          {{"service_discovery", [&](auto& y, auto& p) { return r.str(y, p, l.service_discovery); }},
                           {"apps", [&](auto& y, auto& p) { return read_apps(r, y, p, l.apps); }},
                           {"server_addr", [&](auto& y, auto& p) { return r.str(y, p, l.server_addr); }},
                           {"bin_path", [&](auto& y, auto& p) { return r.str(y, p, l.bin_path); }},
                           {"display_node_ip", [&](auto& y, auto& p) { return r.boolean(y, p, l.display_node_ip); }}});
        }},
       {"survey_whitelist", [&](auto& x, auto& q) { return r.pk_list(x, q, c.survey_whitelist); }},
       {"hypervisors", [&](auto& x, auto& q) { return r.pk_list(x, q, c.hypervisors); }},
       {"cli_addr", [&](auto& x, auto& q) { return r.str(x, q, c.cli_addr); }},
       {"log_level", [&](auto& x, auto& q) { return r.str(x, q, c.log_level); }},
       {"local_path", [&](auto& x, auto& q) { return r.str(x, q, c.local_path); }},
       {"dmsghttp_server_path", [&](auto& x, auto& q) { return r.str(x, q, c.dmsghttp_server_path); }},
       {"stun_servers", [&](auto& x, auto& q) { return r.str_list(x, q, c.stun_servers); }},
       {"shutdown_timeout", [&](auto& x, auto& q) { return r.duration(x, q, c.shutdown_timeout); }},
       {"is_public", [&](auto& x, auto& q) { return r.boolean(x, q, c.is_public); }},
       {"persistent_transports",
        [&](auto& x, auto& q) {
          c.persistent_transports.clear();
          if (x.is_null()) return true;
          if (!x.is_array()) return r.fail(q, "must be a list of {\"pk\",\"type\"}");
          for (std::size_t i = 0; i < x.get_array().size(); ++i) {
            persistent_transport t;
            const std::string p = q + "[" + std::to_string(i) + "]";
            if (!r.object(x.get_array()[i], p,
                          {{"pk", [&](auto& y, auto& o) { return r.pk(y, o, t.pk); }},
                           {"type", [&](auto& y, auto& o) { return r.str(y, o, t.type); }}}))
              return false;
            if (t.type != "stcp" && t.type != "stcpr" && t.type != "sudph" && t.type != "dmsg")
              return r.fail(p + ".type", "'" + t.type + "' is not a transport type (stcp, stcpr, sudph, dmsg)");
            c.persistent_transports.push_back(t);
          }
          return true;
        }},
       {"hypervisor", [&](auto& x, auto& q) {
          if (x.is_null()) {
            c.hypervisor.reset();
            return true;
          }
          return read_hypervisor(r, x, q, c.hypervisor.emplace());
        }}});
}

// ---- writing ----

json::array pk_array(const std::vector<crypto::public_key>& pks) {
  json::array a;
  for (const auto& k : pks) a.emplace_back(k.to_hex());
  return a;
}

json::array str_array(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

json::value build(const config& c) {
  json::object o;
  o["version"] = c.version;
  if (c.sk) o["sk"] = c.sk->reveal_hex();
  if (!c.pk.is_null()) o["pk"] = c.pk.to_hex();
  o["dmsg"] = json::object{{"discovery", c.dmsg.discovery},
                           {"sessions_count", c.dmsg.sessions_count},
                           {"servers", c.dmsg.servers},
                           {"servers_type", c.dmsg.servers_type}};
  if (c.dmsgpty) {
    o["dmsgpty"] = json::object{{"dmsg_port", c.dmsgpty->dmsg_port},
                                {"cli_network", c.dmsgpty->cli_network},
                                {"cli_address", c.dmsgpty->cli_address},
                                {"whitelist", pk_array(c.dmsgpty->whitelist)}};
  }
  if (c.stcp) {
    json::value table = nullptr;
    if (!c.stcp->pk_table.empty()) {
      json::object t;
      for (const auto& [k, v] : c.stcp->pk_table) t[k] = v;
      table = std::move(t);
    }
    o["skywire-tcp"] = json::object{{"pk_table", std::move(table)}, {"listening_address", c.stcp->listening_address}};
  }
  const auto& t = c.transport;
  o["transport"] = json::object{
      {"discovery", t.discovery},
      {"address_resolver", t.address_resolver},
      {"public_autoconnect", t.public_autoconnect},
      {"transport_setup", pk_array(t.transport_setup)},
      {"log_store", json::object{{"type", t.log_store_type},
                                 {"location", t.log_store_location},
                                 {"rotation_interval", wire::json::format_go_duration(t.log_store_rotation)}}},
      {"stcpr_port", t.stcpr_port},
      {"sudph_port", t.sudph_port}};
  o["routing"] = json::object{{"route_setup_nodes", pk_array(c.routing.route_setup_nodes)},
                              {"route_finder", c.routing.route_finder},
                              {"route_finder_timeout", wire::json::format_go_duration(c.routing.route_finder_timeout)},
                              {"min_hops", c.routing.min_hops}};
  if (c.uptime_tracker) o["uptime_tracker"] = json::object{{"addr", *c.uptime_tracker}};
  json::array apps;
  for (const auto& a : c.launcher.apps) {
    apps.emplace_back(json::object{{"name", a.name},
                                   {"binary", a.binary},
                                   {"args", str_array(a.args)},
                                   {"auto_start", a.auto_start},
                                   {"port", a.port}});
  }
  o["launcher"] = json::object{{"service_discovery", c.launcher.service_discovery},
                               {"apps", std::move(apps)},
                               {"server_addr", c.launcher.server_addr},
                               {"bin_path", c.launcher.bin_path},
                               {"display_node_ip", c.launcher.display_node_ip}};
  o["survey_whitelist"] = pk_array(c.survey_whitelist);
  o["hypervisors"] = pk_array(c.hypervisors);
  o["cli_addr"] = c.cli_addr;
  o["log_level"] = c.log_level;
  o["local_path"] = c.local_path;
  o["dmsghttp_server_path"] = c.dmsghttp_server_path;
  o["stun_servers"] = str_array(c.stun_servers);
  o["shutdown_timeout"] = wire::json::format_go_duration(c.shutdown_timeout);
  o["is_public"] = c.is_public;
  if (c.persistent_transports.empty()) {
    o["persistent_transports"] = nullptr;
  } else {
    json::array pts;
    for (const auto& p : c.persistent_transports) pts.emplace_back(json::object{{"pk", p.pk.to_hex()}, {"type", p.type}});
    o["persistent_transports"] = std::move(pts);
  }
  if (c.hypervisor) {
    const auto& h = *c.hypervisor;
    o["hypervisor"] = json::object{{"db_path", h.db_path},
                                   {"enable_auth", h.enable_auth},
                                   {"cookies", json::object{{"hash_key", h.cookies_hash_key},
                                                            {"block_key", h.cookies_block_key},
                                                            {"expires_duration", h.cookies_expires_ns},
                                                            {"path", h.cookies_path},
                                                            {"domain", h.cookies_domain}}},
                                   {"dmsg_port", h.dmsg_port},
                                   {"http_addr", h.http_addr},
                                   {"enable_tls", h.enable_tls},
                                   {"tls_cert_file", h.tls_cert_file},
                                   {"tls_key_file", h.tls_key_file}};
  }
  return o;
}

// json.MarshalIndent(v, "", "\t"): one member or element per line, "key": value, empty
// containers as {} and [].
void indent(std::string& out, const json::value& v, int depth) {
  const auto pad = [&](int d) {
    out += '\n';
    out.append(static_cast<std::size_t>(d), '\t');
  };
  if (v.is_object() && !v.get_object().empty()) {
    out += '{';
    bool first = true;
    for (const auto& [k, member] : v.get_object()) {
      if (!first) out += ',';
      first = false;
      pad(depth + 1);
      out += json::serialize(json::value(k));
      out += ": ";
      indent(out, member, depth + 1);
    }
    pad(depth);
    out += '}';
  } else if (v.is_array() && !v.get_array().empty()) {
    out += '[';
    bool first = true;
    for (const auto& e : v.get_array()) {
      if (!first) out += ',';
      first = false;
      pad(depth + 1);
      indent(out, e, depth + 1);
    }
    pad(depth);
    out += ']';
  } else {
    out += json::serialize(v);
  }
}

}  // namespace

std::string semver_major(std::string_view v) {
  if (!v.empty() && v[0] == 'v') v.remove_prefix(1);
  const auto dot = v.find('.');
  const std::string_view major = v.substr(0, dot);
  if (major.empty() || major.find_first_not_of("0123456789") != std::string_view::npos) return {};
  return std::string(major);
}

boost::system::result<services, config_error> parse_services(std::string_view text, bool test) {
  if (text.size() > max_config_bytes) return config_error{"services: larger than 1 MiB"};
  json::parse_options opt;
  opt.max_depth = max_depth;
  boost::system::error_code ec;
  json::value root = json::parse(text, ec, {}, opt);
  if (ec) return config_error{"services: not valid JSON (" + ec.message() + ")"};
  if (!root.is_object()) return config_error{"services: must be a JSON object"};
  std::string path = "services";
  const json::value* half = &root;
  const char* which = test ? "test" : "prod";
  if (const auto* picked = root.get_object().if_contains(which)) {
    half = picked;
    path = which;
  }
  services s = test ? test_services() : prod_services();
  std::vector<std::string> unknown;
  reader r(unknown);
  const bool ok = r.object(
      *half, path,
      {{"dmsg_discovery", [&](auto& x, auto& q) { return r.str(x, q, s.dmsg_discovery); }},
       {"transport_discovery", [&](auto& x, auto& q) { return r.str(x, q, s.transport_discovery); }},
       {"address_resolver", [&](auto& x, auto& q) { return r.str(x, q, s.address_resolver); }},
       {"route_finder", [&](auto& x, auto& q) { return r.str(x, q, s.route_finder); }},
       {"route_setup_nodes", [&](auto& x, auto& q) { return r.pk_list(x, q, s.route_setup_nodes); }},
       {"transport_setup", [&](auto& x, auto& q) { return r.pk_list(x, q, s.transport_setup); }},
       {"uptime_tracker", [&](auto& x, auto& q) { return r.str(x, q, s.uptime_tracker); }},
       {"service_discovery", [&](auto& x, auto& q) { return r.str(x, q, s.service_discovery); }},
       {"stun_servers", [&](auto& x, auto& q) { return r.str_list(x, q, s.stun_servers); }},
       {"dns_server", [&](auto& x, auto& q) { return r.str(x, q, s.dns_server); }},
       {"survey_whitelist", [&](auto& x, auto& q) { return r.pk_list(x, q, s.survey_whitelist); }}});
  if (!ok) return config_error{r.error()};
  return s;
}

config_result parse_config(std::string_view text, const services& base, std::string_view our_version) {
  if (text.size() > max_config_bytes) return config_error{"config: larger than 1 MiB"};
  json::parse_options opt;
  opt.max_depth = max_depth;
  boost::system::error_code ec;
  json::value root = json::parse(text, ec, {}, opt);
  if (ec) return config_error{"config: not valid JSON (" + ec.message() + ")"};

  config_file out;
  out.cfg = make_base_config(base, std::string(our_version));
  reader r(out.unknown_fields);
  std::string sk_text;
  if (!read_config(r, root, out.cfg, sk_text)) return config_error{r.error()};

  auto& c = out.cfg;
  if (semver_major(c.version).empty()) return config_error{"version: '" + c.version + "' is not a version like v1.3.20"};
  if (!our_version.empty() && semver_major(c.version) != semver_major(our_version))
    return config_error{"version: config " + c.version + " does not share the major version of this visor (" +
                        std::string(our_version) + "); regenerate it with `skywire cli config gen`"};
  if (sk_text.empty()) return config_error{"sk: missing (a visor needs its secret key; `skywire cli config gen` writes one)"};
  auto sk = crypto::secret_key::from_text(sk_text);
  if (!sk) return config_error{"sk: not a secret key (64 hex digits)"};
  if (c.pk.is_null()) {
    c.pk = sk->public_key();
  } else if (!crypto::key_pair_matches(c.pk, *sk)) {
    return config_error{"pk: does not belong to sk"};
  }
  c.sk = *sk;
  if (c.dmsg.sessions_count == 0) return config_error{"dmsg.sessions_count: must be at least 1"};
  return out;
}

std::string to_json(const config& c) {
  std::string out;
  indent(out, build(c), 0);
  return out;
}

}  // namespace skywire::visor
