#include "api.hpp"

#include "skywire/crypto/signature.hpp"
#include "skywire/wire/disc/entry.hpp"
#include "skywire/wire/disc/parse.hpp"
#include "skywire/wire/disc/validate.hpp"
#include "skywire/wire/json/go_time.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
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

std::string string_array(const std::vector<std::string>& items) {
  json::array a;
  for (const auto& s : items) a.emplace_back(s);
  return json::serialize(a);
}

std::int64_t nanos(std::chrono::nanoseconds d) { return d.count(); }

boost::asio::awaitable<http_reply> ready(http_reply r) { co_return r; }

}  // namespace


http_reply api::message_reply(unsigned status, std::string_view message) {
  json::object o;
  o["message"] = message;
  o["code"] = status;
  return json_reply(status, json::serialize(o));
}

api::api(store& db, const base::clock& clock, base::logger log, api_options options)
    : db_(db), clock_(clock), log_(std::move(log)), opt_(std::move(options)),
      started_at_(wire::json::format_go_time(base::unix_nanos(clock.wall_now()))) {
  // The handlers are plain lambdas returning the member coroutines' awaitables (no coroutine
  // lambdas with captures).
  auto& r = router_;
  r.add_prefix_async(http_method::get, std::string(entry_prefix), [this](const http_request& req) {
    const std::string_view pk = std::string_view(req.path).substr(entry_prefix.size());
    if (pk.find('/') != std::string_view::npos) return ready(net::not_found_reply());
    return get_entry(std::string(pk));
  });
  auto post = [this](const http_request& req) {
    const std::string_view rest = std::string_view(req.path).substr(entry_prefix.size());
    if (rest.find('/') != std::string_view::npos) return ready(net::not_found_reply());
    return post_entry(req.body, req.query_param("timeout") == std::optional<std::string>("true"));
  };
  r.add_async(http_method::post, std::string(entry_prefix), post);
  r.add_prefix_async(http_method::post, std::string(entry_prefix), post);
  r.add_async(http_method::delete_, "/dmsg-discovery/entry", [this](const http_request& req) { return delete_entry(req.body); });
  r.add_async(http_method::get, "/dmsg-discovery/entries", [this](const http_request&) { return client_entries(); });
  r.add_async(http_method::get, "/dmsg-discovery/visorEntries", [this](const http_request&) { return visor_entries(); });
  r.add_async(http_method::get, "/dmsg-discovery/available_servers", [this](const http_request&) { return available_servers(); });
  r.add_async(http_method::get, "/dmsg-discovery/all_servers", [this](const http_request&) { return all_servers(); });
  r.add_async(http_method::delete_, "/dmsg-discovery/deregister", [this](const http_request& req) { return deregister(req); });
  r.add(http_method::get, "/health", [this](const http_request&) { return health(); });
}

boost::asio::awaitable<http_reply> api::handle(const http_request& req) const {
  auto op = router_.route_async(req);
  co_return co_await std::move(op);
}

boost::asio::awaitable<http_reply> api::get_entry(std::string pk_text) const {
  auto pk = crypto::public_key::from_text(pk_text);
  if (!pk) co_return message_reply(400, msg_bad_input);
  auto op = db_.get(pk->to_hex(), base::unix_nanos(clock_.wall_now()));
  auto stored = co_await std::move(op);
  if (!stored) {
    log_->error("store read failed: {}", stored.error().message());
    co_return message_reply(500, msg_unexpected);
  }
  if (!*stored) co_return message_reply(404, msg_not_found);
  co_return json_reply(200, std::move(**stored));
}

boost::asio::awaitable<http_reply> api::post_entry(std::string body, bool timeout) const {
  const auto now = clock_.wall_now();
  const std::int64_t now_ns = base::unix_nanos(now);
  // Decode once to find the stored entry, then run the Go checks in Go's order.
  auto decoded = wire::disc::parse_entry(body);
  if (!decoded) co_return message_reply(500, msg_unexpected);
  const std::string pk = decoded->static_pk.to_hex();
  auto get_op = db_.get(pk, now_ns);
  auto stored_text = co_await std::move(get_op);
  if (!stored_text) {
    log_->error("store read failed: {}", stored_text.error().message());
    co_return message_reply(500, msg_unexpected);
  }
  std::optional<wire::disc::entry> stored;
  if (*stored_text) {
    auto s = wire::disc::parse_entry(**stored_text);
    if (!s) {
      log_->error("stored entry of {} does not parse: {}", pk, s.error().message());
      co_return message_reply(500, msg_unexpected);
    }
    stored = std::move(*s);
  }
  wire::disc::post_options po;
  po.test_mode = opt_.test_mode;
  auto checked = wire::disc::check_post(body, clock_, stored ? &*stored : nullptr, po);
  if (!checked) {
    const auto err = wire::disc::to_http_error(checked.error());
    log_->debug("entry of {} refused: {} ({})", pk, err.status, err.message);
    co_return message_reply(static_cast<unsigned>(err.status), err.message);
  }
  wire::disc::entry e = *checked;
  if (e.server && (!opt_.auth_passphrase.empty() || !opt_.official_servers.empty())) {
    const bool listed = std::find(opt_.official_servers.begin(), opt_.official_servers.end(), e.static_pk) !=
                        opt_.official_servers.end();
    const bool passphrase = !opt_.auth_passphrase.empty() && e.server->server_type == opt_.auth_passphrase;
    e.server->server_type = listed || passphrase ? "official" : "community";
  }
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
  const std::string address = rec.server ? " address=" + e.server->address : std::string{};
  const char* kind = rec.server ? (rec.client ? "client+server" : "server") : "client";
  auto put_op = db_.put(std::move(rec), now_ns);
  if (auto w = co_await std::move(put_op); !w) {
    log_->error("store write failed: {}", w.error().message());
    co_return message_reply(500, msg_unexpected);
  }
  log_->info("entry written: pk={} sequence={} kind={}{}", pk, e.sequence, kind, address);
  co_return message_reply(200, stored ? "wrote new entry iteration" : "wrote a new entry");
}

