#include "skywire/visor/api.hpp"

#include <algorithm>
#include <charconv>
#include <variant>
#include <sstream>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "skywire/disc/rf_client.hpp"
#include "skywire/visor/api_json.hpp"
#include "skywire/visor/visor.hpp"

namespace skywire::visor {

namespace asio = boost::asio;
namespace json = boost::json;
using net::http_method;
using net::http_reply;
using net::http_request;

namespace {

constexpr std::string_view prefix = "/api/v1";
// An add_transport without "timeout_seconds" waits this long per type tried: room for sudph's
// hole punching (Go's RPC client allows AddTransport a minute in all).
constexpr std::uint64_t default_timeout_seconds = 30;
constexpr std::uint64_t max_timeout_seconds = 600;

http_reply json_reply(unsigned status, const json::value& v) {
  http_reply r;
  r.status = status;
  r.body = json::serialize(v) + "\n";
  return r;
}

http_reply error_reply(unsigned status, std::string_view text) {
  return json_reply(status, json::object{{"error", text}});
}

// Comma-separated list from a query parameter ("" or absent = empty).
std::vector<std::string> list_param(const http_request& r, std::string_view key) {
  std::vector<std::string> out;
  auto v = r.query_param(key);
  if (!v) return out;
  std::stringstream ss(*v);
  for (std::string item; std::getline(ss, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::string_view tail(const http_request& r, std::string_view route) {
  return std::string_view(r.path).substr(route.size());
}

// The request body as a JSON object, or the 400 reply saying it is not one.
std::variant<json::object, http_reply> body_object(const http_request& r) {
  error_code ec;
  auto body = json::parse(r.body, ec);
  if (ec || !body.is_object()) return error_reply(400, "body: expected a JSON object");
  return std::move(body.get_object());
}

// The body's public key under `key`, or the 400 reply naming that field.
std::variant<crypto::public_key, http_reply> body_pk(const json::object& o, std::string_view key) {
  const std::string field(key);
  const auto* pk_v = o.if_contains(key);
  if (!pk_v || !pk_v->is_string()) return error_reply(400, field + ": missing");
  auto pk = crypto::public_key::from_text(pk_v->get_string());
  if (!pk || pk->is_null()) return error_reply(400, field + ": not a public key");
  return *pk;
}

asio::awaitable<http_reply> get_info(visor& v, const http_request&) { co_return json_reply(200, to_json(v.info())); }

asio::awaitable<http_reply> get_types(visor& v, const http_request&) {
  json::array a;
  for (const auto& t : v.transports().types()) a.emplace_back(t);
  co_return json_reply(200, a);
}

asio::awaitable<http_reply> list_transports(visor& v, const http_request& r) {
  const auto types = list_param(r, "types");
  std::vector<crypto::public_key> pks;
  for (const auto& text : list_param(r, "pks")) {
    auto pk = crypto::public_key::from_text(text);
    if (!pk || pk->is_null()) co_return error_reply(400, "pks: '" + text + "' is not a public key");
    pks.push_back(*pk);
  }
  json::array out;
  for (const auto& t : v.transports().transports()) {
    if (!types.empty() && std::find(types.begin(), types.end(), t.type) == types.end()) continue;
    if (!pks.empty() && std::find(pks.begin(), pks.end(), t.remote_pk) == pks.end()) continue;
    out.push_back(to_json(t));
  }
  co_return json_reply(200, out);
}

asio::awaitable<http_reply> get_transport(visor& v, const http_request& r) {
  auto id = wire::transport::uuid::from_text(tail(r, "/api/v1/transports/"));
  if (!id) co_return error_reply(400, "transport id: not a UUID");
  auto t = v.transports().find(*id);
  if (!t) co_return error_reply(404, "transport not found");
  co_return json_reply(200, to_json(*t));
}

asio::awaitable<http_reply> add_transport(visor& v, const http_request& r) {
  auto body = body_object(r);
  if (auto* reply = std::get_if<http_reply>(&body)) co_return *reply;
  const auto& o = std::get<json::object>(body);
  auto remote = body_pk(o, "remote_pk");
  if (auto* reply = std::get_if<http_reply>(&remote)) co_return *reply;
  const auto* pk = &std::get<crypto::public_key>(remote);
  if (*pk == v.info().pk) co_return error_reply(400, "remote_pk: that is this visor's own key");
  std::string type;
  if (const auto* t = o.if_contains("type"); t && !t->is_null()) {
    if (!t->is_string()) co_return error_reply(400, "type: expected a string");
    type = std::string(t->get_string());
    const auto types = v.transports().types();
    if (!type.empty() && std::find(types.begin(), types.end(), type) == types.end()) {
      co_return error_reply(400, "type: this visor has no '" + type + "' transports");
    }
  }
  std::uint64_t timeout = default_timeout_seconds;
  if (const auto* t = o.if_contains("timeout_seconds"); t && !t->is_null()) {
    if (t->is_uint64()) timeout = t->get_uint64();
    else if (t->is_int64() && t->get_int64() > 0) timeout = static_cast<std::uint64_t>(t->get_int64());
    else co_return error_reply(400, "timeout_seconds: expected a positive integer");
    if (timeout == 0 || timeout > max_timeout_seconds) co_return error_reply(400, "timeout_seconds: 1 to 600");
  }
  auto added = co_await v.add_transport(*pk, std::move(type), std::chrono::seconds(timeout));
  if (!added) co_return error_reply(502, added.error().message());
  co_return json_reply(201, to_json(*added));
}

asio::awaitable<http_reply> remove_transport(visor& v, const http_request& r) {
  auto id = wire::transport::uuid::from_text(tail(r, "/api/v1/transports/"));
  if (!id) co_return error_reply(400, "transport id: not a UUID");
  auto removed = co_await v.transports().remove_transport(*id);
  if (!removed) co_return error_reply(404, removed.error().message());
  co_return json_reply(200, json::object{{"removed", json::array{id->to_string()}}});
}

asio::awaitable<http_reply> remove_all(visor& v, const http_request&) {
  json::array removed;
  for (const auto& t : v.transports().transports()) {
    if (co_await v.transports().remove_transport(t.id)) removed.emplace_back(t.id.to_string());
  }
  co_return json_reply(200, json::object{{"removed", std::move(removed)}});
}

asio::awaitable<http_reply> discover(visor& v, const http_request& r) {
  const auto pk_text = r.query_param("pk");
  const auto id_text = r.query_param("id");
  if (pk_text.has_value() == id_text.has_value()) co_return error_reply(400, "give exactly one of pk= or id=");
  if (pk_text) {
    auto pk = crypto::public_key::from_text(*pk_text);
    if (!pk || pk->is_null()) co_return error_reply(400, "pk: not a public key");
    auto entries = co_await v.discover_by_edge(*pk);
    if (!entries) co_return error_reply(502, entries.error().message());
    json::array out;
    for (const auto& e : *entries) out.push_back(entry_to_json(e));
    co_return json_reply(200, out);
  }
  auto id = wire::transport::uuid::from_text(*id_text);
  if (!id) co_return error_reply(400, "id: not a UUID");
  auto entry = co_await v.discover_by_id(*id);
  if (!entry) co_return error_reply(502, entry.error().message());
  co_return json_reply(200, json::array{entry_to_json(*entry)});
}

asio::awaitable<http_reply> get_persistent(visor& v, const http_request&) {
  json::array out;
  for (const auto& p : v.transports().persistent()) out.push_back(json::object{{"pk", p.pk.to_hex()}, {"type", p.type}});
  co_return json_reply(200, out);
}

// --- routing ---------------------------------------------------------------------------------

asio::awaitable<http_reply> list_rules(visor& v, const http_request&) {
  json::array out;
  for (const auto& r : v.routes().rules()) out.push_back(rule_to_json(r));
  co_return json_reply(200, out);
}

// The route id at the end of /api/v1/routes/{id}; 0 when it is not a positive integer.
routing::route_id route_id_of(const http_request& r) {
  const auto text = tail(r, "/api/v1/routes/");
  routing::route_id id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  return ec != std::errc{} || end != text.data() + text.size() ? 0 : id;
}

asio::awaitable<http_reply> get_rule(visor& v, const http_request& r) {
  const auto id = route_id_of(r);
  if (id == 0) co_return error_reply(400, "route id: expected a positive integer");
  for (const auto& rule : v.routes().rules()) {
    if (rule.key_route_id == id) co_return json_reply(200, rule_to_json(rule));
  }
  co_return error_reply(404, "rule not found");
}

asio::awaitable<http_reply> add_rule(visor& v, const http_request& r) {
  auto body = body_object(r);
  if (auto* reply = std::get_if<http_reply>(&body)) co_return *reply;
  std::string bad;
  auto rule = rule_from_json(json::value(std::move(std::get<json::object>(body))), &bad);
  if (!rule) co_return error_reply(400, (bad.empty() ? "rule" : bad) + ": missing or out of range");
  auto saved = v.routes().add_rule(*rule);
  if (!saved) co_return error_reply(409, saved.error().message());
  co_return json_reply(201, rule_to_json(*saved));
}

asio::awaitable<http_reply> remove_rule(visor& v, const http_request& r) {
  const auto id = route_id_of(r);
  if (id == 0) co_return error_reply(400, "route id: expected a positive integer");
  if (auto removed = v.routes().remove_rule(id); !removed) co_return error_reply(404, removed.error().message());
  co_return json_reply(200, json::object{{"removed", json::array{id}}});
}

asio::awaitable<http_reply> remove_all_rules(visor& v, const http_request&) {
  json::array removed;
  for (const auto& rule : v.routes().rules()) {
    if (v.routes().remove_rule(rule.key_route_id)) removed.emplace_back(rule.key_route_id);
  }
  co_return json_reply(200, json::object{{"removed", std::move(removed)}});
}

asio::awaitable<http_reply> list_groups(visor& v, const http_request&) {
  json::array out;
  for (const auto& g : v.routes().route_groups()) out.push_back(to_json(g));
  co_return json_reply(200, out);
}

// An optional unsigned field of a request body, within [lo, hi]; `def` when absent.
result<std::uint64_t> body_uint(const json::object& o, std::string_view key, std::uint64_t def, std::uint64_t lo,
                                std::uint64_t hi) {
  const auto* f = o.if_contains(key);
  if (!f || f->is_null()) return def;
  std::uint64_t n = 0;
  if (f->is_uint64()) n = f->get_uint64();
  else if (f->is_int64() && f->get_int64() >= 0) n = static_cast<std::uint64_t>(f->get_int64());
  else return make_error_code(boost::system::errc::invalid_argument);
  if (n < lo || n > hi) return make_error_code(boost::system::errc::result_out_of_range);
  return n;
}


asio::awaitable<http_reply> find_routes(visor& v, const http_request& r) {
  auto body = body_object(r);
  if (auto* reply = std::get_if<http_reply>(&body)) co_return *reply;
  const auto& o = std::get<json::object>(body);
  auto pk = body_pk(o, "pk");
  if (auto* reply = std::get_if<http_reply>(&pk)) co_return *reply;
  auto min = body_uint(o, "min_hops", 0, 0, 50);
  auto max = body_uint(o, "max_hops", 50, 1, 50);
  if (!min || !max || *min > *max) co_return error_reply(400, "min_hops/max_hops: 0 ≤ min_hops ≤ max_hops ≤ 50");
  const disc::rf_options opts{.min_hops = static_cast<std::uint16_t>(*min), .max_hops = static_cast<std::uint16_t>(*max)};
  auto find = v.find_routes(std::get<crypto::public_key>(pk), opts);  // named first: g++ 12
  auto routes = co_await std::move(find);
  if (!routes) co_return error_reply(502, routes.error().message());
  co_return json_reply(200, json::parse(disc::rf_routes_json(*routes)));
}

asio::awaitable<http_reply> ping(visor& v, const http_request& r) {
  auto body = body_object(r);
  if (auto* reply = std::get_if<http_reply>(&body)) co_return *reply;
  const auto& o = std::get<json::object>(body);
  auto pk = body_pk(o, "pk");
  if (auto* reply = std::get_if<http_reply>(&pk)) co_return *reply;
  if (std::get<crypto::public_key>(pk) == v.info().pk) co_return error_reply(400, "pk: that is this visor's own key");
  auto tries = body_uint(o, "tries", 1, 1, 100);
  auto size = body_uint(o, "size", 2048, 1, 1024 * 1024);
  auto min = body_uint(o, "min_hops", 0, 0, 50);
  auto max = body_uint(o, "max_hops", 0, 0, 50);
  if (!tries) co_return error_reply(400, "tries: 1 to 100");
  if (!size) co_return error_reply(400, "size: 1 to 1048576 bytes");
  if (!min || !max || (*max != 0 && *min > *max)) co_return error_reply(400, "min_hops/max_hops: 0 ≤ min_hops ≤ max_hops ≤ 50");
  router::ping_options opts{.tries = static_cast<unsigned>(*tries),
                            .payload_bytes = static_cast<std::size_t>(*size),
                            .min_hops = static_cast<std::uint16_t>(*min),
                            .max_hops = static_cast<std::uint16_t>(*max)};
  auto pinging = v.ping(std::get<crypto::public_key>(pk), opts);
  auto results = co_await std::move(pinging);
  if (!results) co_return error_reply(502, results.error().message());
  json::array tries_out;
  double min_ms = 0, max_ms = 0, sum_ms = 0;
  std::uint64_t bytes = 0;
  std::chrono::microseconds total{0};
  for (const auto& t : *results) {
    const double ms = static_cast<double>(t.latency.count()) / 1000.0;
    tries_out.push_back(json::object{{"latency_ms", ms}, {"bytes", t.bytes}, {"throughput_bps", t.throughput}});
    min_ms = tries_out.size() == 1 ? ms : std::min(min_ms, ms);
    max_ms = std::max(max_ms, ms);
    sum_ms += ms;
    bytes += t.bytes;
    total += t.latency;
  }
  const double n = results->empty() ? 1.0 : static_cast<double>(results->size());
  const double kib_s = total.count() > 0 ? static_cast<double>(bytes) / 1024.0 / (static_cast<double>(total.count()) / 1e6) : 0.0;
  co_return json_reply(200, json::object{{"pk", std::get<crypto::public_key>(pk).to_hex()},
                                         {"tries", std::move(tries_out)},
                                         {"min_ms", min_ms},
                                         {"avg_ms", sum_ms / n},
                                         {"max_ms", max_ms},
                                         {"throughput_kib_s", kib_s}});
}

asio::awaitable<http_reply> health(visor&, const http_request&) {
  co_return json_reply(200, json::object{{"status", "ok"}});
}

using route_fn = asio::awaitable<http_reply> (*)(visor&, const http_request&);

}  // namespace

net::http_async_handler make_api_handler(visor& v) {
  auto router = std::make_shared<net::http_router>();
  // Plain (non-coroutine) lambdas: the coroutine is the named function, whose frame owns its
  // parameters, so nothing points into a closure.
  const auto bind = [&v](route_fn f) { return [&v, f](const http_request& r) { return f(v, r); }; };
  const std::string p(prefix);
  router->add_async(http_method::get, p + "/health", bind(health));
  router->add_async(http_method::get, p + "/info", bind(get_info));
  router->add_async(http_method::get, p + "/transport-types", bind(get_types));
  router->add_async(http_method::get, p + "/transports", bind(list_transports));
  router->add_async(http_method::post, p + "/transports", bind(add_transport));
  router->add_async(http_method::delete_, p + "/transports", bind(remove_all));
  router->add_prefix_async(http_method::get, p + "/transports/", bind(get_transport));
  router->add_prefix_async(http_method::delete_, p + "/transports/", bind(remove_transport));
  router->add_async(http_method::get, p + "/discovery/transports", bind(discover));
  router->add_async(http_method::get, p + "/persistent-transports", bind(get_persistent));
  router->add_async(http_method::get, p + "/routes", bind(list_rules));
  router->add_async(http_method::delete_, p + "/routes", bind(remove_all_rules));
  router->add_async(http_method::post, p + "/routes", bind(add_rule));
  router->add_async(http_method::post, p + "/routes/find", bind(find_routes));
  router->add_prefix_async(http_method::get, p + "/routes/", bind(get_rule));
  router->add_prefix_async(http_method::delete_, p + "/routes/", bind(remove_rule));
  router->add_async(http_method::get, p + "/route-groups", bind(list_groups));
  router->add_async(http_method::post, p + "/ping", bind(ping));
  return [router](const http_request& r) { return router->route_async(r); };
}

}  // namespace skywire::visor
