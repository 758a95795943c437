// Routing packets (spec/skywire.md §3.1): Appendix B.3 byte for byte, hostile headers and
// payloads, and the stream splitter fed in every chunking.
#include <gtest/gtest.h>

#include <string>

#include "skywire/base/hex.hpp"
#include "skywire/wire/errc.hpp"
#include "skywire/wire/routing/packet.hpp"
#include "skywire/wire/routing/packet_reader.hpp"

namespace skywire::wire::routing {
namespace {

std::string hex(const bytes& b) { return base::to_hex(b); }

bytes unhex(std::string s) {
  std::erase(s, ' ');
  return base::from_hex(s).value();
}

TEST(RoutingPacket, AppendixB3Vectors) {
  EXPECT_EQ(hex(encode_data(0x01020304, as_bytes("hello")).value()), "00010203040005" "68656c6c6f");
  EXPECT_EQ(hex(encode_close(7, 0)), "01000000070001" "00");
  EXPECT_EQ(hex(encode_keep_alive(7)), "02000000070000");
  EXPECT_EQ(hex(encode_handshake(7, true)), "03000000070001" "01");
  EXPECT_EQ(hex(encode_ping(7, 1700000000000, 12345)),
            "04000000070010" "0000018bcfe56800" "0000000000003039");
  EXPECT_EQ(hex(encode_pong(7, 1700000000000)), "05000000070010" "0000018bcfe56800" "0000000000000000");
  EXPECT_EQ(hex(encode_handshake(7, false)), "03000000070001" "00");
  EXPECT_EQ(hex(encode_error(9, "boom").value()), "06000000090004" "626f6f6d");
}

TEST(RoutingPacket, ParseB3Packets) {
  // Named buffers: a packet_view points into them.
  const bytes data = unhex("00 01020304 0005 68656c6c6f");
  auto p = parse_packet(data).value();
  EXPECT_EQ(p.type, packet_type::data);
  EXPECT_EQ(p.route_id, 0x01020304u);
  EXPECT_EQ(as_chars(p.payload), "hello");

  const bytes ping_b = unhex("04 00000007 0010 0000018bcfe56800 0000000000003039");
  auto ping = parse_packet(ping_b).value();
  EXPECT_EQ(ping.type, packet_type::ping);
  EXPECT_EQ(parse_ping(ping.payload).value(), (ping_payload{1700000000000, 12345}));
  const bytes pong_b = unhex("05 00000007 0010 0000018bcfe56800 0000000000000000");
  auto pong = parse_packet(pong_b).value();
  EXPECT_EQ(parse_pong(pong.payload).value(), (ping_payload{1700000000000, 0}));
  const bytes close_b = unhex("01 00000007 0001 00");
  auto close = parse_packet(close_b).value();
  EXPECT_EQ(parse_close(close.payload).value(), close_requested);
  const bytes hs_b = unhex("03 00000007 0001 01");
  auto hs = parse_packet(hs_b).value();
  EXPECT_TRUE(parse_handshake(hs.payload).value());
  const bytes ka_b = unhex("02 00000007 0000");
  auto ka = parse_packet(ka_b).value();
  EXPECT_TRUE(ka.payload.empty());
}

TEST(RoutingPacket, NegativePingFieldsRoundTrip) {
  const bytes b = encode_ping(1, -1, std::numeric_limits<std::int64_t>::min());
  auto p = parse_packet(b).value();
  EXPECT_EQ(parse_ping(p.payload).value(), (ping_payload{-1, std::numeric_limits<std::int64_t>::min()}));
}

TEST(RoutingPacket, HeaderNeedsExactlySevenBytes) {
  EXPECT_EQ(parse_header(unhex("00 00000001 00")).error(), errc::truncated);
  EXPECT_EQ(parse_header(unhex("00 00000001 0000 00")).error(), errc::trailing_bytes);
  auto h = parse_header(unhex("ff ffffffff ffff")).value();
  EXPECT_EQ(h.payload_size, 65535);
  EXPECT_EQ(h.route_id, 0xffffffffu);
}

TEST(RoutingPacket, UnknownTypesParseButAreNotKnown) {
  auto h = parse_header(unhex("07 00000001 0000")).value();
  EXPECT_FALSE(is_known(h.type));
  EXPECT_EQ(to_string(h.type), "Unknown");
  for (int t = 0; t <= 6; ++t) EXPECT_TRUE(is_known(static_cast<packet_type>(t)));
  EXPECT_FALSE(is_known(static_cast<packet_type>(255)));
  EXPECT_TRUE(parse_packet(unhex("c8 00000001 0001 aa")).has_value());
}

TEST(RoutingPacket, PayloadSizeMustMatch) {
  EXPECT_EQ(parse_packet(unhex("00 00000001 0005 6865")).error(), errc::truncated);
  EXPECT_EQ(parse_packet(unhex("00 00000001 0001 6865")).error(), errc::trailing_bytes);
  EXPECT_EQ(parse_packet(unhex("00 0000")).error(), errc::truncated);
  EXPECT_EQ(parse_packet({}).error(), errc::truncated);
}

TEST(RoutingPacket, ShortTypedPayloadsAreRefusedLongOnesRead) {
  EXPECT_EQ(parse_close({}).error(), errc::too_short);
  EXPECT_EQ(parse_handshake({}).error(), errc::too_short);
  EXPECT_EQ(parse_ping(bytes(15)).error(), errc::too_short);
  EXPECT_EQ(parse_pong(bytes(0)).error(), errc::too_short);
  // Go reads payload[0] / the first 16 bytes and ignores the rest.
  EXPECT_EQ(parse_close(unhex("05 ff")).value(), 5);
  EXPECT_FALSE(parse_handshake(unhex("02")).value());
  EXPECT_TRUE(parse_ping(bytes(17)).has_value());
}

TEST(RoutingPacket, DataUpTo65535Bytes) {
  const bytes max(max_payload_size, 0xab);
  auto p = encode_data(1, max).value();
  EXPECT_EQ(p.size(), max_packet_size);
  EXPECT_EQ(hex(bytes(p.begin(), p.begin() + 7)), "0000000001ffff");
  EXPECT_EQ(parse_packet(p).value().payload.size(), max_payload_size);
  const bytes over(max_payload_size + 1, 0);
  EXPECT_EQ(encode_data(1, over).error(), errc::too_long);
  EXPECT_EQ(encode_error(1, as_chars(over)).error(), errc::too_long);
  EXPECT_EQ(encode_packet(packet_type::data, 1, over).error(), errc::too_long);
}

TEST(RoutingPacket, HeaderRoundTrip) {
  const packet_header h{packet_type::pong, 0xdeadbeef, 0x1234};
  auto b = encode_header(h);
  EXPECT_EQ(hex(bytes(b.begin(), b.end())), "05deadbeef1234");
  EXPECT_EQ(parse_header(b).value(), h);
}

// A stream of mixed packets, split at every possible chunk size, comes out whole and in order.
bytes sample_stream(std::vector<bytes>& packets) {
  packets.push_back(encode_keep_alive(1));
  packets.push_back(encode_data(2, as_bytes("hello")).value());
  packets.push_back(encode_ping(3, 1700000000000, 5));
  packets.push_back(encode_data(4, bytes(20000, 0x5a)).value());
  packets.push_back(encode_close(5));
  packets.push_back(encode_data(6, bytes(max_payload_size, 0x11)).value());
  packets.push_back(encode_handshake(7, true));
  bytes all;
  for (auto& p : packets) all.insert(all.end(), p.begin(), p.end());
  return all;
}

TEST(RoutingPacketReader, EveryChunkingYieldsThePackets) {
  std::vector<bytes> packets;
  const bytes all = sample_stream(packets);
  for (std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{6}, std::size_t{7}, std::size_t{8},
                            std::size_t{13}, std::size_t{4070}, std::size_t{65536}, all.size()}) {
    packet_reader rd;
    std::vector<bytes> got;
    std::size_t pos = 0;
    while (pos < all.size()) {
      while (auto p = rd.next()) {
        auto enc = encode_packet(p->type, p->route_id, p->payload).value();
        got.push_back(enc);
      }
      auto space = rd.prepare();
      ASSERT_FALSE(space.empty());
      const std::size_t n = std::min({chunk, space.size(), all.size() - pos});
      std::copy_n(all.begin() + static_cast<std::ptrdiff_t>(pos), n, space.begin());
      rd.commit(n);
      pos += n;
      EXPECT_LE(rd.capacity(), packet_reader::max_buffer);
    }
    while (auto p = rd.next()) got.push_back(encode_packet(p->type, p->route_id, p->payload).value());
    EXPECT_EQ(got, packets) << "chunk " << chunk;
    EXPECT_EQ(rd.buffered(), 0u);
  }
}

TEST(RoutingPacketReader, HugeDeclaredPayloadIsBoundedAndWaits) {
  packet_reader rd;
  const bytes hdr = unhex("00 00000001 ffff");
  auto space = rd.prepare();
  std::copy(hdr.begin(), hdr.end(), space.begin());
  rd.commit(hdr.size());
  EXPECT_FALSE(rd.next().has_value());
  space = rd.prepare();
  EXPECT_GE(space.size(), max_payload_size);  // room for the whole declared payload
  EXPECT_LE(rd.capacity(), packet_reader::max_buffer);
  rd.commit(100);
  EXPECT_FALSE(rd.next().has_value());
  EXPECT_EQ(rd.buffered(), 107u);
}

TEST(RoutingPacketReader, StartsSmall) {
  packet_reader rd;
  (void)rd.prepare();
  EXPECT_EQ(rd.capacity(), packet_reader::min_buffer);
}

}  // namespace
}  // namespace skywire::wire::routing
