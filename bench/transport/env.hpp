#pragma once
// bench_transport's environment (see bench_transport.cpp for the rows): our address resolver
// (local mode) on its own thread, and transport managers A and B on one thread each, each with
// an stcpr and an sudph network on 127.0.0.1 bound at the resolver; A has saved one stcpr and
// one sudph transport to B by pk, as a visor does.
//
//   bench::transports::env e;
//   setup(e);                  // resolver, A, B, both transports (the bench fails if not)
//   throughput_rows(e);        // throughput.cpp
//   handshake_row(e);          // handshake.cpp
//   teardown(e);               // everything closed and destroyed on its own loop
//
// Threads: every object lives on one loop and is touched only there (through bench::on from
// main); `recv` only on B's loop.
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "address-resolver/service.hpp"
#include "httpauth/nonce_store.hpp"
#include "skywire/base/clock.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/transport/manager.hpp"
#include "skywire/transport/stcpr.hpp"
#include "skywire/transport/sudph.hpp"
#include "skywire/wire/transport/entry.hpp"
#include "support.hpp"

namespace skywire::bench::transports {

// Counts the Data payload bytes B's manager hands to its packet handler; touched only on B's
// thread. `done` is fulfilled once `want` bytes arrived.
struct receiver {
  std::uint64_t got = 0;
  std::uint64_t want = 0;
  std::optional<std::promise<void>> done;
};

struct side {
  explicit side(crypto::key_pair k) : keys(std::move(k)) {}
  crypto::key_pair keys;
  std::unique_ptr<transport::manager> m;
  transport::stcpr_network* stcpr = nullptr;  // owned by m
  transport::sudph_network* sudph = nullptr;  // owned by m
};

struct env {
  loop ar_loop, a_loop, b_loop;
  base::system_clock clock;
  std::unique_ptr<svc::address_resolver::store> ar_db = svc::address_resolver::make_memory_store();
  std::unique_ptr<svc::httpauth::nonce_store> nonces = svc::httpauth::make_memory_nonce_store();
  std::unique_ptr<svc::address_resolver::service> ar;
  std::string ar_url;
  side a{keys("bench-transport-a")}, b{keys("bench-transport-b")};
  receiver recv;  // B's
  wire::transport::uuid stcpr_id{}, sudph_id{};
};

// BENCH_TRANSPORT=stcpr,sudph,handshake (any subset; unset: all) picks the rows to measure, e.g.
// to profile one path alone.
bool selected(std::string_view what);

void setup(env& e);
void teardown(env& e);

// The number of transports m lists (run it on m's loop).
boost::asio::awaitable<std::size_t> transport_count(transport::manager& m);

void throughput_rows(env& e);
void handshake_row(env& e);

}  // namespace skywire::bench::transports
