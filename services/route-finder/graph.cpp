#include "graph.hpp"

#include <algorithm>
#include <limits>
#include <string>
#include <tuple>

namespace skywire::svc::route_finder {

namespace {

// boost::system::error_category has a protected non-virtual destructor by design.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "skywire.route_finder"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::no_transports: return "transport not found";
      case errc::no_route: return "no route to destination";
      case errc::route_not_found: return "route not found";
      case errc::too_many_transports: return "too many transports for the route finder's graph";
      case errc::source_unavailable: return "transport discovery unavailable";
    }
    return "unknown route finder error";
  }
};
#pragma GCC diagnostic pop

constexpr std::uint32_t unseen = std::numeric_limits<std::uint32_t>::max();

struct directed {
  std::uint32_t from;
  std::uint32_t to;
  wire::transport::uuid tp_id;
};

}  // namespace

const boost::system::error_category& category() noexcept {
  static const category_impl instance;
  return instance;
}

result<graph> graph::build(const std::vector<wire::transport::entry>& entries, std::size_t max_transports) {
  if (entries.size() > max_transports) return errc::too_many_transports;
  auto usable = [](const wire::transport::entry& e) {
    return !e.edges[0].is_null() && !e.edges[1].is_null() && e.edges[0] != e.edges[1];
  };
  graph g;
  g.keys_.reserve(2 * entries.size());
  for (const auto& e : entries) {
    if (!usable(e)) continue;
    g.keys_.push_back(e.edges[0]);
    g.keys_.push_back(e.edges[1]);
  }
  std::sort(g.keys_.begin(), g.keys_.end());
  g.keys_.erase(std::unique(g.keys_.begin(), g.keys_.end()), g.keys_.end());
  g.keys_.shrink_to_fit();

  std::vector<directed> links;
  links.reserve(2 * entries.size());
  for (const auto& e : entries) {
    if (!usable(e)) continue;
    const std::uint32_t a = *g.index(e.edges[0]);
    const std::uint32_t b = *g.index(e.edges[1]);
    links.push_back({a, b, e.id});
    links.push_back({b, a, e.id});
  }
  // Per ordered pair, the smallest transport ID first; then one link per pair.
  std::sort(links.begin(), links.end(), [](const directed& x, const directed& y) {
    return std::tie(x.from, x.to, x.tp_id) < std::tie(y.from, y.to, y.tp_id);
  });
  links.erase(std::unique(links.begin(), links.end(),
                          [](const directed& x, const directed& y) { return x.from == y.from && x.to == y.to; }),
              links.end());

  g.offsets_.assign(g.keys_.size() + 1, 0);
  g.adjacency_.reserve(links.size());
  for (const auto& l : links) {
    ++g.offsets_[l.from + 1];
    g.adjacency_.push_back({l.to, l.tp_id});
  }
  for (std::size_t i = 1; i < g.offsets_.size(); ++i) g.offsets_[i] += g.offsets_[i - 1];
  return g;
}

std::optional<std::uint32_t> graph::index(const crypto::public_key& pk) const {
  auto it = std::lower_bound(keys_.begin(), keys_.end(), pk);
  if (it == keys_.end() || *it != pk) return std::nullopt;
  return static_cast<std::uint32_t>(it - keys_.begin());
}

result<std::vector<disc::rf_path>> graph::shortest(const crypto::public_key& src, const crypto::public_key& dst,
                                                   disc::rf_options opts, std::size_t count) const {
  const auto s = index(src);
  if (!s) return errc::no_transports;
  const auto d = index(dst);
  if (!d) return errc::no_route;

  const std::size_t n = keys_.size();
  std::vector<std::uint32_t> dist(n, unseen);
  std::vector<std::uint32_t> parent(n, unseen);
  std::vector<std::uint32_t> via(n, unseen);  // adjacency_ index of the link parent → vertex
  std::vector<char> target(n, 0);              // the neighbours of dst
  std::size_t remaining = 0;
  for (std::uint32_t l = offsets_[*d]; l < offsets_[*d + 1]; ++l) {
    target[adjacency_[l].to] = 1;
    ++remaining;
  }

  std::vector<std::uint32_t> queue;
  queue.reserve(n);
  dist[*s] = 0;
  queue.push_back(*s);
  if (target[*s]) --remaining;
  for (std::size_t head = 0; head < queue.size() && remaining > 0; ++head) {
    const std::uint32_t u = queue[head];
    for (std::uint32_t l = offsets_[u]; l < offsets_[u + 1]; ++l) {
      const std::uint32_t v = adjacency_[l].to;
      if (v == *d || dist[v] != unseen) continue;  // dst is never expanded (nor re-entered)
      dist[v] = dist[u] + 1;
      parent[v] = u;
      via[v] = l;
      if (target[v]) --remaining;
      queue.push_back(v);
    }
  }

  struct candidate {
    std::uint32_t length;
    std::uint32_t last;  // adjacency_ index of the link dst → u (same transport as u → dst)
  };
  std::vector<candidate> candidates;
  for (std::uint32_t l = offsets_[*d]; l < offsets_[*d + 1]; ++l) {
    const std::uint32_t u = adjacency_[l].to;
    if (dist[u] != unseen) candidates.push_back({dist[u] + 1, l});
  }
  if (candidates.empty()) return errc::no_route;
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const candidate& a, const candidate& b) { return a.length < b.length; });

  std::vector<disc::rf_path> out;
  for (const auto& c : candidates) {
    if (out.size() == count) break;
    if (c.length < opts.min_hops || c.length > opts.max_hops) continue;
    const std::uint32_t u = adjacency_[c.last].to;
    disc::rf_path p;
    p.reserve(c.length);
    p.push_back({adjacency_[c.last].tp_id, keys_[u], keys_[*d]});
    for (std::uint32_t v = u; v != *s; v = parent[v]) {
      p.push_back({adjacency_[via[v]].tp_id, keys_[parent[v]], keys_[v]});
    }
    std::reverse(p.begin(), p.end());
    out.push_back(std::move(p));
  }
  if (out.empty()) return errc::route_not_found;
  return out;
}

}  // namespace skywire::svc::route_finder
