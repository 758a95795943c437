#include "skywire/disc/rf_client.hpp"

#include "skywire/disc/detail/service_reply.hpp"
#include "skywire/disc/errc.hpp"
#include "skywire/disc/httpauth_client.hpp"
#include "skywire/wire/errc.hpp"
#include "skywire/wire/json/writer.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <set>

namespace skywire::disc {

namespace asio = boost::asio;
namespace json = boost::json;
namespace wt = wire::transport;

namespace {

constexpr std::size_t pk_hex_size = 2 * crypto::public_key::size;

// Go's encoding/json field match: exact or ASCII case-insensitive (Go also folds U+212A and
// U+017F, which no encoder of these field names produces).
bool key_is(std::string_view key, std::string_view name) noexcept {
  return std::equal(key.begin(), key.end(), name.begin(), name.end(), [](char a, char b) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return lower(a) == lower(b);
  });
}

// One Hop object. Go: a null hop is the zero Hop (which check_rf_path then refuses).
result<rf_hop> parse_hop(const json::value& v) {
  rf_hop h;
  if (v.is_null()) return h;
  if (!v.is_object()) return errc::bad_response;
  for (const auto& m : v.as_object()) {
    const std::string_view k = m.key();
    const bool tp = key_is(k, "TpID");
    const bool from = key_is(k, "From");
    const bool to = key_is(k, "To");
    if (!tp && !from && !to) continue;  // unknown keys are ignored, as Go does
    if (m.value().is_null()) continue;  // null leaves the zero value
    if (!m.value().is_string()) return errc::bad_response;
    const std::string_view text = m.value().as_string();
    if (tp) {
      auto id = wt::uuid::from_text(text);
      if (!id) return errc::bad_response;
      h.tp_id = *id;
    } else {
      auto pk = crypto::public_key::from_text(text);
      if (!pk) return errc::bad_response;
      (from ? h.from : h.to) = *pk;
    }
  }
  return h;
}

result<std::vector<rf_path>> parse_paths(const json::value& v) {
  std::vector<rf_path> paths;
  if (v.is_null()) return paths;
  if (!v.is_array() || v.as_array().size() > max_rf_paths) return errc::bad_response;
  for (const auto& p : v.as_array()) {
    rf_path path;
    if (!p.is_null()) {
      if (!p.is_array() || p.as_array().size() > max_rf_hops) return errc::bad_response;
      path.reserve(p.as_array().size());
      for (const auto& h : p.as_array()) {
        auto hop = parse_hop(h);
        if (!hop) return hop.error();
        path.push_back(*hop);
      }
    }
    paths.push_back(std::move(path));
  }
  return paths;
}

bool retryable(const error_code& ec) {
  return ec != errc::no_route && ec != boost::system::errc::invalid_argument;
}

}  // namespace

std::string rf_edge_text(const rf_edge& e) { return e.first.to_hex() + ":" + e.second.to_hex(); }

result<rf_edge> parse_rf_edge(std::string_view text) {
  if (text.size() < pk_hex_size + 1) return wire::errc::invalid_value;
  auto src = crypto::public_key::from_text(text.substr(0, pk_hex_size));
  if (!src) return src.error();
  auto dst = crypto::public_key::from_text(text.substr(pk_hex_size + 1));
  if (!dst) return dst.error();
  return rf_edge{*src, *dst};
}

std::string rf_request_json(const std::vector<rf_edge>& edges, const std::optional<rf_options>& opts) {
  wire::json::writer w{wire::json::dialect::go_json};
  w.begin_object();
  w.key("Edges");
  if (edges.empty()) {
    w.null();  // Go marshals a nil slice as null (an empty one as [], which means the same)
  } else {
    w.begin_array();
    for (const auto& e : edges) w.string(rf_edge_text(e));
    w.end_array();
  }
  w.key("Opts");
  if (opts) {
    w.begin_object();
    w.key("MinHops").uint64(opts->min_hops);
    w.key("MaxHops").uint64(opts->max_hops);
    w.end_object();
  } else {
    w.null();
  }
  w.end_object();
  return std::move(w).take();
}

std::string rf_routes_json(const rf_routes& routes) {
  wire::json::writer w{wire::json::dialect::go_json};
  w.begin_object();
  for (const auto& [edge, paths] : routes) {
    w.key(rf_edge_text(edge)).begin_array();
    for (const auto& p : paths) {
      w.begin_array();
      for (const auto& h : p) {
        w.begin_object();
        w.key("TpID").string(h.tp_id.to_string());
        w.key("From").string(h.from.to_hex());
        w.key("To").string(h.to.to_hex());
        w.end_object();
      }
      w.end_array();
    }
    w.end_array();
  }
  w.end_object();
  return std::move(w).take();
}

