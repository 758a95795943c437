#include "api.hpp"

#include "skywire/crypto/signature.hpp"
#include "skywire/disc/httpauth.hpp"
#include "skywire/wire/json/go_time.hpp"
#include "skywire/wire/json/writer.hpp"
#include "httpauth/auth.hpp"
#include "httpauth/network_monitor.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/stream_parser.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <utility>

namespace skywire::svc::transport_discovery {

namespace asio = boost::asio;
namespace json = boost::json;
namespace wt = wire::transport;
using net::http_method;
using net::http_reply;
using net::http_request;

namespace {

constexpr std::string_view transports_prefix = "/transports/";
constexpr std::string_view id_prefix = "id:";
constexpr std::string_view edge_prefix = "edge:";
constexpr std::string_view text_not_found = "transport not found";
constexpr std::string_view text_invalid_id = "transport ID is invalid";
constexpr std::string_view text_invalid_pk = "public key is invalid";

// Go's writeJSON: json.NewEncoder(w).Encode(v) (HTML-escaped, trailing newline).
http_reply json_reply(unsigned status, std::string body) {
  http_reply r;
  r.status = status;
  r.body = std::move(body);
  r.body += '\n';
  return r;
}

http_reply error_json(unsigned status, std::string_view text) {
  wire::json::writer w{wire::json::dialect::go_json};
  w.begin_object();
  w.key("error").string(text);
  w.end_object();
  return json_reply(status, std::move(w).take());
}

// An array of entries; Go's PostgreSQL store scans into a nil slice, hence `null` when empty.
std::string entries_json(const std::vector<entry>& entries) {
  if (entries.empty()) return "null";
  std::string out = "[";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i) out += ',';
    out += wt::to_json(entries[i]);
  }
  return out + "]";
}

// The rest of `path` after `prefix` when it is a single path segment (may be empty).
std::optional<std::string_view> one_segment(std::string_view path, std::string_view prefix) {
  if (!path.starts_with(prefix)) return std::nullopt;
  std::string_view rest = path.substr(prefix.size());
  if (rest.find('/') != std::string_view::npos) return std::nullopt;
  return rest;
}

asio::awaitable<http_reply> ready(http_reply r) { co_return r; }

bool all_space(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

}  // namespace

decoded_entries decode_signed_entries(std::string_view body) {
  decoded_entries out;
  // Go decodes with json.NewDecoder(r.Body).Decode: only the first value counts, an empty body
  // is io.EOF and a cut-off one io.ErrUnexpectedEOF — neither is a *json.SyntaxError, so 500.
  if (all_space(body)) {
    out.status = 500;
    out.error = "EOF";
    return out;
  }
  json::parse_options po;
  po.max_depth = 16;
  po.allow_invalid_utf8 = true;  // Go's decoder replaces invalid UTF-8 instead of failing
  json::stream_parser p(json::storage_ptr{}, po);
  error_code ec;
  p.write_some(body.data(), body.size(), ec);
  if (ec) {
    out.status = 400;
    out.error = "invalid JSON: " + ec.message();
    return out;
  }
  if (!p.done()) {
    out.status = 500;
    out.error = "unexpected EOF";
    return out;
  }
  const json::value v = p.release();
  if (v.is_null()) return out;  // entries stays nullopt: Go's nil slice
  if (!v.is_array()) {
    out.status = 500;
    out.error = "json: cannot unmarshal into Go value of type []*transport.SignedEntry";
    return out;
  }
  if (v.as_array().size() > max_entries_per_request) {
    out.status = 400;
    out.error = "too many entries";
    return out;
  }
  std::vector<wt::signed_entry> list;
  for (const auto& item : v.as_array()) {
    if (!item.is_object()) {
      out.status = 500;
      out.error = item.is_null() ? "null entry" : "json: cannot unmarshal into Go value of type transport.SignedEntry";
      return out;
    }
    const std::string text = json::serialize(item);
    auto se = wt::parse_signed_entry(text);
    if (!se) {
      out.status = 500;
      out.error = se.error().message();
      return out;
    }
    if (!se->entry) {
      out.status = 500;
      out.error = "null entry";
      return out;
    }
    list.push_back(std::move(*se));
  }
  out.entries = std::move(list);
  return out;
}

api::api(store& db, httpauth::nonce_store& nonces, const base::clock& clock, base::logger log, api_options options)
    : db_(db), nonces_(nonces), log_(std::move(log)), opt_(std::move(options)),
      started_at_(wire::json::format_go_time(base::unix_nanos(clock.wall_now()))) {
  // Handlers are plain lambdas returning the member coroutines' awaitables; `this` outlives them.
  auto& r = router_;
  r.add_async(http_method::post, std::string(transports_prefix),
              httpauth::with_auth(nonces_, log_, [this](const http_request& q, crypto::public_key pk) {
                return register_transports(q, pk);
              }));
  // chi matches /transports/id:{id} and /transports/edge:{edge} before its auth middleware runs:
  // a path of another shape is a plain 404 without any header check.
  auto authed_get = httpauth::with_auth(nonces_, log_, [this](const http_request& q, crypto::public_key) {
    const std::string_view seg = *one_segment(q.path, transports_prefix);
    if (seg.starts_with(id_prefix)) return get_by_id(std::string(seg.substr(id_prefix.size())));
    return get_by_edge(std::string(seg.substr(edge_prefix.size())));
  });
  r.add_prefix_async(http_method::get, std::string(transports_prefix), [authed_get](const http_request& q) {
    auto seg = one_segment(q.path, transports_prefix);
    if (!seg || !(seg->starts_with(id_prefix) || seg->starts_with(edge_prefix))) return ready(net::not_found_reply());
    return authed_get(q);
  });
  auto authed_delete = httpauth::with_auth(nonces_, log_, [this](const http_request& q, crypto::public_key pk) {
    return delete_transport(std::string(one_segment(q.path, transports_prefix)->substr(id_prefix.size())), pk);
  });
  r.add_prefix_async(http_method::delete_, std::string(transports_prefix),
                     [this, authed_delete](const http_request& q) {
                       auto seg = one_segment(q.path, transports_prefix);
                       if (seg && *seg == "deregister") return deregister(q);
                       if (!seg || !seg->starts_with(id_prefix)) return ready(net::not_found_reply());
                       return authed_delete(q);
                     });
  r.add_async(http_method::get, "/all-transports", [this](const http_request&) { return all_transports(); });
  r.add(http_method::post, "/statuses", [](const http_request&) { return net::empty_reply(410); });
  auto nonce = httpauth::nonce_handler(nonces_);
  r.add_prefix_async(http_method::get, std::string(disc::httpauth::nonces_path), [nonce](const http_request& q) {
    auto seg = one_segment(q.path, disc::httpauth::nonces_path);
    if (!seg || seg->empty()) return ready(net::not_found_reply());
    return nonce(q);
  });
  r.add(http_method::get, "/health", [this](const http_request&) { return health(); });
}

