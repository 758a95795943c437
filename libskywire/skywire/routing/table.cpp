#include "skywire/routing/table.hpp"

#include <algorithm>

#include "skywire/routing/errc.hpp"

namespace skywire::routing {

table::table(const base::clock& clock, table_limits limits)
    : clock_(clock),
      limits_(limits),
      first_id_(limits.first_id == 0 ? 1 : limits.first_id),
      next_id_(first_id_) {}

result<std::vector<route_id>> table::reserve_ids(std::size_t n) {
  if (n == 0 || n > limits_.max_reserve) return errc::bad_reserve_count;
  // Go: error when nextID + n >= 2^32−1, with Go's nextID = the last id handed out. In 64 bits
  // so neither side can wrap.
  const std::uint64_t last = static_cast<std::uint64_t>(next_id_) + n - 1;
  if (last > max_route_id) return errc::route_ids_exhausted;
  std::vector<route_id> ids(n);
  for (std::size_t i = 0; i < n; ++i) ids[i] = static_cast<route_id>(next_id_ + i);
  // last ≤ 2^32−2, so next_id_ ≤ 2^32−1 and never wraps to an id already handed out.
  next_id_ = static_cast<route_id>(last + 1);
  return ids;
}

result<void> table::save(const rule& r) {
  const route_id key = r.key_route_id;
  if (key < first_id_ || key >= next_id_) return errc::unreserved_route_id;
  const auto now = clock_.steady_now();
  if (auto it = rules_.find(key); it != rules_.end()) {
    it->second = entry{r, now};
    return {};
  }
  if (rules_.size() >= limits_.max_rules) return errc::table_full;
  rules_.emplace(key, entry{r, now});
  return {};
}

std::optional<rule> table::lookup(route_id id) {
  auto it = rules_.find(id);
  if (it == rules_.end() || !alive(it->second)) return std::nullopt;
  it->second.last_activity = clock_.steady_now();
  return it->second.r;
}

std::optional<rule> table::peek(route_id id) const {
  auto it = rules_.find(id);
  if (it == rules_.end() || !alive(it->second)) return std::nullopt;
  return it->second.r;
}

void table::refresh(route_id id) {
  auto it = rules_.find(id);
  if (it != rules_.end() && alive(it->second)) it->second.last_activity = clock_.steady_now();
}

std::optional<rule> table::remove(route_id id) {
  auto it = rules_.find(id);
  if (it == rules_.end()) return std::nullopt;
  rule r = std::move(it->second.r);
  rules_.erase(it);
  return r;
}

std::vector<rule> table::collect_expired() {
  std::vector<rule> dead;
  for (auto it = rules_.begin(); it != rules_.end();) {
    if (alive(it->second)) {
      ++it;
      continue;
    }
    dead.push_back(std::move(it->second.r));
    it = rules_.erase(it);
  }
  // Deterministic order for the caller's logs and tests.
  std::sort(dead.begin(), dead.end(),
            [](const rule& a, const rule& b) { return a.key_route_id < b.key_route_id; });
  return dead;
}

std::vector<rule> table::all() const {
  std::vector<rule> out;
  out.reserve(rules_.size());
  for (const auto& [key, e] : rules_) {
    if (alive(e)) out.push_back(e.r);
  }
  std::sort(out.begin(), out.end(), [](const rule& a, const rule& b) { return a.key_route_id < b.key_route_id; });
  return out;
}

// Dead once now − last activity > keep_alive (Go's ruleIsTimedOut). The difference is never
// negative on a steady clock, and comparing durations cannot overflow even for a keep-alive of
// centuries, where last_activity + keep_alive would.
bool table::alive(const entry& e) const {
  const auto idle = clock_.steady_now() - e.last_activity;
  return std::chrono::duration_cast<std::chrono::nanoseconds>(idle) <= e.r.keep_alive;
}

}  // namespace skywire::routing
