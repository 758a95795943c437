#pragma once
// Test support: a small internet of network namespaces with masquerading NATs, for tests of
// transports between visors that are not directly reachable (DESIGN.md §5, §8: faults and NATs
// are tested in namespaces the test creates).
//
//   test::nat_lab lab("nat");                      // namespace "wan" routes between the sites
//   auto& b = lab.add_public("b");                 // b.host on the wan: 198.18.<k>.2
//   auto& a = lab.add_natted("a");                 // a.host 198.19.<k>.2 behind a.router, which
//                                                  // masquerades out of 198.18.<k>.2
//   // services in lab.wan() listen on lab.wan_ip() (198.18.0.1), reachable from every site
//   lab.cut(a);  …  lab.restore(a);                // the wan loses the site's link, and gets it back
//
// Addresses: only 198.18.0.0/15 (benchmarking range, never routed outside a test). Site k (from 1)
// gets the link 198.18.<k>.0/24 to the wan (wan .1, site .2); a natted site's private side is
// 198.19.<k>.0/24 (router .1, host .2). The wan holds 198.18.0.1/32 on its loopback, forwards
// between its links and has no other route: a private 198.19 address is unreachable from the
// wan, as on the real internet.
//
// NAT mapping: endpoint_independent is Linux MASQUERADE as it comes (it keeps the source port
// when it is free, so one private ip:port maps to the same public ip:port towards every peer:
// the mapping UDP hole punching needs); random_port is MASQUERADE --random (a fresh random
// port for every new flow: an endpoint-dependent, "symmetric" mapping). Filtering is
// conntrack's: only replies to flows the site started come back in. Like a home router, each
// NAT router rejects what the wan sends to the router itself uncalled for (TCP with a RST, the
// rest with ICMP port unreachable). That matters for hole punching: a bare MASQUERADE router
// *accepts* such a packet into its conntrack table (as a flow to itself), and when the peer's
// punch arrives before the site's own first datagram to that peer, the entry occupies the
// public ip:port the NAT would have kept, so the site's flow is remapped to another port and
// the punch misses. A rejected packet leaves no entry (it never reaches conntrack's confirm).
//
// Ownership: the lab owns every namespace (and so every veth: deleting a namespace deletes its
// interfaces); the destructor removes them all, also when a test fails half way. Site
// references stay valid for the lab's life. Needs iptables_available(); setup failures throw
// std::runtime_error.
#include <deque>
#include <memory>
#include <string>

#include "netns.hpp"

namespace skywire::test {

struct nat_site {
  std::unique_ptr<netns> host;    // where the visor runs
  std::unique_ptr<netns> router;  // the NAT namespace; null for a public site
  std::string host_ip;            // the host's own address
  std::string public_ip;          // the source address the wan sees: the router's, or host_ip
  std::string wan_if;             // the wan's end of the site's link (what cut() downs)
};

class nat_lab {
 public:
  enum class mapping { endpoint_independent, random_port };

  explicit nat_lab(const std::string& base);
  nat_lab(const nat_lab&) = delete;
  nat_lab& operator=(const nat_lab&) = delete;
  ~nat_lab();

  const netns& wan() const noexcept { return *wan_; }
  static std::string wan_ip() { return "198.18.0.1"; }

  // A host directly on the wan (public address).
  nat_site& add_public(const std::string& name);
  // A host behind its own masquerading router; reject_unsolicited = false leaves out the input
  // filter (a bare MASQUERADE router).
  nat_site& add_natted(const std::string& name, mapping m = mapping::endpoint_independent,
                       bool reject_unsolicited = true);

  // The wan's end of the site's link goes down (the site keeps its addresses and its side of
  // the link; nothing crosses until restore()), and comes back up.
  void cut(const nat_site& s) const;
  void restore(const nat_site& s) const;

 private:
  nat_site& add_site(const std::string& name, bool natted, mapping m, bool reject_unsolicited);

  std::string base_;
  std::unique_ptr<netns> wan_;
  std::deque<nat_site> sites_;
};

}  // namespace skywire::test
