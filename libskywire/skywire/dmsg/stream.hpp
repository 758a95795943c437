#pragma once
// dmsg::stream: one end-to-end encrypted dmsg stream (spec/dmsg.md §3.5, §5.6) after the KK
// handshake: u16 L ‖ u64 N ‖ AEAD(stream key, data) frames (L ≤ 4094, plaintext ≤ 4070,
// strictly increasing nonces, empty frames skipped) carried over a yamux stream of a session.
// It is a net::stream, so net::http_client can run over it (dmsg_dialer in dialer.hpp).
//
// Ownership: owns the yamux stream, the transport keys and the local port (released on
// destruction). close() closes the yamux stream (FIN); the server's splice then ends both
// halves, so there is no half-close (§5.6).
//
// Executor: the client's; one read_some and one write_all at a time.
// Errors: net::errc::closed at end of stream, noise::errc for bad frames (fatal), yamux errors.
#include <cstddef>

#include <boost/asio/awaitable.hpp>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/dmsg/ports.hpp"
#include "skywire/dmsg/yamux/stream.hpp"
#include "skywire/net/stream.hpp"
#include "skywire/noise/frame.hpp"
#include "skywire/noise/handshake_state.hpp"
#include "skywire/wire/dmsg/stream_objects.hpp"

namespace skywire::dmsg {

using addr = wire::dmsg::addr;

class stream final : public net::stream {
 public:
  stream(yamux::stream st, const noise::transport_keys& keys, addr local, addr remote, port_lease lease);
  ~stream() override;

  boost::asio::awaitable<result<std::size_t>> read_some(mutable_byte_view buf) override;
  boost::asio::awaitable<result<void>> write_all(byte_view data) override;
  void close() noexcept override;

  const addr& local_addr() const noexcept { return local_; }
  const addr& remote_addr() const noexcept { return remote_; }

 private:
  yamux::stream st_;
  noise::frame_sealer sealer_;
  noise::frame_opener opener_;
  addr local_;
  addr remote_;
  port_lease lease_;
  bytes rbuf_;        // current frame body; plaintext is pending_ within it
  byte_view pending_;
  bytes wbuf_;
  error_code read_error_;
};

}  // namespace skywire::dmsg