boost::asio::awaitable<http_reply> api::delete_entry(std::string body) const {
  auto e = wire::disc::parse_entry(body);
  if (!e) co_return message_reply(500, msg_unexpected);
  if (auto v = wire::disc::validate(*e, clock_); !v) {
    const auto err = wire::disc::to_http_error(v.error());
    co_return message_reply(static_cast<unsigned>(err.status), err.message);
  }
  if (auto s = wire::disc::verify_signature(*e); !s) co_return message_reply(401, "invalid signature");
  const std::string pk = e->static_pk.to_hex();
  auto op = db_.remove(pk);
  if (auto r = co_await std::move(op); !r) {
    log_->error("store delete failed: {}", r.error().message());
    co_return message_reply(500, msg_unexpected);
  }
  log_->info("entry deleted: pk={}", pk);
  co_return message_reply(200, "deleted entry");
}

boost::asio::awaitable<http_reply> api::client_entries() const {
  auto op = db_.client_pks(base::unix_nanos(clock_.wall_now()));
  auto pks = co_await std::move(op);
  if (!pks) {
    log_->error("store read failed: {}", pks.error().message());
    co_return message_reply(500, msg_unexpected);
  }
  co_return json_reply(200, string_array(*pks));
}

boost::asio::awaitable<http_reply> api::visor_entries() const {
  auto op = db_.visor_pks(base::unix_nanos(clock_.wall_now()));
  auto pks = co_await std::move(op);
  if (!pks) {
    log_->error("store read failed: {}", pks.error().message());
    co_return message_reply(500, msg_unexpected);
  }
  co_return json_reply(200, string_array(*pks));
}

boost::asio::awaitable<http_reply> api::available_servers() const {
  auto op = db_.server_entries(base::unix_nanos(clock_.wall_now()), max_available_servers);
  auto texts = co_await std::move(op);
  if (!texts) {
    log_->error("store read failed: {}", texts.error().message());
    co_return message_reply(500, msg_unexpected);
  }
  std::vector<wire::disc::entry> entries;
  for (const auto& t : *texts) {
    auto e = wire::disc::parse_entry(t);
    if (!e || !e->server || e->server->available_sessions <= 0) continue;
    entries.push_back(std::move(*e));
  }
  if (entries.empty()) co_return message_reply(404, msg_no_servers);
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return a.server->available_sessions > b.server->available_sessions;
  });
  std::string out = "[";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i) out += ',';
    out += wire::disc::to_json(entries[i]);
  }
  out += ']';
  co_return json_reply(200, std::move(out));
}

boost::asio::awaitable<http_reply> api::all_servers() const {
  auto op = db_.server_entries(base::unix_nanos(clock_.wall_now()), std::numeric_limits<std::size_t>::max());
  auto texts = co_await std::move(op);
  if (!texts) {
    log_->error("store read failed: {}", texts.error().message());
    co_return message_reply(500, msg_unexpected);
  }
  if (texts->empty()) co_return message_reply(404, msg_no_servers);
  std::string out = "[";
  for (std::size_t i = 0; i < texts->size(); ++i) {
    if (i) out += ',';
    out += (*texts)[i];
  }
  out += ']';
  co_return json_reply(200, std::move(out));
}

boost::asio::awaitable<http_reply> api::deregister(const http_request& req) const {
  const std::string_view nm_text = req.header("NM-PK");
  const bool whitelisted = std::any_of(opt_.nm_whitelist.begin(), opt_.nm_whitelist.end(),
                                       [&](const crypto::public_key& k) { return k.to_hex() == nm_text; });
  if (!whitelisted) co_return net::empty_reply(403);
  auto nm = crypto::public_key::from_text(nm_text);
  if (!nm) co_return net::empty_reply(400);
  auto sig = crypto::signature::from_text(req.header("NM-Sign"));
  if (!sig) co_return net::empty_reply(400);
  const std::string nm_hex = nm->to_hex();
  if (!crypto::verify_payload(*nm, as_bytes(nm_hex), *sig)) co_return net::empty_reply(403);

  json::parse_options po;
  po.max_depth = 4;
  error_code ec;
  auto v = json::parse(req.body, ec, json::storage_ptr{}, po);
  if (ec || !(v.is_array() || v.is_null())) co_return net::empty_reply(400);
  std::vector<std::string> keys;
  if (v.is_array()) {
    for (const auto& item : v.as_array()) {
      if (!item.is_string()) co_return net::empty_reply(400);
      auto pk = crypto::public_key::from_text(item.as_string());
      if (!pk) co_return message_reply(400, msg_bad_input);
      keys.push_back(pk->to_hex());
    }
  }
  for (const auto& k : keys) {
    auto op = db_.remove(k);
    if (auto r = co_await std::move(op); !r) {
      log_->error("store delete failed: {}", r.error().message());
      co_return message_reply(500, msg_unexpected);
    }
  }
  log_->info("deregistered {} entries on request of network monitor {}", keys.size(), nm_hex);
  co_return json_reply(200, "null");
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

boost::asio::awaitable<result<std::size_t>> api::sweep() const {
  auto op = db_.drop_expired(base::unix_nanos(clock_.wall_now()));
  auto n = co_await std::move(op);
  if (n && *n > 0) log_->info("dropped {} expired entries", *n);
  co_return n;
}

}  // namespace skywire::svc::dmsg_discovery
