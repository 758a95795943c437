#include "api.hpp"

#include "skywire/crypto/signature.hpp"
#include "skywire/disc/httpauth.hpp"
#include "skywire/wire/json/go_time.hpp"
#include "skywire/wire/json/writer.hpp"
#include "httpauth/auth.hpp"
#include "httpauth/network_monitor.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>
#include <utility>

namespace skywire::svc::address_resolver {

namespace asio = boost::asio;
namespace json = boost::json;
using net::http_method;
using net::http_reply;
using net::http_request;

namespace {

constexpr std::string_view stcpr = "stcpr";
constexpr std::string_view sudph = "sudph";

// The AR's writeJSON: json.Marshal (HTML-escaped, no newline).
http_reply json_reply(unsigned status, std::string body) {
  http_reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

http_reply error_json(unsigned status, std::string_view text) {
  wire::json::writer w{wire::json::dialect::go_json};
  w.begin_object();
  w.key("error").string(text);
  w.end_object();
  return json_reply(status, std::move(w).take());
}

std::optional<asio::ip::address> parse_ip(std::string_view text) {
  boost::system::error_code ec;
  auto a = asio::ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  // Go's net.ParseIP knows no IPv6 zones.
  if (a.is_v6() && a.to_v6().scope_id() != 0) return std::nullopt;
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return asio::ip::address(asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()));
  }
  return a;
}

bool private_v4(const asio::ip::address_v4& v4) {
  const auto b = v4.to_bytes();
  return b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168);
}

bool ascii_iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Go's %v of LocalAddresses: {7777 [203.0.113.5 127.0.0.1]}.
std::string go_format(const visor_data& d) {
  std::string out = "{" + d.port + " [";
  for (std::size_t i = 0; i < d.addresses.size(); ++i) {
    if (i) out += ' ';
    out += d.addresses[i];
  }
  return out + "]}";
}

// Go's net.SplitHostPort(a) host, or nullopt when a has no port.
std::optional<std::string> split_host(std::string_view a) {
  if (a.starts_with('[')) {
    const auto close = a.find(']');
    if (close == std::string_view::npos || close + 1 >= a.size() || a[close + 1] != ':') return std::nullopt;
    return std::string(a.substr(1, close - 1));
  }
  const auto colon = a.rfind(':');
  if (colon == std::string_view::npos || a.find(':') != colon) return std::nullopt;
  return std::string(a.substr(0, colon));
}

// Go's sameIP: both must be host:port. (The requester's address never has a port here.)
bool same_ip(std::string_view a, std::string_view b) {
  auto ha = split_host(a);
  auto hb = split_host(b);
  return ha && hb && *ha == *hb;
}

std::string visor_data_json(const visor_data& d) {
  wire::json::writer w{wire::json::dialect::go_json};
  w.begin_object();
  w.key("remote_addr").string(d.remote_addr);
  if (d.is_local) w.key("is_local").boolean(true);
  w.key("port").string(d.port);
  w.key("addresses");
  if (d.addresses.empty()) {
    w.null();
  } else {
    w.begin_array();
    for (const auto& a : d.addresses) w.string(a);
    w.end_array();
  }
  w.end_object();
  return std::move(w).take();
}

// "/prefix/a/b" -> {"a","b"} when the rest has exactly `n` non-empty segments.
std::optional<std::vector<std::string_view>> segments(std::string_view path, std::string_view prefix,
                                                      std::size_t n) {
  if (!path.starts_with(prefix)) return std::nullopt;
  std::string_view rest = path.substr(prefix.size());
  std::vector<std::string_view> out;
  while (true) {
    const auto slash = rest.find('/');
    const std::string_view seg = rest.substr(0, slash);
    if (seg.empty()) return std::nullopt;
    out.push_back(seg);
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  if (out.size() != n) return std::nullopt;
  return out;
}

asio::awaitable<http_reply> ready(http_reply r) { co_return r; }

}  // namespace

bool is_public_ip(std::string_view text) {
  auto a = parse_ip(text);
  if (!a) return false;
  if (a->is_loopback()) return false;
  if (a->is_v6()) return false;  // Go: To4() == nil -> not public (link-local v6 too)
  const auto v4 = a->to_v4();
  const auto b = v4.to_bytes();
  if (b[0] == 169 && b[1] == 254) return false;                   // link-local unicast
  if (b[0] == 224 && b[1] == 0 && b[2] == 0) return false;        // link-local multicast
  return !private_v4(v4);
}

bool is_local_ip(std::string_view text) {
  auto a = parse_ip(text);
  if (!a) return false;
  if (a->is_loopback()) return true;
  if (a->is_v4()) return private_v4(a->to_v4());
  return (a->to_v6().to_bytes()[0] & 0xFE) == 0xFC;  // fc00::/7 unique local
}

