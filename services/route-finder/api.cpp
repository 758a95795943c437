#include "api.hpp"

#include "skywire/wire/json/go_time.hpp"
#include "skywire/wire/json/writer.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <utility>

namespace skywire::svc::route_finder {

namespace asio = boost::asio;
namespace json = boost::json;
using net::http_method;
using net::http_reply;
using net::http_request;

namespace {

// Go's encoding/json field match (ASCII folding).
bool key_is(std::string_view key, std::string_view name) noexcept {
  return std::equal(key.begin(), key.end(), name.begin(), name.end(), [](char a, char b) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return lower(a) == lower(b);
  });
}

// A JSON number that fits Go's uint16 (integers only, as Go's decoder).
std::optional<std::uint16_t> get_uint16(const json::value& v) {
  if (v.is_uint64() && v.get_uint64() <= 0xffff) return static_cast<std::uint16_t>(v.get_uint64());
  if (v.is_int64() && v.get_int64() >= 0 && v.get_int64() <= 0xffff) return static_cast<std::uint16_t>(v.get_int64());
  return std::nullopt;
}

decoded_request fail(std::string text) {
  decoded_request d;
  d.status = 400;
  d.error = std::move(text);
  return d;
}

http_reply json_reply(unsigned status, std::string body) {
  http_reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace

decoded_request decode_find_routes(std::string_view body, std::size_t max_edges) {
  json::parse_options po;
  po.max_depth = 16;               // the request nests 2 deep; room for unknown keys
  po.allow_invalid_utf8 = true;    // Go's decoder replaces invalid UTF-8 instead of failing
  boost::system::error_code ec;
  const json::value v = json::parse(body, ec, json::storage_ptr{}, po);
  if (ec) return fail("invalid JSON: " + ec.message());
  decoded_request out;
  if (v.is_null()) return out;  // json.Unmarshal of null leaves the zero request
  if (!v.is_object()) return fail("json: cannot unmarshal into Go value of type rfclient.FindRoutesRequest");
  for (const auto& m : v.as_object()) {
    const json::value& f = m.value();
    if (key_is(m.key(), "Edges")) {
      out.edges.clear();  // a later "Edges" replaces the earlier list, as Go's slice decoding
      if (f.is_null()) continue;
      if (!f.is_array()) return fail("json: cannot unmarshal into Go struct field FindRoutesRequest.Edges");
      for (const auto& item : f.as_array()) {
        disc::rf_edge edge;  // null: the zero PathEdges (two null keys), as in Go
        if (!item.is_null()) {
          if (!item.is_string()) return fail("json: cannot unmarshal into Go value of type routing.PathEdges");
          auto parsed = disc::parse_rf_edge(item.as_string());
          if (!parsed) return fail("invalid edge \"" + std::string(item.as_string().subview(0, 200)) + "\": " +
                                   parsed.error().message());
          edge = *parsed;
        }
        if (std::find(out.edges.begin(), out.edges.end(), edge) != out.edges.end()) continue;
        if (out.edges.size() == max_edges) return fail("too many edges (at most " + std::to_string(max_edges) + ")");
        out.edges.push_back(edge);
      }
    } else if (key_is(m.key(), "Opts")) {
      if (f.is_null()) {
        out.opts.reset();
        continue;
      }
      if (!f.is_object()) return fail("json: cannot unmarshal into Go struct field FindRoutesRequest.Opts");
      // Go decodes a repeated "Opts" into the same *RouteOptions: fields merge.
      disc::rf_options o = out.opts.value_or(disc::rf_options{0, 0});
      for (const auto& field : f.as_object()) {
        const bool min = key_is(field.key(), "MinHops");
        if (!min && !key_is(field.key(), "MaxHops")) continue;
        if (field.value().is_null()) continue;
        auto n = get_uint16(field.value());
        if (!n) return fail(std::string("json: cannot unmarshal into Go struct field RouteOptions.Opts.") +
                            (min ? "MinHops" : "MaxHops") + " of type uint16");
        (min ? o.min_hops : o.max_hops) = *n;
      }
      out.opts = o;
    }
  }
  return out;
}

http_reply error_reply(unsigned status, std::string_view message) {
  wire::json::writer w{wire::json::dialect::go_json};
  w.begin_object();
  w.key("error").begin_object();
  w.key("message").string(message);
  w.key("code").uint64(status);
  w.end_object();
  w.end_object();
  return json_reply(status, std::move(w).take());
}

api::api(transport_source& source, const base::clock& clock, base::logger log, api_options options)
    : source_(source), log_(std::move(log)), opt_(std::move(options)),
      started_at_(wire::json::format_go_time(base::unix_nanos(clock.wall_now()))) {
  // Handlers are plain lambdas returning the member coroutines' awaitables; `this` outlives them.
  router_.add_async(http_method::post, "/routes", [this](const http_request& q) { return find_routes(q); });
  router_.add(http_method::get, "/health", [this](const http_request&) { return health(); });
}

asio::awaitable<http_reply> api::handle(const http_request& req) const {
  auto op = router_.route_async(req);
  co_return co_await std::move(op);
}

asio::awaitable<http_reply> api::find_routes(const http_request& req) const {
  auto d = decode_find_routes(req.body, opt_.max_edges);
  if (d.status != 0) {
    log_->warn("POST /routes from {}: {} ({})", req.remote, d.error, d.status);
    co_return error_reply(d.status, d.error);
  }
  if (d.edges.empty()) co_return json_reply(200, "{}");
  auto op = source_.current();
  auto g = co_await std::move(op);
  if (!g) {
    log_->warn("POST /routes from {}: no graph: {}", req.remote, g.error().message());
    co_return error_reply(500, g.error().message());
  }
  const graph& network = **g;
  // Go builds every source's graph before searching any edge: a source without transports
  // answers first, whatever the edges before it.
  for (const auto& [src, dst] : d.edges) {
    if (!network.contains(src)) {
      log_->debug("POST /routes: {} has no transports", src.to_hex());
      co_return error_reply(404, make_error_code(errc::no_transports).message());
    }
  }
  disc::rf_options opts = d.opts.value_or(disc::rf_options{0, 0});
  opts.max_hops = static_cast<std::uint16_t>(std::min<std::size_t>(opts.max_hops, disc::max_rf_hops));
  disc::rf_routes routes;
  for (const auto& edge : d.edges) {
    auto paths = network.shortest(edge.first, edge.second, opts, disc::max_rf_paths);
    if (!paths) {
      log_->debug("POST /routes: {}: {}", disc::rf_edge_text(edge), paths.error().message());
      co_return error_reply(404, paths.error().message());
    }
    routes.emplace(edge, std::move(*paths));
  }
  log_->debug("POST /routes from {}: {} edges answered", req.remote, routes.size());
  co_return json_reply(200, disc::rf_routes_json(routes));
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

}  // namespace skywire::svc::route_finder