result<rf_routes> parse_rf_routes(std::string_view body) {
  // object → paths → path → hop: four levels; one more lets a hop carry a nested unknown value.
  auto v = detail::parse_bounded(body, 5);
  if (!v) return errc::bad_response;
  rf_routes out;
  if (v->is_null()) return out;
  if (!v->is_object() || v->as_object().size() > max_rf_edges) return errc::bad_response;
  for (const auto& m : v->as_object()) {
    auto edge = parse_rf_edge(m.key());
    if (!edge) return errc::bad_response;
    auto paths = parse_paths(m.value());
    if (!paths) return paths.error();
    out[*edge] = std::move(*paths);  // a repeated key: the later one wins, as in Go
  }
  return out;
}

result<void> check_rf_path(const rf_path& p, const rf_edge& edge) {
  const auto& [src, dst] = edge;
  if (p.empty() || p.size() > max_rf_hops) return errc::bad_route;
  if (p.front().from != src || p.back().to != dst) return errc::bad_route;
  // Keys visited in order: src, then each hop's `to`. All distinct, except a loop's final `to`.
  std::set<crypto::public_key> seen{src};
  for (std::size_t i = 0; i < p.size(); ++i) {
    const rf_hop& h = p[i];
    if (h.tp_id.is_nil() || h.from.is_null() || h.to.is_null() || h.from == h.to) return errc::bad_route;
    if (i > 0 && p[i - 1].to != h.from) return errc::bad_route;
    const bool closes_loop = i + 1 == p.size() && src == dst;
    if (!seen.insert(h.to).second && !closes_loop) return errc::bad_route;
  }
  return {};
}

rf_client::rf_client(std::shared_ptr<net::http_client> http, std::string base_url)
    : http_(std::move(http)), base_url_(sanitize_base_url(base_url)) {}

asio::awaitable<result<rf_routes>> rf_client::find_routes(std::vector<rf_edge> edges, rf_options opts) {
  // Distinct edges, in the caller's order (the order only shapes the request body).
  std::vector<rf_edge> asked;
  for (const auto& e : edges) {
    if (e.first.is_null() || e.second.is_null()) co_return make_error_code(boost::system::errc::invalid_argument);
    if (std::find(asked.begin(), asked.end(), e) == asked.end()) asked.push_back(e);
  }
  if (asked.size() > max_rf_edges) co_return make_error_code(boost::system::errc::invalid_argument);
  if (asked.empty()) co_return rf_routes{};

  std::string url = base_url_ + "/routes";
  std::string body = rf_request_json(asked, opts);
  net::http_headers headers{{"Content-Type", "application/json"}};
  auto op = http_->request(net::http_method::post, std::move(url), std::move(body), std::move(headers));
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  if (r->status == 404) co_return error_code(errc::no_route);
  if (r->status != 200) {
    last_error_ = detail::rejection_text(r->status, r->body);
    co_return error_code(errc::rejected);
  }
  auto routes = parse_rf_routes(r->body);
  if (!routes) co_return routes.error();
  if (routes->size() != asked.size()) co_return error_code(errc::bad_response);
  const std::size_t max_len = std::min<std::size_t>(opts.max_hops, max_rf_hops);
  for (const auto& e : asked) {
    auto it = routes->find(e);
    if (it == routes->end() || it->second.empty()) co_return error_code(errc::bad_response);
    for (const auto& p : it->second) {
      if (p.size() < opts.min_hops || p.size() > max_len) co_return error_code(errc::bad_route);
      if (auto ok = check_rf_path(p, e); !ok) co_return ok.error();
    }
  }
  co_return std::move(*routes);
}

asio::awaitable<result<rf_route_pair>> rf_client::find_route_pair(crypto::public_key src, crypto::public_key dst,
                                                                  rf_options opts) {
  auto op = find_route_pair(src, dst, opts, rf_retry{});
  co_return co_await std::move(op);
}

asio::awaitable<result<rf_route_pair>> rf_client::find_route_pair(crypto::public_key src, crypto::public_key dst,
                                                                  rf_options opts, rf_retry retry) {
  const rf_edge forward{src, dst};
  const rf_edge backward{dst, src};
  error_code last;
  for (unsigned attempt = 0; attempt < std::max(1u, retry.attempts); ++attempt) {
    if (attempt > 0) {
      auto ex = co_await asio::this_coro::executor;
      asio::steady_timer timer(ex, retry.interval);
      boost::system::error_code wait_ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, wait_ec));
      if (wait_ec) co_return wait_ec;  // cancelled
    }
    std::vector<rf_edge> edges{forward, backward};
    auto op = find_routes(std::move(edges), opts);
    auto routes = co_await std::move(op);
    if (routes) co_return rf_route_pair{routes->at(forward).front(), routes->at(backward).front()};
    last = routes.error();
    if (!retryable(last)) break;
  }
  co_return last;
}

}  // namespace skywire::disc