std::optional<visor_data> parse_local_addresses(std::string_view body) {
  json::parse_options po;
  po.max_depth = 64;
  po.allow_invalid_utf8 = true;  // Go's decoder replaces invalid UTF-8 instead of failing
  error_code ec;
  auto v = json::parse(body, ec, json::storage_ptr{}, po);
  if (ec) return std::nullopt;
  visor_data out;
  if (v.is_null()) return out;
  if (!v.is_object()) return std::nullopt;
  // Go prefers an exact key match and otherwise takes a case-insensitive one; the last
  // matching key in the document wins either way.
  for (const auto& [key, val] : v.as_object()) {
    if (ascii_iequal(key, "port")) {
      if (val.is_string()) out.port = std::string(val.as_string());
      else if (!val.is_null()) return std::nullopt;
    } else if (ascii_iequal(key, "addresses")) {
      if (val.is_null()) {
        out.addresses.clear();
        continue;
      }
      if (!val.is_array()) return std::nullopt;
      std::vector<std::string> list;
      for (const auto& a : val.as_array()) {
        if (a.is_string()) list.emplace_back(a.as_string());
        else if (a.is_null()) list.emplace_back();
        else return std::nullopt;
      }
      out.addresses = std::move(list);
    }
  }
  return out;
}


api::api(store& db, httpauth::nonce_store& nonces, const base::clock& clock, base::logger log, api_options options)
    : db_(db), nonces_(nonces), log_(std::move(log)), opt_(std::move(options)),
      started_at_(wire::json::format_go_time(base::unix_nanos(clock.wall_now()))) {
  // Handlers are plain lambdas returning the member coroutines' awaitables; `this` outlives them.
  auto& r = router_;
  r.add_async(http_method::post, "/bind/stcpr",
              httpauth::with_auth(nonces_, log_, [this](const http_request& q, crypto::public_key pk) {
                return bind(q, pk);
              }));
  r.add_async(http_method::delete_, "/bind/stcpr",
              httpauth::with_auth(nonces_, log_, [this](const http_request& q, crypto::public_key pk) {
                return del_bind(q, pk);
              }));
  // chi matches /resolve/{type}/{pk} before its auth middleware runs: a path of another shape
  // is a plain 404 without any header check.
  auto authed_resolve = httpauth::with_auth(nonces_, log_, [this](const http_request& q, crypto::public_key pk) {
    return resolve(q, pk);
  });
  r.add_prefix_async(http_method::get, "/resolve/", [authed_resolve](const http_request& q) {
    if (!segments(q.path, "/resolve/", 2)) return ready(net::not_found_reply());
    return authed_resolve(q);
  });
  r.add_async(http_method::get, "/transports", [this](const http_request&) { return transports(); });
  r.add_prefix_async(http_method::delete_, "/deregister/", [this](const http_request& q) {
    if (!segments(q.path, "/deregister/", 1)) return ready(net::not_found_reply());
    return deregister(q);
  });
  auto nonce = httpauth::nonce_handler(nonces_);
  r.add_prefix_async(http_method::get, std::string(disc::httpauth::nonces_path), [nonce](const http_request& q) {
    if (!segments(q.path, disc::httpauth::nonces_path, 1)) return ready(net::not_found_reply());
    return nonce(q);
  });
  r.add(http_method::get, "/health", [this](const http_request&) { return health(); });
}

asio::awaitable<http_reply> api::handle(const http_request& req) const {
  auto op = router_.route_async(req);
  co_return co_await std::move(op);
}

asio::awaitable<std::optional<http_reply>> api::bind(const http_request& req, crypto::public_key caller) const {
  const std::string remote = httpauth::remote_ip(req, opt_.trust_forwarding);
  log_->info("New POST /bind/stcpr request from {}", remote);
  auto parsed = parse_local_addresses(req.body);
  if (!parsed) {
    log_->error("Failed to unmarshal data: {}", req.body.substr(0, 256));
    co_return std::nullopt;  // Go writes nothing: 200, empty, nonce not incremented
  }
  visor_data d = std::move(*parsed);
  const std::string pk = caller.to_hex();
  const bool acceptable = is_public_ip(remote) || (opt_.local_mode && is_local_ip(remote));
  if (!acceptable) {
    std::string msg =
        "Cannot bind " + pk + " to " + remote + " (STCPR). Invalid IP address in request: " + go_format(d);
    log_->error("{}", msg);
    co_return error_json(400, msg);
  }
  if (std::find(d.addresses.begin(), d.addresses.end(), remote) == d.addresses.end()) {
    std::string msg = "Cannot bind " + pk + " to " + remote +
                      " (STCPR). Remote address not present in request: " + go_format(d);
    log_->error("{}", msg);
    co_return error_json(400, msg);
  }
  if (d.addresses.size() > max_bind_addresses) co_return error_json(400, "too many addresses");
  d.remote_addr = remote;
  d.is_local = false;
  auto op = db_.bind(std::string(stcpr), caller, std::move(d));
  auto stored = co_await std::move(op);
  if (!stored) {
    log_->error("Failed to bind PK (STCPR): {}", stored.error().message());
    co_return net::empty_reply(500);
  }
  log_->debug("Bound {} to {} (STCPR)", pk, remote);
  co_return net::empty_reply(200);
}

