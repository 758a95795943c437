// Fuzz target: httpauth's server side (services/httpauth) on arbitrary SW-Public / SW-Sig /
// SW-Nonce values and bodies, through with_auth with a memory nonce store and no sockets (the
// coroutines run to completion on a local io_context; the memory store never suspends). The
// body is also fed to the address resolver's LocalAddresses decoder, the next thing a bind
// request meets.
//
// Input: byte 0 = flags, then "public\nsig\nnonce\nbody". Flag bit 0 replaces the key and
// signature with a real pair over (body, nonce) so the nonce and success paths are reached;
// bit 1 pre-increments that key's counter once; bit 2 makes the handler "write nothing".
// Invariants: every reply is 200 or 401; a 401 body is `{"error":{"message":…,"code":401}}\n`;
// a request signed by the real key with the stored nonce always succeeds and consumes it.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "address-resolver/api.hpp"
#include "httpauth/auth.hpp"
#include "skywire/base/log.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/disc/httpauth.hpp"

namespace {

namespace asio = boost::asio;
namespace ha = skywire::svc::httpauth;
using skywire::net::http_reply;
using skywire::net::http_request;

std::string_view take_line(std::string_view& in) {
  const auto nl = in.find('\n');
  const std::string_view line = in.substr(0, nl);
  in = nl == std::string_view::npos ? std::string_view{} : in.substr(nl + 1);
  return line;
}

void check_401(const http_reply& r) {
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  if (ec || !v.is_object() || r.body.back() != '\n') std::abort();
  const auto* e = v.as_object().if_contains("error");
  if (!e || !e->is_object()) std::abort();
  const auto* code = e->as_object().if_contains("code");
  const auto* msg = e->as_object().if_contains("message");
  if (!code || !code->is_int64() || code->as_int64() != 401 || !msg || !msg->is_string()) std::abort();
}

asio::awaitable<std::optional<http_reply>> answer(bool silent) {
  if (silent) co_return std::nullopt;
  co_return http_reply{};
}

asio::awaitable<void> exercise(ha::nonce_store& store, const skywire::crypto::key_pair& kp, http_request req,
                               bool real, bool silent) {
  auto handler = ha::with_auth(store, skywire::base::make_null_logger("fuzz"),
                               [silent](const http_request&, skywire::crypto::public_key) { return answer(silent); });
  auto before_op = store.nonce(kp.pk);
  const auto before = co_await std::move(before_op);
  auto op = handler(req);
  const http_reply r = co_await std::move(op);
  if (r.status == 401) {
    check_401(r);
  } else if (r.status != 200) {
    std::abort();
  }
  auto after_op = store.nonce(kp.pk);
  const auto after = co_await std::move(after_op);
  const bool matched = real && before && std::to_string(*before) == req.header("SW-Nonce");
  if (matched && r.status != 200) std::abort();
  if (before && after) {
    const std::uint64_t want = (matched && !silent) ? *before + 1 : *before;
    if (*after != want) std::abort();
  }
}

asio::awaitable<void> bump(ha::nonce_store& store, skywire::crypto::public_key pk) {
  auto op = store.increment(pk);
  (void)co_await std::move(op);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t flags = data[0];
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string_view pub = take_line(in);
  const std::string_view sig = take_line(in);
  const std::string_view nonce = take_line(in);
  const std::string body(in);

  static const auto kp = *skywire::crypto::deterministic_key_pair(skywire::as_bytes(std::string_view("fuzz")));
  const bool real = flags & 1;
  const bool silent = flags & 4;

  http_request req;
  req.method = skywire::net::http_method::post;
  req.method_text = "POST";
  req.path = req.target = "/x";
  req.remote = "127.0.0.1:1";
  req.body = body;
  if (real) {
    auto n = ha::parse_nonce(nonce);
    const std::uint64_t nv = n.ok() ? n.value : 0;
    req.headers.emplace_back("SW-Public", kp.pk.to_hex());
    req.headers.emplace_back("SW-Sig", skywire::disc::httpauth::sign(body, nv, kp.sk).to_hex());
    req.headers.emplace_back("SW-Nonce", std::to_string(nv));
  } else {
    if (!pub.empty() || (flags & 8)) req.headers.emplace_back("SW-Public", std::string(pub));
    if (!sig.empty() || (flags & 16)) req.headers.emplace_back("SW-Sig", std::string(sig));
    if (!nonce.empty() || (flags & 32)) req.headers.emplace_back("SW-Nonce", std::string(nonce));
  }

  auto store = ha::make_memory_nonce_store(4);
  asio::io_context ctx;
  if (flags & 2) asio::co_spawn(ctx, bump(*store, kp.pk), asio::detached);
  ctx.run();
  ctx.restart();
  bool done = false;
  asio::co_spawn(ctx, exercise(*store, kp, req, real, silent), [&](std::exception_ptr e) {
    if (e) std::abort();
    done = true;
  });
  ctx.run();
  if (!done) std::abort();

  // The next decoder a bind body meets.
  (void)skywire::svc::address_resolver::parse_local_addresses(body);
  (void)ha::parse_auth_headers(req);
  return 0;
}
