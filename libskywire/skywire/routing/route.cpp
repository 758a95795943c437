#include "skywire/routing/route.hpp"

#include <set>
#include <utility>

#include "skywire/routing/errc.hpp"

namespace skywire::routing {

namespace {

// Go's map key "pk:port" (routing.Addr.String()).
using addr = std::pair<crypto::public_key, std::uint16_t>;

// Hands out the reserved ids of each pk front to back (Go's idReserver.PopID).
class id_pool {
 public:
  explicit id_pool(const std::map<crypto::public_key, std::vector<route_id>>& reserved) : reserved_(reserved) {}

  result<route_id> pop(const crypto::public_key& pk) {
    auto it = reserved_.find(pk);
    if (it == reserved_.end()) return errc::not_enough_ids;
    std::size_t& used = used_[pk];
    if (used >= it->second.size()) return errc::not_enough_ids;
    return it->second[used++];
  }

 private:
  const std::map<crypto::public_key, std::vector<route_id>>& reserved_;
  std::map<crypto::public_key, std::size_t> used_;
};

struct rule_maps {
  std::map<addr, std::vector<rule>> forward;
  std::map<addr, std::vector<rule>> consume;
  std::map<crypto::public_key, std::vector<rule>> intermediary;
};

// §3.4 for one directional route (Go's GenerateRules loop body).
result<void> generate_one(const path& hops, const route_descriptor& desc, std::chrono::nanoseconds keep_alive,
                          id_pool& ids, rule_maps& out) {
  auto first = ids.pop(hops.front().from);
  if (!first) return first.error();
  route_id rid = *first;
  for (std::size_t i = 0; i < hops.size(); ++i) {
    const hop& h = hops[i];
    auto next = ids.pop(h.to);
    if (!next) return next.error();
    if (i == 0) {
      // Go's port choice for the key: srcPort wins over dstPort when both pks are this hop's.
      std::uint16_t port = 0;
      if (desc.dst_pk == h.from) port = desc.dst_port;
      if (desc.src_pk == h.from) port = desc.src_port;
      out.forward[{h.from, port}].push_back(rule::make_forward(keep_alive, rid, *next, h.tp_id, desc));
    } else {
      out.intermediary[h.from].push_back(rule::make_intermediary(keep_alive, rid, *next, h.tp_id));
    }
    rid = *next;
  }
  out.consume[{desc.dst_pk, desc.dst_port}].push_back(rule::make_consume(keep_alive, rid, desc));
  return {};
}

}  // namespace

result<void> check_path(const path& p, const crypto::public_key& src, const crypto::public_key& dst) {
  if (p.empty()) return errc::empty_path;
  if (p.size() > max_path_hops) return errc::path_too_long;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i].from == p[i].to) return errc::broken_path;
    if (i > 0 && p[i - 1].to != p[i].from) return errc::broken_path;
  }
  if (p.front().from != src || p.back().to != dst) return errc::path_endpoints;
  std::set<crypto::public_key> seen{p.front().from};
  for (std::size_t i = 0; i < p.size(); ++i) {
    const bool closes_loop = i + 1 == p.size() && src == dst;  // self→…→self may end where it began
    if (!seen.insert(p[i].to).second && !closes_loop) return errc::route_loop;
  }
  return {};
}

result<void> check(const bidirectional_route& r) {
  // Go's BidirectionalRoute.Check(), in its order.
  if (r.forward.empty()) return errc::no_forward_hops;
  if (r.reverse.empty()) return errc::no_reverse_hops;
  const auto& src = r.desc.src_pk;
  const auto& dst = r.desc.dst_pk;
  if (r.forward.front().from != src || r.reverse.back().to != src) return errc::invalid_route;
  if (r.reverse.front().from != dst || r.forward.back().to != dst) return errc::invalid_route;
  // Ours: rules with keep-alive ≤ 0 would be dead on arrival.
  if (r.keep_alive.count() <= 0) return errc::invalid_route;
  if (auto ok = check_path(r.forward, src, dst); !ok) return ok;
  return check_path(r.reverse, dst, src);
}

std::map<crypto::public_key, std::size_t> count_route_ids(const bidirectional_route& r) {
  std::map<crypto::public_key, std::size_t> counts;
  for (const path* p : {&r.forward, &r.reverse}) {
    if (p->empty()) continue;
    ++counts[p->front().from];
    for (const hop& h : *p) ++counts[h.to];
  }
  return counts;
}

result<generated_rules> generate_rules(const bidirectional_route& r,
                                       const std::map<crypto::public_key, std::vector<route_id>>& reserved) {
  if (auto ok = check(r); !ok) return ok.error();
  id_pool ids(reserved);
  rule_maps maps;
  const route_descriptor fwd_desc = r.desc;
  const route_descriptor rev_desc = r.desc.inverted();
  if (auto ok = generate_one(r.forward, fwd_desc, r.keep_alive, ids, maps); !ok) return ok.error();
  if (auto ok = generate_one(r.reverse, rev_desc, r.keep_alive, ids, maps); !ok) return ok.error();

  // Go's CreateRouteGroup: the first rule filed under each end's address. check() guarantees
  // both lists exist at both addresses (the forward route starts at src:srcPort and ends at
  // dst:dstPort, the reverse route the other way round).
  const addr src_addr{r.desc.src_pk, r.desc.src_port};
  const addr dst_addr{r.desc.dst_pk, r.desc.dst_port};
  generated_rules out;
  out.initiator = edge_rules{rev_desc, maps.forward.at(src_addr).front(), maps.consume.at(src_addr).front()};
  out.responder = edge_rules{fwd_desc, maps.forward.at(dst_addr).front(), maps.consume.at(dst_addr).front()};
  out.edges.emplace(r.desc.src_pk, out.initiator);
  out.edges.emplace(r.desc.dst_pk, out.responder);  // no-op for a loop route: initiator kept
  out.intermediaries = std::move(maps.intermediary);
  return out;
}

}  // namespace skywire::routing