asio::awaitable<http_reply> api::handle(const http_request& req) const {
  auto op = router_.route_async(req);
  co_return co_await std::move(op);
}

asio::awaitable<std::optional<http_reply>> api::register_transports(const http_request& req,
                                                                    crypto::public_key caller) const {
  auto decoded = decode_signed_entries(req.body);
  if (decoded.status != 0) {
    log_->warn("POST /transports/ from {}: {} ({})", caller.to_hex(), decoded.error, decoded.status);
    co_return error_json(decoded.status, decoded.error);
  }
  if (!decoded.entries) co_return json_reply(201, "null");
  std::string echo = "[";
  bool first = true;
  for (const auto& se : *decoded.entries) {
    auto op = db_.register_transport(*se.entry);
    auto stored = co_await std::move(op);
    if (!stored) {
      log_->error("Failed to register transport {}: {}", se.entry->id.to_string(), stored.error().message());
      co_return error_json(500, stored.error().message());
    }
    log_->debug("Registered transport {} ({}) for {}", se.entry->id.to_string(), se.entry->type, caller.to_hex());
    if (!first) echo += ',';
    first = false;
    echo += wt::to_json(se);
  }
  echo += ']';
  co_return json_reply(201, std::move(echo));
}

asio::awaitable<std::optional<http_reply>> api::get_by_id(std::string id_text) const {
  auto id = wt::uuid::from_text(id_text);
  if (!id) co_return error_json(400, text_invalid_id);
  auto op = db_.get_by_id(*id);
  auto found = co_await std::move(op);
  if (!found) co_return error_json(500, found.error().message());
  if (!*found) co_return error_json(404, text_not_found);
  co_return json_reply(200, wt::to_json(**found));
}

asio::awaitable<std::optional<http_reply>> api::get_by_edge(std::string pk_text) const {
  auto pk = httpauth::parse_public_key(pk_text);
  if (!pk.ok()) co_return error_json(400, text_invalid_pk);
  auto op = db_.get_by_edge(pk.value);
  auto found = co_await std::move(op);
  if (!found) co_return error_json(500, found.error().message());
  co_return json_reply(200, entries_json(*found));
}

asio::awaitable<std::optional<http_reply>> api::delete_transport(std::string id_text,
                                                                 crypto::public_key caller) const {
  auto id = wt::uuid::from_text(id_text);
  if (!id) co_return error_json(400, text_invalid_id);
  auto get = db_.get_by_id(*id);
  auto found = co_await std::move(get);
  if (!found) co_return error_json(500, found.error().message());
  if (!*found) co_return error_json(404, text_not_found);
  if (!wt::edge_index(**found, caller)) {
    log_->warn("DELETE /transports/id:{} by {}: not an edge", id_text, caller.to_hex());
    co_return error_json(400, text_invalid_id);  // Go's answer when the caller is not an edge
  }
  auto del = db_.deregister_transport(*id);
  auto removed = co_await std::move(del);
  if (!removed) co_return error_json(500, removed.error().message());
  if (!*removed) co_return error_json(404, text_not_found);
  log_->debug("Deleted transport {} by {}", id_text, caller.to_hex());
  co_return json_reply(200, "\"transport deleted\"");
}

asio::awaitable<http_reply> api::all_transports() const {
  auto op = db_.all();
  auto found = co_await std::move(op);
  if (!found) co_return error_json(500, found.error().message());
  co_return json_reply(200, entries_json(*found));
}

asio::awaitable<http_reply> api::deregister(const http_request& req) const {
  log_->info("Deregistration process started.");
  if (auto refused = httpauth::refuse_network_monitor(req, opt_.nm_whitelist, log_)) co_return std::move(*refused);
  auto listed = httpauth::parse_deregister_list(req.body);
  if (!listed) co_return net::empty_reply(400);
  std::vector<transport_id> ids;
  for (const auto& text : *listed) {
    auto id = wt::uuid::from_text(text);
    if (!id) co_return net::empty_reply(400);
    ids.push_back(*id);
  }
  for (const auto& id : ids) {
    auto op = db_.deregister_transport(id);
    auto done = co_await std::move(op);
    if (!done) co_return net::empty_reply(500);
  }
  log_->info("Deregistration process completed: {} transports", ids.size());
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

}  // namespace skywire::svc::transport_discovery
