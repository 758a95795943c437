#pragma once
// The transport tests' address resolver: our service in local mode (loopback sources may bind)
// on 127.0.0.1 with memory stores, and an address-resolver client signed with a test key.
// Used by the stcpr, sudph and NAT tests.
#include <memory>
#include <string>

#include "address-resolver/service.hpp"
#include "httpauth/nonce_store.hpp"
#include "skywire/disc/addr_resolver_client.hpp"
#include "skywire/net/http_client.hpp"
#include "test_util.hpp"

namespace skywire::transport::test {

struct resolver {
  base::system_clock clock;
  std::unique_ptr<svc::address_resolver::store> db = svc::address_resolver::make_memory_store();
  std::unique_ptr<svc::httpauth::nonce_store> nonces = svc::httpauth::make_memory_nonce_store();
  std::unique_ptr<svc::address_resolver::service> svc;
  std::string url;
  std::uint16_t port = 0;

  // HTTP (and the UDP side) on 127.0.0.1:port (0: any free one).
  result<std::uint16_t> start(asio::any_io_executor ex, std::uint16_t at = 0) {
    svc::address_resolver::service_options opt;
    opt.host = "127.0.0.1";
    opt.port = at;
    opt.api.local_mode = true;
    svc = std::make_unique<svc::address_resolver::service>(ex, *db, *nonces, clock, base::make_null_logger("ar"), opt);
    auto p = svc->start();
    if (p) {
      port = *p;
      url = "http://127.0.0.1:" + std::to_string(*p);
    }
    return p;
  }

  asio::awaitable<bool> has_sudph(crypto::public_key pk) {
    auto r = co_await db->resolve("sudph", pk);
    co_return r && r->has_value();
  }

  // A visor is bound() once it sent LocalAddresses; the resolver stores it a moment later.
  asio::awaitable<bool> wait_bound(crypto::public_key pk) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!co_await has_sudph(pk)) {
      if (std::chrono::steady_clock::now() > deadline) co_return false;
      co_await sleep_for(std::chrono::milliseconds(20));
    }
    co_return true;
  }
};

inline std::shared_ptr<disc::addr_resolver_client> make_ar(asio::any_io_executor ex, const std::string& url,
                                                           const crypto::key_pair& kp) {
  auto http = std::make_shared<net::http_client>(ex);
  auto auth = std::make_shared<disc::httpauth_client>(ex, http, url, kp);
  return std::make_shared<disc::addr_resolver_client>(auth);
}

}  // namespace skywire::transport::test
