#pragma once
// Which transport networks a visor runs, built from its config (spec/skywire.md §1.1; Go:
// pkg/visor/init.go). Internal to the visor module.
//
//   stcp   only when the config has a "skywire-tcp" section: a listener on its
//          listening_address (empty = dial only) and its pk_table for dialing.
//   stcpr  when transport.address_resolver is set: a TCP listener on transport.stcpr_port
//          (0 = a free one); the port and this host's addresses are bound at the address
//          resolver when it could reach us (see stcpr_should_bind).
//   sudph  when transport.address_resolver is an http:// URL (Go leaves sudph out for dmsg://
//          resolvers): one UDP socket on transport.sudph_port, bound at the resolver's UDP side.
//          Go also probes the NAT type with STUN and leaves sudph out behind a symmetric NAT;
//          we have no STUN client yet, so sudph is always tried (it fails, logged, where the NAT
//          makes hole punching impossible).
//   dmsg   always: transports over dmsg streams to pk:45.
//
// A network that cannot start (a port in use, a malformed address) is an error that names it.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/transport/manager.hpp"
#include "skywire/transport/transport.hpp"
#include "skywire/visor/config.hpp"

namespace skywire::disc {
class addr_resolver_client;
}
namespace skywire::dmsg {
class client;
}

namespace skywire::visor {

struct network_set {
  std::vector<std::unique_ptr<transport::network>> networks;  // in start order
  std::map<std::string, std::string> listening;                // type -> "where", for info
  std::uint16_t stcpr_port = 0;                                // 0: no stcpr network
  bool stcpr_bound = false;                                    // it binds at the address resolver
};

struct network_context {
  boost::asio::any_io_executor ex;
  const config& cfg;
  crypto::key_pair keys;
  dmsg::client& dmsg;
  std::shared_ptr<disc::addr_resolver_client> ar;  // null: no address resolver configured
  const base::clock& clock;
  base::logger log;
};

struct network_error {
  std::string message;  // "stcpr: cannot listen on :0: …"
};

boost::system::result<network_set, network_error> make_networks(const network_context& ctx);

// Whether stcpr should bind at the resolver: Go binds only when this host has a public IPv4
// address; we also bind when the resolver itself is on a loopback or private address (a local
// deployment, whose resolver runs in --local mode and accepts such sources).
bool stcpr_should_bind(const std::string& address_resolver_url);

}  // namespace skywire::visor
