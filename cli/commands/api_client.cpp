#include "commands/api_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>

#include "skywire/net/http_client.hpp"

namespace skywire::cli {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// Explicit: a json::value converts from a string too.
cli_result<json::value> failure(std::string message) {
  return cli_result<json::value>(boost::system::in_place_error, std::move(message));
}

asio::awaitable<result<net::http_response>> exchange(net::http_client& http, net::http_method method, std::string url,
                                                     std::string body) {
  net::http_headers headers;
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  co_return co_await http.request(method, std::move(url), std::move(body), std::move(headers));
}

}  // namespace

cli_result<json::value> call_visor(const std::string& rpc_address, net::http_method method, const std::string& path,
                                   const std::string& body, unsigned timeout_seconds) {
  asio::io_context ctx(1);
  net::http_options opt;
  opt.connect_timeout = std::chrono::seconds(3);
  opt.request_timeout = std::chrono::seconds(timeout_seconds);
  net::http_client http(ctx.get_executor(), opt);
  auto fut = asio::co_spawn(ctx, exchange(http, method, "http://" + rpc_address + path, body), asio::use_future);
  ctx.run();
  auto r = fut.get();
  if (!r) {
    return failure("cannot reach the visor at " + rpc_address + " (" + r.error().message() +
                   "); is it running? (`skywire visor -c CONFIG`, or pass --rpc HOST:PORT)");
  }
  error_code ec;
  auto v = json::parse(r->body, ec);
  if (ec) return failure("the visor answered " + std::to_string(r->status) + " with a body that is not JSON");
  if (r->status >= 400) {
    const auto* e = v.is_object() ? v.get_object().if_contains("error") : nullptr;
    return failure(e && e->is_string() ? std::string(e->get_string())
                                       : "the visor answered " + std::to_string(r->status));
  }
  return v;
}

}  // namespace skywire::cli
