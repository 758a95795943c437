#pragma once
// A visor's routing table (spec/skywire.md §3.3): route id allocation and the rules keyed by
// route id, each with an activity time; a rule is dead once now − last activity > keep_alive.
//
//   routing::table t(clock);
//   auto ids = t.reserve_ids(2);                   // {1, 2}, then {3, …}; never reused
//   t.save(rule::make_consume(30s, (*ids)[0], d));
//   if (auto r = t.lookup(rid)) { … }              // alive rules only; refreshes the activity
//   auto dead = t.collect_expired();               // removes and returns the dead rules
//
// Ids: a monotonically increasing u32 counter starting at 1, as Go's; reserve_ids(n) returns n
// consecutive ids or errc::route_ids_exhausted when the counter would reach 2^32−1.
// Bounds (hostile setup nodes must not grow it without limit): save() refuses a new key once
// limits.max_rules are held (errc::table_full); reserve_ids refuses n = 0 or n > max_reserve.
// A rule whose key is 0 or was never reserved here is refused (errc::unreserved_route_id): only
// ids this table handed out can carry rules, so a forged rule cannot shadow an unrelated route.
// Saving under an existing key replaces the rule (Go's behaviour) and refreshes it.
//
// Not thread-safe: the router uses it from one strand. The clock is injected (expiry is tested
// with base::manual_clock).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "skywire/base/clock.hpp"
#include "skywire/base/result.hpp"
#include "skywire/routing/rule.hpp"

namespace skywire::routing {

struct table_limits {
  std::size_t max_rules = 65536;
  std::size_t max_reserve = 255;  // Go's ReserveIDs takes a uint8 count
  // The first id handed out (Go: 1). Only tests change it, to reach the end of the id space
  // without four billion calls; 0 is treated as 1.
  route_id first_id = 1;
};

class table {
 public:
  explicit table(const base::clock& clock, table_limits limits = {});

  // The largest id ever handed out is max_route_id (Go refuses once its counter would reach
  // 2^32−1).
  static constexpr route_id max_route_id = 0xFFFF'FFFEu;

  result<std::vector<route_id>> reserve_ids(std::size_t n);

  result<void> save(const rule& r);

  // The alive rule under `id`, refreshing its activity (a hit on an incoming packet, §3.3).
  std::optional<rule> lookup(route_id id);
  // The alive rule under `id` without refreshing it (for tables and tests).
  std::optional<rule> peek(route_id id) const;
  // Marks `id` active now (writing through a route group refreshes its forward rule). A dead
  // rule stays dead (Go's UpdateActivity refuses timed-out rules): refresh cannot resurrect it.
  void refresh(route_id id);

  // Removes the rule; returns it if it was there (alive or not).
  std::optional<rule> remove(route_id id);

  // Removes every dead rule and returns them (the router closes the route group of a removed
  // consume rule). Go runs this every 5 s (`rules_gc_interval`).
  std::vector<rule> collect_expired();

  // Alive rules, ordered by key route id.
  std::vector<rule> all() const;
  std::size_t size() const noexcept { return rules_.size(); }

 private:
  struct entry {
    rule r;
    base::clock::steady_time last_activity;
  };
  bool alive(const entry& e) const;

  const base::clock& clock_;
  table_limits limits_;
  route_id first_id_ = 1;
  route_id next_id_ = 1;  // the next id reserve_ids hands out; ids in [first_id_, next_id_) are reserved
  std::unordered_map<route_id, entry> rules_;
};

// How often the router collects dead rules (Go's DefaultRulesGCInterval).
inline constexpr std::chrono::seconds rules_gc_interval{5};

}  // namespace skywire::routing