asio::awaitable<std::optional<http_reply>> api::del_bind(const http_request& req, crypto::public_key caller) const {
  const std::string remote = httpauth::remote_ip(req, opt_.trust_forwarding);
  log_->info("New DELETE /bind/stcpr request from {}", remote);
  auto op = db_.del_bind(std::string(stcpr), caller);
  auto done = co_await std::move(op);
  if (!done) {
    log_->error("Failed to delete bind PK (STCPR): {}", done.error().message());
    co_return net::empty_reply(500);
  }
  log_->debug("Deleted bind {} from {} (STCPR)", caller.to_hex(), remote);
  co_return net::empty_reply(200);
}

asio::awaitable<std::optional<http_reply>> api::resolve(const http_request& req, crypto::public_key caller) const {
  const std::string remote = httpauth::remote_ip(req, opt_.trust_forwarding);
  const auto seg = *segments(req.path, "/resolve/", 2);  // shape checked by the route
  const std::string type(seg[0]);
  log_->info("New /resolve request of type {} from {}", type, remote);
  auto receiver = httpauth::parse_public_key(seg[1]);
  if (!receiver.ok()) co_return net::empty_reply(400);
  auto op = db_.resolve(type, receiver.value);
  auto found = co_await std::move(op);
  if (!found) {
    log_->error("Failed to resolve PK:{} ({}): {}", receiver.value.to_hex(), type, found.error().message());
    co_return net::empty_reply(500);
  }
  if (!*found) co_return net::empty_reply(404);
  visor_data d = std::move(**found);
  d.is_local = same_ip(d.remote_addr, remote);
  log_->info("Resolved {} to {} ({})", receiver.value.to_hex(), d.remote_addr, type);
  if (type == sudph && opt_.notify_punch) {
    // Go now asks the receiver, over its UDP/KCP link, to punch towards the caller (§2.3).
    auto notify = opt_.notify_punch(receiver.value, caller);
    co_await std::move(notify);
  }
  co_return json_reply(200, visor_data_json(d));
}

asio::awaitable<http_reply> api::transports() const {
  wire::json::writer w{wire::json::dialect::go_json};
  w.begin_object();
  for (const std::string_view type : {sudph, stcpr}) {
    auto op = db_.all(std::string(type));
    auto pks = co_await std::move(op);
    if (!pks) {
      log_->warn("Failed to get all ({}) transports: {}", type, pks.error().message());
      continue;
    }
    if (pks->empty()) continue;
    w.key(type).begin_array();
    for (const auto& pk : *pks) w.string(pk.to_hex());
    w.end_array();
  }
  w.end_object();
  co_return json_reply(200, std::move(w).take());
}

asio::awaitable<http_reply> api::deregister(const http_request& req) const {
  log_->info("Deregistration process started.");
  if (auto refused = httpauth::refuse_network_monitor(req, opt_.nm_whitelist, log_)) co_return std::move(*refused);
  const std::string type(*segments(req.path, "/deregister/", 1)->begin());
  if (type != stcpr && type != sudph) co_return net::empty_reply(400);
  auto listed = httpauth::parse_deregister_list(req.body);
  if (!listed) co_return net::empty_reply(400);
  std::vector<crypto::public_key> pks;
  for (const auto& text : *listed) {
    auto pk = httpauth::parse_public_key(text);
    if (!pk.ok()) co_return net::empty_reply(400);
    pks.push_back(pk.value);
  }
  for (const auto& pk : pks) {
    auto op = db_.del_bind(type, pk);
    auto done = co_await std::move(op);
    if (!done) co_return net::empty_reply(500);
  }
  log_->info("Deregistration process completed: {} keys ({})", pks.size(), type);
  co_return json_reply(200, "null");
}

http_reply api::health() const {
  wire::json::writer w{wire::json::dialect::go_json};
  w.begin_object();
  w.key("build_info").begin_object();
  w.key("version").string(opt_.build.version);
  w.key("commit").string(opt_.build.commit);
  w.key("date").string(opt_.build.date);
  w.end_object();
  w.key("started_at").string(started_at_);
  w.end_object();
  return json_reply(200, std::move(w).take());
}

}  // namespace skywire::svc::address_resolver
