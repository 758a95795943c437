#pragma once
// detail::udp_batch: many datagrams per system call on a non-blocking UDP socket (Linux
// recvmmsg / sendmmsg with UDP GSO and GRO), for udp_mux. A KCP session at full speed moves one
// datagram per ~1400 bytes, and on loopback the per-datagram cost (syscall entry, socket lock,
// one skb each) dominates everything else; batching divides it. The datagrams on the wire are
// exactly the ones single sendto()s would produce, so a Go peer sees no difference.
//
//   enable_gro(fd);                              // best effort: coalesced receives
//   datagram_receiver rx(8);
//   auto n = rx.receive(fd);                     // result<size_t>: 0 = nothing queued
//   for (std::size_t i = 0; i < *n; ++i) use(rx.source(i), rx.data(i));
//   datagram_sender tx;
//   tx.send(fd, to, datagrams, ec);              // how many went out
//
// Receiving: each slot holds 64 KiB, more than any UDP payload, so nothing is ever truncated:
// an oversized datagram arrives whole and the caller sees its size (and drops it). With GRO
// on, one slot may hold a run of datagrams from one source, all of the size the kernel reports
// (the last possibly shorter); receive() splits them back, so data(i) is always one datagram.
// The slots are allocated on the first receive, uninitialised: pages no datagram reaches stay
// untouched (an idle visor's mux sees a small heartbeat now and then, not 512 KiB).
//
// Errors: receive returns the socket's error (would_block is 0 datagrams, not an error;
// connection_refused and the like report an ICMP error for an earlier send and are
// per-datagram: the caller keeps receiving while the socket is open). send() stops at
// the first error (would_block: the socket buffer is full; the rest are dropped, as a single
// sendto would drop them) and reports it in ec.
// Not thread-safe; one receiver per socket.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include <boost/asio/ip/udp.hpp>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"

namespace skywire::transport::detail {

// Asks the kernel to hand us runs of datagrams from one source as one buffer (UDP_GRO). False
// where unsupported; receiving works either way.
bool enable_gro(int fd) noexcept;

class datagram_receiver {
 public:
  explicit datagram_receiver(std::size_t slots);
  ~datagram_receiver();
  datagram_receiver(const datagram_receiver&) = delete;
  datagram_receiver& operator=(const datagram_receiver&) = delete;

  // Takes what is queued on `fd` (up to one buffer per slot) without blocking; the number of
  // datagrams, after splitting coalesced runs.
  result<std::size_t> receive(int fd);

  // The i-th datagram of the last receive (i < its count). Valid until the next receive.
  byte_view data(std::size_t i) const noexcept { return got_[i].data; }
  const boost::asio::ip::udp::endpoint& source(std::size_t i) const noexcept { return sources_[got_[i].slot]; }

 private:
  struct native;
  struct datagram {
    byte_view data;
    std::size_t slot;
  };
  std::size_t slots_count_;
  std::unique_ptr<std::uint8_t[]> slots_;
  std::unique_ptr<native> native_;
  std::vector<boost::asio::ip::udp::endpoint> sources_;
  std::vector<datagram> got_;
};

// Sends datagrams to one endpoint in as few calls as possible: runs of equal-sized datagrams
// (the last of a run may be shorter) go out as one UDP GSO buffer each (UDP_SEGMENT: the kernel
// or the NIC cuts it into exactly those datagrams), several runs per sendmmsg call. Where GSO
// is refused (no checksum offload on the route's device: EIO; an old kernel: EINVAL,
// ENOPROTOOPT) the sender falls back to one datagram per message for good.
class datagram_sender {
 public:
  explicit datagram_sender(bool gso = true) noexcept : gso_(gso) {}

  // Sends every datagram of `datagrams` to `to`, in order. Returns how many were sent; ec is
  // the error that stopped it (empty when all went out).
  std::size_t send(int fd, const boost::asio::ip::udp::endpoint& to, std::span<const bytes> datagrams,
                   error_code& ec) noexcept;

  bool gso() const noexcept { return gso_; }

 private:
  bool gso_;
};

}  // namespace skywire::transport::detail
