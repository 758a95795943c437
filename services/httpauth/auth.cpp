#include "auth.hpp"

#include "skywire/base/hex.hpp"
#include "skywire/crypto/hash.hpp"
#include "skywire/disc/httpauth.hpp"
#include "skywire/wire/json/escape.hpp"
#include "skywire/wire/json/writer.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <memory>
#include <charconv>
#include <utility>

namespace skywire::svc::httpauth {

namespace dh = disc::httpauth;

go_parsed<crypto::public_key> parse_public_key(std::string_view text) {
  go_parsed<crypto::public_key> out;
  if (std::all_of(text.begin(), text.end(), [](char c) { return c == '0'; })) return out;  // null
  auto raw = base::from_hex(text);
  if (!raw) {
    out.error = "Invalid public key";
  } else if (raw->size() != crypto::public_key::size) {
    out.error = "Invalid public key length";
  } else if (auto pk = crypto::public_key::from_bytes(*raw)) {
    out.value = *pk;
  } else {
    out.error = "Invalid public key";
  }
  return out;
}

go_parsed<crypto::signature> parse_signature(std::string_view text) {
  go_parsed<crypto::signature> out;
  auto raw = base::from_hex(text);
  if (!raw) {
    out.error = "Invalid signature";
  } else if (auto sig = crypto::signature::from_bytes(*raw)) {
    out.value = *sig;
  } else {
    out.error = "Invalid signature length";
  }
  return out;
}

go_parsed<std::uint64_t> parse_nonce(std::string_view text) {
  go_parsed<std::uint64_t> out;
  const bool digits = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
  if (!digits) {
    out.error = "invalid syntax";
    return out;
  }
  const auto r = std::from_chars(text.data(), text.data() + text.size(), out.value);
  if (r.ec == std::errc::result_out_of_range) out.error = "value out of range";
  else if (r.ec != std::errc{} || r.ptr != text.data() + text.size()) out.error = "invalid syntax";
  return out;
}

go_parsed<auth_headers> parse_auth_headers(const net::http_request& req) {
  go_parsed<auth_headers> out;
  const std::string_view pub = req.header(dh::header_public);
  if (pub.empty()) {
    out.error = "SW-Public missing";
    return out;
  }
  auto pk = parse_public_key(pub);
  if (!pk.ok()) {
    out.error = "error parsing SW-Public: " + pk.error;
    return out;
  }
  out.value.pk = pk.value;

  const std::string_view sig_text = req.header(dh::header_sig);
  if (sig_text.empty()) {
    out.error = "SW-Sig missing";
    return out;
  }
  auto sig = parse_signature(sig_text);
  if (!sig.ok()) {
    out.error = "error parsing SW-Sig:'" + std::string(sig_text) + "': " + sig.error;
    return out;
  }
  out.value.sig = sig.value;

  const std::string_view nonce_text = req.header(dh::header_nonce);
  if (nonce_text.empty()) {
    out.error = "SW-Nonce missing";
    return out;
  }
  auto n = parse_nonce(nonce_text);
  if (!n.ok()) {
    out.error = "error parsing SW-Nonce: " + n.error;
    return out;
  }
  out.value.nonce = n.value;
  return out;
}

std::string verify_text(const auth_headers& a, std::string_view body) {
  // Go recovers the key first, then compares, then checks validity; recover_public_key refuses a
  // high-S signature before recovering, which Go reports at the validity step.
  const std::string payload = dh::signed_payload(body, a.nonce);
  const crypto::sha256_digest digest = crypto::sha256(as_bytes(payload));
  auto rec = crypto::recover_public_key(digest, a.sig);
  if (!rec) {
    if (rec.error() == crypto::errc::high_s_signature) {
      return "VerifySignatureRecoverPubKey, VerifySignatureValidity failed";
    }
    return "Failed to recover pubkey from signature";
  }
  if (*rec != a.pk) return "Recovered pubkey does not match pubkey";
  return {};
}

boost::asio::awaitable<go_parsed<auth_headers>> authenticate(const net::http_request& req,
                                                            nonce_store& store) {
  auto out = parse_auth_headers(req);
  if (!out.ok()) co_return out;
  auto op = store.nonce(out.value.pk);
  auto cur = co_await std::move(op);
  if (!cur) {
    out.error = cur.error().message();
    co_return out;
  }
  if (*cur != out.value.nonce) {
    out.error = std::string(dh::nonce_mismatch_message);
    co_return out;
  }
  out.error = verify_text(out.value, req.body);
  co_return out;
}

net::http_reply error_reply(unsigned status, std::string_view message) {
  wire::json::writer w{wire::json::dialect::jsoniter_fastest};
  w.begin_object();
  w.key("error").begin_object();
  w.key("message").string(wire::json::to_valid_utf8(message));  // it may echo header bytes
  w.key("code").uint64(status);
  w.end_object();
  w.end_object();
  w.newline();
  net::http_reply rep;
  rep.status = status;
  rep.body = std::move(w).take();
  return rep;
}

namespace {

struct auth_route {
  nonce_store& store;
  base::logger log;
  authed_handler h;
};

// The coroutine behind with_auth; `route` lives in the router's handler, `req` in the server.
boost::asio::awaitable<net::http_reply> serve_authed(std::shared_ptr<const auth_route> owner,
                                                     const net::http_request& req) {
  const auth_route& route = *owner;
  auto check = authenticate(req, route.store);
  auto auth = co_await std::move(check);
  if (!auth.ok()) {
    route.log->debug("httpauth {} {} from {}: 401 {}", req.method_text, req.path, req.remote, auth.error);
    co_return error_reply(401, auth.error);
  }
  auto handle = route.h(req, auth.value.pk);
  std::optional<net::http_reply> rep = co_await std::move(handle);
  if (!rep) {
    net::http_reply empty;
    empty.content_type.clear();
    co_return empty;
  }
  if (rep->status == 200) {
    auto inc = route.store.increment(auth.value.pk);
    auto next = co_await std::move(inc);
    if (!next) {
      route.log->error("httpauth: cannot increment nonce of {}: {}", auth.value.pk.to_hex(),
                       next.error().message());
    }
  }
  co_return std::move(*rep);
}

boost::asio::awaitable<net::http_reply> serve_nonce(nonce_store& store, const net::http_request& req) {
  const std::string_view path = req.path;
  const auto slash = path.rfind('/');
  const std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
  auto pk = parse_public_key(last);
  if (!pk.ok()) co_return error_reply(400, pk.error);
  if (pk.value.is_null()) co_return error_reply(400, "Invalid public key");
  auto op = store.nonce(pk.value);
  auto n = co_await std::move(op);
  if (!n) co_return error_reply(500, n.error().message());
  wire::json::writer w{wire::json::dialect::jsoniter_fastest};
  w.begin_object();
  w.key("edge").string(pk.value.to_hex());
  w.key("next_nonce").uint64(*n);
  w.end_object();
  w.newline();
  net::http_reply rep;
  rep.body = std::move(w).take();
  co_return rep;
}

}  // namespace

net::http_async_handler with_auth(nonce_store& store, base::logger log, authed_handler h) {
  auto route = std::make_shared<const auth_route>(auth_route{store, std::move(log), std::move(h)});
  return [route](const net::http_request& req) { return serve_authed(route, req); };
}

net::http_async_handler nonce_handler(nonce_store& store) {
  return [&store](const net::http_request& req) { return serve_nonce(store, req); };
}

namespace {

bool parses_as_ip(std::string_view s) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(std::string(s), ec);
  return !ec;
}

}  // namespace

std::string remote_ip(const net::http_request& req, bool trust_forwarding) {
  if (trust_forwarding) {
    std::string_view ip = req.header("True-Client-IP");
    if (ip.empty()) ip = req.header("X-Real-IP");
    if (ip.empty()) {
      ip = req.header("X-Forwarded-For");
      ip = ip.substr(0, ip.find(','));
    }
    // chi's RealIP takes the value only if it parses as an IP, and then it has no port.
    if (!ip.empty() && parses_as_ip(ip)) return std::string(ip);
  }
  std::string host = req.remote;
  if (const auto colon = host.rfind(':'); colon != std::string::npos) host.resize(colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.size() == 2 * crypto::public_key::size && crypto::public_key::from_text(host)) {
    return std::string(req.header(dh::header_public_ip));
  }
  return host;
}

}  // namespace skywire::svc::httpauth
