// Fuzz target: the routing table (routing/table.hpp; spec/skywire.md §3.3) driven by a byte
// program, against a shadow model, with a manual clock. A hostile setup node controls the
// rules, their keys and keep-alives and the reserve counts; packets control lookups; time moves.
//
// Input: u8 flags (bit 0: start the id counter 20 below the end of the id space) ‖ ops, each
// one byte op ‖ its operands:
//   0 reserve n            1 save <u8 len> <len bytes parsed as a rule>
//   2 save consume <u8 key offset> <u8 keep-alive s>   3 lookup <u8 key offset>
//   4 peek <u8 key offset> 5 refresh <u8 key offset>   6 remove <u8 key offset>
//   7 advance <u8 s>       8 advance <u8 ns>           9 collect_expired
// Key offsets are added to the first id, so most ops hit reserved ids. Invariants after every
// op: size() ≤ max_rules; every result agrees with the model (a rule is visible iff it is held
// and now − last activity ≤ keep-alive); all() lists exactly the model's alive rules; reserved
// ids are consecutive, ascending and never handed out twice; collect_expired returns only
// dead rules.
#include <chrono>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>

#include "skywire/base/clock.hpp"
#include "skywire/routing/errc.hpp"
#include "skywire/routing/table.hpp"

using namespace skywire;
using namespace skywire::routing;

namespace {

struct model_entry {
  rule r;
  base::clock::steady_time last;
};

void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const table_limits limits{.max_rules = 8, .max_reserve = 6, .first_id = (data[0] & 1) ? 0xFFFF'FFEAu : 1u};
  base::manual_clock clock;
  table t(clock, limits);
  std::map<route_id, model_entry> model;
  std::uint64_t next = limits.first_id;  // the model's id counter

  const auto alive = [&](const model_entry& e) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(clock.steady_now() - e.last) <= e.r.keep_alive;
  };
  const auto visible = [&](route_id id) -> const model_entry* {
    auto it = model.find(id);
    return it != model.end() && alive(it->second) ? &it->second : nullptr;
  };
  const auto save = [&](const rule& r) {
    const auto res = t.save(r);
    const bool reserved = r.key_route_id >= limits.first_id && r.key_route_id < next;
    if (!reserved) return require(res.has_error() && res.error() == errc::unreserved_route_id);
    if (!model.contains(r.key_route_id) && model.size() >= limits.max_rules) {
      return require(res.has_error() && res.error() == errc::table_full);
    }
    require(res.has_value());
    model[r.key_route_id] = {r, clock.steady_now()};
  };

  std::size_t pos = 1;
  const auto byte = [&]() -> std::uint8_t { return pos < size ? data[pos++] : 0; };
  const auto key = [&]() { return static_cast<route_id>(limits.first_id + byte()); };

  for (int steps = 0; pos < size && steps < 4096; ++steps) {
    switch (byte() % 10) {
      case 0: {
        const std::size_t n = byte() % 8;
        auto ids = t.reserve_ids(n);
        if (n == 0 || n > limits.max_reserve) {
          require(ids.has_error() && ids.error() == errc::bad_reserve_count);
        } else if (next + n - 1 > table::max_route_id) {
          require(ids.has_error() && ids.error() == errc::route_ids_exhausted);
        } else {
          require(ids.has_value() && ids->size() == n);
          for (route_id id : *ids) require(id == next++);
        }
        break;
      }
      case 1: {
        const std::size_t len = byte();
        const std::size_t avail = pos < size ? std::min(len, size - pos) : 0;
        auto r = rule::parse(byte_view(data + pos, avail));
        pos += avail;
        if (r) save(*r);
        break;
      }
      case 2: {
        const route_id k = key();
        save(rule::make_consume(std::chrono::seconds(byte()), k, {}));
        break;
      }
      case 3: {
        const route_id k = key();
        const auto got = t.lookup(k);
        const model_entry* want = visible(k);
        require(got.has_value() == (want != nullptr));
        if (want) {
          require(*got == want->r);
          model[k].last = clock.steady_now();
        }
        break;
      }
      case 4: {
        const route_id k = key();
        const auto got = t.peek(k);
        const model_entry* want = visible(k);
        require(got.has_value() == (want != nullptr) && (!want || *got == want->r));
        break;
      }
      case 5: {
        const route_id k = key();
        t.refresh(k);
        if (visible(k)) model[k].last = clock.steady_now();
        break;
      }
      case 6: {
        const route_id k = key();
        const auto got = t.remove(k);
        auto it = model.find(k);
        require(got.has_value() == (it != model.end()));
        if (it != model.end()) {
          require(*got == it->second.r);
          model.erase(it);
        }
        break;
      }
      case 7: clock.advance(std::chrono::seconds(byte())); break;
      case 8: clock.advance(std::chrono::nanoseconds(byte())); break;
      case 9: {
        const auto dead = t.collect_expired();
        std::size_t want = 0;
        for (auto it = model.begin(); it != model.end();) {
          if (alive(it->second)) {
            ++it;
          } else {
            require(want < dead.size() && dead[want] == it->second.r);
            ++want;
            it = model.erase(it);
          }
        }
        require(want == dead.size());
        break;
      }
    }
    require(t.size() == model.size() && t.size() <= limits.max_rules);
    const auto all = t.all();
    std::size_t i = 0;
    for (const auto& [k, e] : model) {
      if (!alive(e)) continue;
      require(i < all.size() && all[i] == e.r);
      ++i;
    }
    require(i == all.size());
  }
  return 0;
}
