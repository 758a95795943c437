// detail::udp_batch over real UDP on 127.0.0.1: whatever the batching (sendmmsg, GSO runs, GRO
// on the receiving socket or not), the receiver sees exactly the datagrams that were sent, in
// order, with their boundaries — runs of equal sizes, a shorter datagram ending a run, a
// longer one starting the next, tiny ACK-sized ones — and an oversized datagram arrives whole
// (its size visible) instead of truncated to something that would pass.
#include <gtest/gtest.h>
#include <poll.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "skywire/transport/detail/udp_batch.hpp"
#include "skywire/transport/kcp/limits.hpp"

namespace skywire::transport::detail {
namespace {

namespace asio = boost::asio;
using asio::ip::udp;
using namespace std::chrono_literals;

struct sockets {
  asio::io_context ctx;
  udp::socket tx{ctx, udp::endpoint(asio::ip::address_v4::loopback(), 0)};
  udp::socket rx{ctx, udp::endpoint(asio::ip::address_v4::loopback(), 0)};
  sockets() {
    rx.set_option(asio::socket_base::receive_buffer_size(1 << 20));
    tx.set_option(asio::socket_base::send_buffer_size(1 << 20));
  }
};

bytes datagram(std::size_t size, std::uint32_t index) {
  bytes d(size);
  for (std::size_t i = 0; i < size; ++i) d[i] = static_cast<std::uint8_t>(index * 7 + i);
  return d;
}

// Sizes as a KCP flush emits them (full segments, a short last one, packed ACKs) plus edge
// cases: a run longer than one GSO buffer, a longer datagram after a shorter one.
std::vector<bytes> mixed_datagrams() {
  std::vector<std::size_t> sizes;
  for (int i = 0; i < 60; ++i) sizes.push_back(1400);  // more than one 64 KiB GSO buffer
  sizes.push_back(700);
  for (int i = 0; i < 3; ++i) sizes.push_back(1400);
  sizes.insert(sizes.end(), {24, 24, 48, 1400, 1, 1400, 1400, 1399, 1500, 100});
  std::vector<bytes> out;
  for (std::size_t i = 0; i < sizes.size(); ++i) out.push_back(datagram(sizes[i], static_cast<std::uint32_t>(i)));
  return out;
}

// Receives until `want` datagrams arrived or 5 s passed.
std::vector<bytes> receive_all(udp::socket& s, std::size_t want, const udp::endpoint& from) {
  datagram_receiver rx(8);
  std::vector<bytes> got;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (got.size() < want && std::chrono::steady_clock::now() < deadline) {
    auto n = rx.receive(s.native_handle());
    EXPECT_TRUE(n.has_value()) << n.error().message();
    if (!n) break;
    if (*n == 0) {
      pollfd p{s.native_handle(), POLLIN, 0};
      ::poll(&p, 1, 100);
      continue;
    }
    for (std::size_t i = 0; i < *n; ++i) {
      EXPECT_EQ(rx.source(i), from);
      got.emplace_back(rx.data(i).begin(), rx.data(i).end());
    }
  }
  return got;
}

void round_trip(bool gso, bool gro) {
  sockets s;
  if (gro) enable_gro(s.rx.native_handle());
  const auto sent = mixed_datagrams();
  datagram_sender tx(gso);
  error_code ec;
  EXPECT_EQ(tx.send(s.tx.native_handle(), s.rx.local_endpoint(), sent, ec), sent.size());
  EXPECT_FALSE(ec) << ec.message();
  const auto got = receive_all(s.rx, sent.size(), s.tx.local_endpoint());
  ASSERT_EQ(got.size(), sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) EXPECT_EQ(got[i], sent[i]) << "datagram " << i;
}

TEST(UdpBatch, GsoRunsArriveAsTheDatagramsSent) { round_trip(true, false); }
TEST(UdpBatch, GsoRunsIntoAGroSocketAreSplitBack) { round_trip(true, true); }
TEST(UdpBatch, WithoutGsoEveryDatagramIsItsOwnMessage) { round_trip(false, false); }
TEST(UdpBatch, PlainDatagramsIntoAGroSocket) { round_trip(false, true); }

TEST(UdpBatch, OversizedDatagramArrivesWholeNotTruncated) {
  sockets s;
  enable_gro(s.rx.native_handle());
  const std::vector<bytes> sent{datagram(kcp::limits::max_datagram + 500, 1), datagram(30000, 2), datagram(10, 3)};
  error_code ec;
  // One datagram per message: a GSO run would cut these into 1900-byte pieces.
  datagram_sender tx(false);
  EXPECT_EQ(tx.send(s.tx.native_handle(), s.rx.local_endpoint(), sent, ec), sent.size());
  const auto got = receive_all(s.rx, sent.size(), s.tx.local_endpoint());
  ASSERT_EQ(got.size(), sent.size());
  EXPECT_EQ(got[0].size(), kcp::limits::max_datagram + 500);
  EXPECT_EQ(got[1], sent[1]);
  EXPECT_EQ(got[2], sent[2]);
}

TEST(UdpBatch, SendErrorIsReportedWithTheCountSent) {
  sockets s;
  const std::vector<bytes> sent{datagram(100, 1), datagram(70000, 2), datagram(100, 3)};
  datagram_sender tx(false);
  error_code ec;
  // 70000 bytes exceed any UDP payload: the first datagram goes, the second fails (EMSGSIZE).
  EXPECT_EQ(tx.send(s.tx.native_handle(), s.rx.local_endpoint(), sent, ec), 1u);
  EXPECT_TRUE(ec);
}

}  // namespace
}  // namespace skywire::transport::detail
