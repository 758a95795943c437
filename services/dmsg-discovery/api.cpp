#include "api.hpp"

#include "skywire/crypto/signature.hpp"
#include "skywire/wire/disc/entry.hpp"
#include "skywire/wire/disc/parse.hpp"
#include "skywire/wire/disc/validate.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <ctime>
#include <limits>

namespace skywire::svc::dmsg_discovery {

namespace json = boost::json;
using net::http_method;
using net::http_reply;
using net::http_request;

namespace {

constexpr std::string_view entry_prefix = "/dmsg-discovery/entry/";
constexpr std::string_view msg_not_found = "entry of public key is not found";
constexpr std::string_view msg_bad_input = "error bad input";
constexpr std::string_view msg_unexpected = "something unexpected happened";
constexpr std::string_view msg_no_servers = "no delegated dmsg servers available for remote";

http_reply json_reply(unsigned status, std::string body) {
  http_reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

http_reply empty_reply(unsigned status) {
  http_reply r;
  r.status = status;
  r.content_type.clear();
  return r;
}

http_reply not_found_page() {
  http_reply r;
  r.status = 404;
  r.content_type = "text/plain; charset=utf-8";
  r.body = "404 page not found\n";
  return r;
}

std::string string_array(const std::vector<std::string>& items) {
  json::array a;
  for (const auto& s : items) a.emplace_back(s);
  return json::serialize(a);
}

std::int64_t nanos(std::chrono::nanoseconds d) { return d.count(); }

}  // namespace

std::string rfc3339_nano(base::clock::wall_time t) {
  const std::int64_t ns = base::unix_nanos(t);
  std::int64_t secs = ns / 1000000000;
  std::int64_t frac = ns % 1000000000;
  if (frac < 0) {
    frac += 1000000000;
    --secs;
  }
  const auto tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = buf;
  if (frac != 0) {
    std::string f = std::to_string(frac);
    f.insert(0, 9 - f.size(), '0');
    while (!f.empty() && f.back() == '0') f.pop_back();
    out += "." + f;
  }
  return out + "Z";
}

http_reply api::message_reply(unsigned status, std::string_view message) {
  json::object o;
  o["message"] = message;
  o["code"] = status;
  return json_reply(status, json::serialize(o));
}

api::api(store& db, const base::clock& clock, base::logger log, api_options options)
    : db_(db), clock_(clock), log_(std::move(log)), opt_(std::move(options)),
      started_at_(rfc3339_nano(clock.wall_now())) {
  auto& r = router_;
  r.add_prefix(http_method::get, std::string(entry_prefix), [this](const http_request& req) {
    const std::string_view pk = std::string_view(req.path).substr(entry_prefix.size());
    if (pk.find('/') != std::string_view::npos) return not_found_page();
    return get_entry(pk);
  });
  auto post = [this](const http_request& req) {
    const std::string_view rest = std::string_view(req.path).substr(entry_prefix.size());
    if (rest.find('/') != std::string_view::npos) return not_found_page();
    return post_entry(req.body, req.query_param("timeout") == std::optional<std::string>("true"));
  };
  r.add(http_method::post, std::string(entry_prefix), post);
  r.add_prefix(http_method::post, std::string(entry_prefix), post);
  r.add(http_method::delete_, "/dmsg-discovery/entry", [this](const http_request& req) { return delete_entry(req.body); });
  r.add(http_method::get, "/dmsg-discovery/entries", [this](const http_request&) { return client_entries(); });
  r.add(http_method::get, "/dmsg-discovery/visorEntries", [this](const http_request&) { return visor_entries(); });
  r.add(http_method::get, "/dmsg-discovery/available_servers", [this](const http_request&) { return available_servers(); });
  r.add(http_method::get, "/dmsg-discovery/all_servers", [this](const http_request&) { return all_servers(); });
  r.add(http_method::delete_, "/dmsg-discovery/deregister", [this](const http_request& req) { return deregister(req); });
  r.add(http_method::get, "/health", [this](const http_request&) { return health(); });
}

http_reply api::handle(const http_request& req) const { return router_.route(req); }

http_reply api::get_entry(std::string_view pk_text) const {
  auto pk = crypto::public_key::from_text(pk_text);
  if (!pk) return message_reply(400, msg_bad_input);
  auto stored = db_.get(pk->to_hex(), base::unix_nanos(clock_.wall_now()));
  if (!stored) {
    log_->error("store read failed: {}", stored.error().message());
    return message_reply(500, msg_unexpected);
  }
  if (!*stored) return message_reply(404, msg_not_found);
  return json_reply(200, std::move(**stored));
}

http_reply api::post_entry(std::string_view body, bool timeout) const {
  const auto now = clock_.wall_now();
  const std::int64_t now_ns = base::unix_nanos(now);
  // Decode once to find the stored entry, then run the Go checks in Go's order.
  auto decoded = wire::disc::parse_entry(body);
  if (!decoded) return message_reply(500, msg_unexpected);
  const std::string pk = decoded->static_pk.to_hex();
  auto stored_text = db_.get(pk, now_ns);
  if (!stored_text) {
    log_->error("store read failed: {}", stored_text.error().message());
    return message_reply(500, msg_unexpected);
  }
  std::optional<wire::disc::entry> stored;
  if (*stored_text) {
    auto s = wire::disc::parse_entry(**stored_text);
    if (!s) {
      log_->error("stored entry of {} does not parse: {}", pk, s.error().message());
      return message_reply(500, msg_unexpected);
    }
    stored = std::move(*s);
  }
  wire::disc::post_options po;
  po.test_mode = opt_.test_mode;
  auto checked = wire::disc::check_post(body, clock_, stored ? &*stored : nullptr, po);
  if (!checked) {
    const auto err = wire::disc::to_http_error(checked.error());
    log_->debug("entry of {} refused: {} ({})", pk, err.status, err.message);
    return message_reply(static_cast<unsigned>(err.status), err.message);
  }
  const auto& e = *checked;
  record rec;
  rec.pk = pk;
  rec.json = wire::disc::to_json(e);
  rec.client = e.client.has_value();
  rec.server = e.server.has_value();
  rec.visor = e.client_type == "visor";
  if (e.server) {
    rec.expires_at_ns = now_ns + nanos(server_entry_ttl);
  } else if (timeout) {
    rec.expires_at_ns = now_ns + nanos(client_entry_ttl);
  }
  if (auto w = db_.put(rec); !w) {
    log_->error("store write failed: {}", w.error().message());
    return message_reply(500, msg_unexpected);
  }
  log_->info("entry written: pk={} sequence={} kind={}{}", pk, e.sequence,
             rec.server ? (rec.client ? "client+server" : "server") : "client",
             rec.server ? " address=" + e.server->address : std::string{});
  return message_reply(200, stored ? "wrote new entry iteration" : "wrote a new entry");
}

http_reply api::delete_entry(std::string_view body) const {
  auto e = wire::disc::parse_entry(body);
  if (!e) return message_reply(500, msg_unexpected);
  if (auto v = wire::disc::validate(*e, clock_); !v) {
    const auto err = wire::disc::to_http_error(v.error());
    return message_reply(static_cast<unsigned>(err.status), err.message);
  }
  if (auto s = wire::disc::verify_signature(*e); !s) return message_reply(401, "invalid signature");
  const std::string pk = e->static_pk.to_hex();
  if (auto r = db_.remove(pk); !r) {
    log_->error("store delete failed: {}", r.error().message());
    return message_reply(500, msg_unexpected);
  }
  log_->info("entry deleted: pk={}", pk);
  return message_reply(200, "deleted entry");
}

http_reply api::client_entries() const {
  auto pks = db_.client_pks(base::unix_nanos(clock_.wall_now()));
  if (!pks) return message_reply(500, msg_unexpected);
  return json_reply(200, string_array(*pks));
}

http_reply api::visor_entries() const {
  auto pks = db_.visor_pks(base::unix_nanos(clock_.wall_now()));
  if (!pks) return message_reply(500, msg_unexpected);
  return json_reply(200, string_array(*pks));
}

http_reply api::available_servers() const {
  auto texts = db_.server_entries(base::unix_nanos(clock_.wall_now()), max_available_servers);
  if (!texts) return message_reply(500, msg_unexpected);
  std::vector<wire::disc::entry> entries;
  for (const auto& t : *texts) {
    auto e = wire::disc::parse_entry(t);
    if (!e || !e->server || e->server->available_sessions <= 0) continue;
    entries.push_back(std::move(*e));
  }
  if (entries.empty()) return message_reply(404, msg_no_servers);
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return a.server->available_sessions > b.server->available_sessions;
  });
  std::string out = "[";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i) out += ',';
    out += wire::disc::to_json(entries[i]);
  }
  out += ']';
  return json_reply(200, std::move(out));
}

