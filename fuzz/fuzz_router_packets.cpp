// Fuzz target: the router's packet dispatch (router/router.hpp, spec/skywire.md §3.6). A router
// over a transport manager without networks holds an intermediary rule, a pending responder
// route group (edge rules) and a few reserved ids; the input is a stream of packets with
// arbitrary types, route ids (picked among the installed ones or raw) and payloads, handed to
// handle_packet as a transport's read loop would. Invariants: nothing crashes or grows, and the
// accounting is exact — every packet is forwarded, delivered, refreshed or counted in exactly
// one drop counter.
//
// Input: records of type u8 ‖ route selector u8 ‖ length u8 ‖ payload.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "skywire/base/clock.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/router/router.hpp"
#include "skywire/transport/manager.hpp"
#include "skywire/wire/routing/packet.hpp"

using namespace skywire;
namespace asio = boost::asio;
namespace wr = skywire::wire::routing;

namespace {

struct counter_random final : base::random_source {
  std::uint8_t n = 1;
  void fill(mutable_byte_view out) override {
    for (auto& b : out) b = n++;
  }
};

const crypto::key_pair& key(const char* seed) {
  static std::map<std::string, crypto::key_pair> cache;
  auto it = cache.find(seed);
  if (it == cache.end()) it = cache.emplace(seed, crypto::deterministic_key_pair(as_bytes(std::string_view(seed))).value()).first;
  return it->second;
}

std::uint64_t accounted(const router::router_counters& c) {
  return c.forwarded + c.delivered + c.refreshed + c.dropped_unknown_type + c.dropped_unknown_route +
         c.dropped_wrong_rule + c.dropped_malformed + c.dropped_no_group + c.dropped_no_transport +
         c.dropped_queue_full;
}

// An intermediary rule (ids[0]) and a responder's edge rules (forward ids[1], consume ids[2]),
// as a setup node installs them; ids[3] stays reserved and unused.
asio::awaitable<void> install(router::router& r, crypto::public_key self, crypto::public_key peer,
                              wire::transport::uuid tp, std::vector<std::uint32_t>& ids) {
  const crypto::public_key sn = key("fuzz-setup").pk;
  auto reserve = r.reserve_ids(sn, 4);
  auto got = co_await std::move(reserve);
  if (!got) std::abort();
  ids = *got;
  std::vector<routing::rule> inter{routing::rule::make_intermediary(std::chrono::seconds(30), ids[0], 77, tp)};
  auto add = r.add_intermediary_rules(sn, inter);
  if (!(co_await std::move(add))) std::abort();
  const routing::route_descriptor d{peer, self, 49153, 44};
  routing::edge_rules e{d, routing::rule::make_forward(std::chrono::seconds(30), ids[1], 5, tp, d.inverted()),
                        routing::rule::make_consume(std::chrono::seconds(30), ids[2], d)};
  auto edge = r.add_edge_rules(sn, e);
  if (!(co_await std::move(edge))) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  asio::io_context ctx;
  const base::manual_clock clock;
  counter_random rng;
  const auto& self = key("fuzz-router-self");
  const auto& peer = key("fuzz-router-peer");
  auto tm = std::make_unique<transport::manager>(ctx.get_executor(), transport::manager_config{.keys = self}, clock, nullptr);
  std::vector<std::uint32_t> ids;
  {
    auto r = std::make_unique<router::router>(ctx.get_executor(), router::router_config{.keys = self}, *tm, clock, rng, nullptr);
    r->start();
    const auto tp = wire::transport::make_transport_id(self.pk, peer.pk, "stcp");
    // The setup never waits on anything; the route group's timer sleeps 2 s of real time, so
    // poll() returns with the group pending. Its tasks are not run while packets go in (no poll
    // in the loop), so its missing transport does not close it early.
    auto installing = install(*r, self.pk, peer.pk, tp, ids);
    asio::co_spawn(ctx, std::move(installing), asio::detached);
    ctx.poll();
    if (ids.size() != 4 || r->route_groups().size() != 1) std::abort();

    transport::transport_info from;
    std::size_t pos = 0;
    std::uint64_t handed = 0;
    while (pos + 3 <= size && handed < 4096) {
      const std::uint8_t type = data[pos];
      const std::uint8_t sel = data[pos + 1];
      std::size_t len = data[pos + 2];
      pos += 3;
      if (len > size - pos) len = size - pos;
      const std::uint32_t rid = sel < 16 ? ids[sel % ids.size()] : sel;
      bytes pkt(wr::header_size + len);
      wr::write_header({static_cast<wr::packet_type>(type % 9), rid, static_cast<std::uint16_t>(len)}, pkt);
      std::copy(data + pos, data + pos + len, pkt.begin() + wr::header_size);
      pos += len;
      r->handle_packet(from, *wr::parse_packet(pkt));
      ++handed;
      const auto c = r->counters();
      if (c.received != handed || accounted(c) != handed) std::abort();
      if (r->rules().size() > 4) std::abort();
      (void)r->route_groups();
    }
  }
  ctx.poll();
  tm.reset();
  ctx.poll();
  return 0;
}
