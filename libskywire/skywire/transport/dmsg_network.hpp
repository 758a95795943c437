#pragma once
// dmsg transports: a transport is a dmsg stream to the remote visor's dmsg port 45
// (spec/skywire.md §1.1, §1.4; Go: pkg/transport/network/dmsg.go).
//
//   auto n = dmsg_network::create(dmsg_client, log);    // listens on dmsg port 45 now
//   auto tp = co_await (*n)->dial(remote_pk);           // dmsg::client::dial(pk, 45)
//   auto in = co_await (*n)->accept();                  // the next stream accepted on port 45
//
// No raw handshake and no Noise KK at this layer: the dmsg stream is already authenticated and
// end-to-end encrypted (Noise KK between the two clients, spec/dmsg.md §5.5), so the transport's
// stream is the dmsg stream itself. Local/remote pk and ports are the stream's dmsg addresses
// (the dialer's port is the dmsg client's ephemeral port, the acceptor's 45); the transport id
// is make_transport_id(local, remote, "dmsg"). Settlement follows as for every network.
//
// Ownership: the dmsg client is borrowed and must outlive the network; it is not closed here
// (other parts of the visor use it too, as in Go). The network owns the port-45 listener:
// close() (and the destructor) stops it, waking a pending accept(). Transports already returned
// own their streams and are independent of the network.
// Executor: the dmsg client's (single-threaded). One accept() at a time.
// Errors: create(): dmsg::errc::port_occupied when port 45 is already listened on. dial(): the
// dmsg client's errors (discovery, no session, refused or timed-out stream request).
// dial()/accept(): errc::network_closed after close().
#include <memory>

#include <boost/asio/awaitable.hpp>

#include "skywire/base/log.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/dmsg/client.hpp"
#include "skywire/dmsg/listener.hpp"
#include "skywire/transport/transport.hpp"

namespace skywire::transport {

class dmsg_network final : public network {
 public:
  // log: empty = discard.
  static result<std::unique_ptr<dmsg_network>> create(dmsg::client& client, base::logger log);
  ~dmsg_network() override;
  dmsg_network(const dmsg_network&) = delete;
  dmsg_network& operator=(const dmsg_network&) = delete;

  std::string_view type() const noexcept override;
  boost::asio::awaitable<result<transport>> dial(crypto::public_key remote) override;
  boost::asio::awaitable<result<transport>> accept() override;
  void close() override;

 private:
  dmsg_network(dmsg::client& client, dmsg::listener listener, base::logger log);

  dmsg::client& client_;
  dmsg::listener listener_;
  base::logger log_;
  std::shared_ptr<bool> closed_ = std::make_shared<bool>(false);  // outlives a pending dial
};

// The transport a dmsg stream is (exposed for tests).
transport make_dmsg_transport(std::unique_ptr<dmsg::stream> s, bool initiator);

}  // namespace skywire::transport