http_reply api::all_servers() const {
  auto texts = db_.server_entries(base::unix_nanos(clock_.wall_now()),
                                  std::numeric_limits<std::size_t>::max());
  if (!texts) return message_reply(500, msg_unexpected);
  if (texts->empty()) return message_reply(404, msg_no_servers);
  std::string out = "[";
  for (std::size_t i = 0; i < texts->size(); ++i) {
    if (i) out += ',';
    out += (*texts)[i];
  }
  out += ']';
  return json_reply(200, std::move(out));
}

http_reply api::deregister(const http_request& req) const {
  const std::string_view nm_text = req.header("NM-PK");
  const bool whitelisted = std::any_of(opt_.nm_whitelist.begin(), opt_.nm_whitelist.end(),
                                       [&](const crypto::public_key& k) { return k.to_hex() == nm_text; });
  if (!whitelisted) return empty_reply(403);
  auto nm = crypto::public_key::from_text(nm_text);
  if (!nm) return empty_reply(400);
  auto sig = crypto::signature::from_text(req.header("NM-Sign"));
  if (!sig) return empty_reply(400);
  const std::string nm_hex = nm->to_hex();
  if (!crypto::verify_payload(*nm, as_bytes(nm_hex), *sig)) return empty_reply(403);

  json::parse_options po;
  po.max_depth = 4;
  error_code ec;
  auto v = json::parse(req.body, ec, json::storage_ptr{}, po);
  if (ec || !(v.is_array() || v.is_null())) return empty_reply(400);
  std::vector<std::string> keys;
  if (v.is_array()) {
    for (const auto& item : v.as_array()) {
      if (!item.is_string()) return empty_reply(400);
      auto pk = crypto::public_key::from_text(item.as_string());
      if (!pk) return message_reply(400, msg_bad_input);
      keys.push_back(pk->to_hex());
    }
  }
  for (const auto& k : keys) {
    if (auto r = db_.remove(k); !r) return message_reply(500, msg_unexpected);
  }
  log_->info("deregistered {} entries on request of network monitor {}", keys.size(), nm_hex);
  return json_reply(200, "null");
}

http_reply api::health() const {
  json::object bi;
  bi["version"] = opt_.build.version;
  bi["commit"] = opt_.build.commit;
  bi["date"] = opt_.build.date;
  json::object o;
  o["build_info"] = std::move(bi);
  o["started_at"] = started_at_;
  return json_reply(200, json::serialize(o));
}

result<std::size_t> api::sweep() const {
  auto n = db_.drop_expired(base::unix_nanos(clock_.wall_now()));
  if (n && *n > 0) log_->info("dropped {} expired entries", *n);
  return n;
}

}  // namespace skywire::svc::dmsg_discovery
