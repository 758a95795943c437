// session_core with injected time: two cores wired back to back (pump), or one core fed
// hand-made frames.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "skywire/dmsg/yamux/errc.hpp"
#include "skywire/dmsg/yamux/header.hpp"
#include "skywire/dmsg/yamux/session_core.hpp"
#include "vectors.hpp"

namespace skywire::dmsg::yamux {
namespace {

using namespace std::chrono_literals;

bytes frame(frame_type t, std::uint16_t f, std::uint32_t id, std::uint32_t len) {
  header h;
  h.type = t;
  h.flags = f;
  h.stream_id = id;
  h.length = len;
  auto e = encode_header(h);
  return bytes(e.begin(), e.end());
}

bytes drain(session_core& c) {
  auto v = c.pending_output();
  bytes out(v.begin(), v.end());
  c.consume_output(v.size());
  if (c.output_size() > 0) {  // frames queued behind the first view
    auto w = c.pending_output();
    out.insert(out.end(), w.begin(), w.end());
    c.consume_output(w.size());
  }
  return out;
}

bool has_event(const std::vector<event>& evs, event::kind k, stream_id id = 0) {
  return std::any_of(evs.begin(), evs.end(), [&](const event& e) { return e.what == k && e.id == id; });
}

bytes vec(const char* name) { return test::hex(test::dmsg_vectors(), std::string("yamux_headers.") + name); }

struct YamuxCore : ::testing::Test {
  time_point t0{};
  time_point now = t0;
  session_core client{role::client, t0};
  session_core server{role::server, t0};

  // Moves all queued output both ways until quiet.
  void pump() {
    for (int i = 0; i < 100; ++i) {
      bytes a = drain(client);
      bytes b = drain(server);
      if (a.empty() && b.empty()) return;
      if (!a.empty()) (void)server.receive(a, now);
      if (!b.empty()) (void)client.receive(b, now);
    }
  }

  stream_id open_accepted() {
    auto id = client.open_stream(now);
    EXPECT_TRUE(id.has_value());
    pump();
    auto acc = server.accept();
    EXPECT_EQ(acc, *id);
    pump();
    (void)client.take_events();
    (void)server.take_events();
    return *id;
  }
};

TEST_F(YamuxCore, OpenAcceptAckBytesMatchGo) {
  auto id = client.open_stream(now);
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(*id, 1u);
  EXPECT_EQ(drain(client), vec("open_stream_1_window_update_SYN_delta0"));
  ASSERT_TRUE(server.receive(vec("open_stream_1_window_update_SYN_delta0"), now).has_value());
  EXPECT_TRUE(has_event(server.take_events(), event::kind::incoming, 1));
  EXPECT_EQ(server.backlog_size(), 1u);
  EXPECT_EQ(server.accept(), 1u);
  const bytes ack = drain(server);
  EXPECT_EQ(ack, vec("accept_stream_1_window_update_ACK"));
  ASSERT_TRUE(client.receive(ack, now).has_value());
  EXPECT_TRUE(has_event(client.take_events(), event::kind::acked, 1));
  EXPECT_TRUE(client.status(1)->acked);
  // Server-opened streams are even.
  auto sid = server.open_stream(now);
  EXPECT_EQ(*sid, 2u);
  auto cid = client.open_stream(now);
  EXPECT_EQ(*cid, 3u);
}

TEST_F(YamuxCore, DataBothWays) {
  const stream_id id = open_accepted();
  ASSERT_EQ(*client.write(id, as_bytes("hello")), 5u);
  bytes out = drain(client);
  EXPECT_EQ(bytes(out.begin(), out.begin() + 12), frame(frame_type::data, 0, id, 5));
  ASSERT_TRUE(server.receive(out, now).has_value());
  EXPECT_TRUE(has_event(server.take_events(), event::kind::readable, id));
  EXPECT_EQ(as_chars(server.readable(id)), "hello");
  server.consume(id, 5);
  ASSERT_EQ(*server.write(id, as_bytes("world!")), 6u);
  pump();
  byte_array<16> buf{};
  EXPECT_EQ(client.read(id, buf), 6u);
  EXPECT_EQ(as_chars(byte_view(buf).first(6)), "world!");
}

TEST_F(YamuxCore, PartialFramesByteByByte) {
  const stream_id id = open_accepted();
  ASSERT_EQ(*client.write(id, as_bytes("abcdef")), 6u);
  const bytes out = drain(client);
  for (std::uint8_t b : out) ASSERT_TRUE(server.receive(byte_view(&b, 1), now).has_value());
  EXPECT_EQ(as_chars(server.readable(id)), "abcdef");
}

TEST_F(YamuxCore, WindowExhaustionAndUpdate) {
  const stream_id id = open_accepted();
  const bytes big(600 * 1024, 0x5a);
  std::size_t sent = 0;
  for (;;) {
    auto n = client.write(id, byte_view(big).subspan(sent));
    ASSERT_TRUE(n.has_value());
    if (*n == 0) break;
    sent += *n;
    pump();
  }
  EXPECT_EQ(sent, limits::initial_window);  // blocked on the window, not buffered
  EXPECT_EQ(client.status(id)->send_window, 0u);
  EXPECT_EQ(server.status(id)->buffered, limits::initial_window);
  // Reading less than half a window returns no credit.
  server.consume(id, limits::window_update_threshold - 1);
  EXPECT_EQ(server.output_size(), 0u);
  server.consume(id, 1);
  const bytes wu = drain(server);
  EXPECT_EQ(wu, frame(frame_type::window_update, 0, id, limits::window_update_threshold));
  ASSERT_TRUE(client.receive(wu, now).has_value());
  EXPECT_TRUE(has_event(client.take_events(), event::kind::writable, id));
  EXPECT_EQ(client.status(id)->send_window, limits::window_update_threshold);
}

TEST_F(YamuxCore, OutputQueueIsBounded) {
  config cfg;
  cfg.max_output_bytes = 64 * 1024;
  session_core c(role::client, now, cfg);
  auto id = c.open_stream(now);
  const bytes big(200 * 1024, 1);
  std::size_t sent = 0;
  for (;;) {
    auto n = c.write(*id, byte_view(big).subspan(sent));
    ASSERT_TRUE(n.has_value());
    if (*n == 0) break;
    sent += *n;
  }
  EXPECT_LE(c.output_size(), cfg.max_output_bytes);
  (void)c.take_events();
  auto v = c.pending_output();
  c.consume_output(v.size());
  EXPECT_TRUE(has_event(c.take_events(), event::kind::writable, *id));
}

TEST_F(YamuxCore, KeepalivePingPong) {
  ASSERT_TRUE(client.next_deadline().has_value());
  EXPECT_EQ(*client.next_deadline(), t0 + 30s);
  now = t0 + 30s;
  client.on_timer(now);
  bytes ping = drain(client);
  EXPECT_EQ(ping, frame(frame_type::ping, flag::syn, 0, 0));
  ASSERT_TRUE(server.receive(ping, now).has_value());
  bytes pong = drain(server);
  EXPECT_EQ(pong, frame(frame_type::ping, flag::ack, 0, 0));
  ASSERT_TRUE(client.receive(pong, now).has_value());
  auto evs = client.take_events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].what, event::kind::pong);
  // The next ping has id 1; unanswered, it kills the session after 10 s.
  now = t0 + 60s;
  client.on_timer(now);
  EXPECT_EQ(drain(client), frame(frame_type::ping, flag::syn, 0, 1));
  EXPECT_EQ(*client.next_deadline(), t0 + 70s);
  now = t0 + 69s;
  client.on_timer(now);
  EXPECT_FALSE(client.closed());
  now = t0 + 70s;
  client.on_timer(now);
  EXPECT_TRUE(client.closed());
  EXPECT_EQ(client.error(), errc::keepalive_timeout);
  EXPECT_FALSE(client.open_stream(now).has_value());
}

TEST_F(YamuxCore, OpenTimeoutClosesSession) {
  config cfg;
  cfg.keepalive = false;
  session_core c(role::client, now, cfg);
  auto id = c.open_stream(now);
  (void)drain(c);
  EXPECT_EQ(*c.next_deadline(), now + 75s);
  c.on_timer(now + 74s);
  EXPECT_FALSE(c.closed());
  c.on_timer(now + 75s);
  EXPECT_TRUE(c.closed());
  EXPECT_EQ(c.error(), errc::open_timeout);
  EXPECT_EQ(drain(c), vec("go_away_normal"));
  (void)id;
}

TEST_F(YamuxCore, AckCancelsOpenTimeout) {
  config cfg;
  cfg.keepalive = false;
  session_core c(role::client, now, cfg);
  auto id = c.open_stream(now);
  ASSERT_TRUE(c.receive(frame(frame_type::window_update, flag::ack, *id, 0), now).has_value());
  EXPECT_FALSE(c.next_deadline().has_value());
  c.on_timer(now + 100s);
  EXPECT_FALSE(c.closed());
}

TEST_F(YamuxCore, BacklogOverflowIsReset) {
  for (std::uint32_t i = 0; i < limits::accept_backlog; ++i) {
    ASSERT_TRUE(server.receive(frame(frame_type::window_update, flag::syn, 2 * i + 1, 0), now).has_value());
  }
  EXPECT_EQ(server.backlog_size(), limits::accept_backlog);
  EXPECT_EQ(server.output_size(), 0u);
  const std::uint32_t extra = 2 * limits::accept_backlog + 1;
  ASSERT_TRUE(server.receive(frame(frame_type::window_update, flag::syn, extra, 0), now).has_value());
  EXPECT_EQ(drain(server), frame(frame_type::window_update, flag::rst, extra, 0));
  EXPECT_EQ(server.backlog_size(), limits::accept_backlog);
  // Data for the refused stream is skipped, not an error.
  bytes d = frame(frame_type::data, 0, extra, 3);
  d.insert(d.end(), {1, 2, 3});
  EXPECT_TRUE(server.receive(d, now).has_value());
}

TEST_F(YamuxCore, HalfCloseClientFirst) {
  const stream_id id = open_accepted();
  ASSERT_TRUE(client.close_stream(id, now).has_value());
  EXPECT_EQ(drain(client), vec("close_stream_1_window_update_FIN"));
  ASSERT_TRUE(server.receive(vec("close_stream_1_window_update_FIN"), now).has_value());
  EXPECT_TRUE(has_event(server.take_events(), event::kind::remote_fin, id));
  // The other direction still works.
  ASSERT_EQ(*server.write(id, as_bytes("late")), 4u);
  EXPECT_EQ(client.write(id, as_bytes("x")).error(), errc::stream_closed);
  pump();
  EXPECT_EQ(as_chars(client.readable(id)), "late");
  ASSERT_TRUE(server.close_stream(id, now).has_value());
  pump();
  EXPECT_TRUE(client.status(id)->remote_fin);
  EXPECT_FALSE(client.next_deadline() == now + 5min);
  client.release(id, now);
  server.release(id, now);
  EXPECT_EQ(client.stream_count(), 0u);
  EXPECT_EQ(server.stream_count(), 0u);
}

TEST_F(YamuxCore, HalfCloseServerFirst) {
  const stream_id id = open_accepted();
  ASSERT_TRUE(server.close_stream(id, now).has_value());
  pump();
  EXPECT_TRUE(client.status(id)->remote_fin);
  ASSERT_EQ(*client.write(id, as_bytes("after")), 5u);
  pump();
  EXPECT_EQ(as_chars(server.readable(id)), "after");
  // Releasing closes (FIN) and frees once both FINs are through.
  client.release(id, now);
  pump();
  EXPECT_EQ(client.stream_count(), 0u);
  EXPECT_TRUE(server.status(id)->remote_fin);
}

TEST_F(YamuxCore, CloseTimeoutResets) {
  const stream_id id = open_accepted();
  ASSERT_TRUE(client.close_stream(id, now).has_value());
  (void)drain(client);  // the FIN is lost; the server never answers
  client.release(id, now);
  EXPECT_EQ(client.stream_count(), 1u);
  client.on_timer(now + 5min);
  bytes out = drain(client);
  // A keepalive ping may precede it; the RST is the last frame.
  ASSERT_GE(out.size(), 12u);
  EXPECT_EQ(bytes(out.end() - 12, out.end()), frame(frame_type::window_update, flag::rst, id, 0));
  EXPECT_EQ(client.stream_count(), 0u);
}

TEST_F(YamuxCore, Reset) {
  const stream_id id = open_accepted();
  client.reset_stream(id);
  EXPECT_EQ(drain(client), vec("reset_stream_1_window_update_RST"));
  ASSERT_TRUE(server.receive(vec("reset_stream_1_window_update_RST"), now).has_value());
  EXPECT_TRUE(has_event(server.take_events(), event::kind::reset, id));
  EXPECT_TRUE(server.status(id)->reset);
  EXPECT_EQ(server.write(id, as_bytes("x")).error(), errc::stream_reset);
  EXPECT_EQ(client.write(id, as_bytes("x")).error(), errc::stream_reset);
}

TEST_F(YamuxCore, GoAwayNormal) {
  server.go_away();
  EXPECT_EQ(drain(server), vec("go_away_normal"));
  ASSERT_TRUE(client.receive(vec("go_away_normal"), now).has_value());
  EXPECT_TRUE(client.remote_went_away());
  EXPECT_EQ(client.open_stream(now).error(), errc::remote_go_away);
  // And the server refuses SYNs after its GoAway.
  ASSERT_TRUE(server.receive(frame(frame_type::window_update, flag::syn, 7, 0), now).has_value());
  EXPECT_EQ(drain(server), frame(frame_type::window_update, flag::rst, 7, 0));
}

TEST_F(YamuxCore, GoAwayErrorsKillSession) {
  ASSERT_FALSE(client.receive(frame(frame_type::go_away, 0, 0, 1), now).has_value());
  EXPECT_EQ(client.error(), errc::peer_protocol_error);
  EXPECT_FALSE(server.receive(frame(frame_type::go_away, 0, 0, 2), now).has_value());
  EXPECT_EQ(server.error(), errc::peer_internal_error);
}

TEST_F(YamuxCore, PeerExceedingWindowIsProtocolError) {
  const stream_id id = open_accepted();
  auto r = server.receive(frame(frame_type::data, 0, id, limits::initial_window + 1), now);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), errc::window_exceeded);
  EXPECT_EQ(drain(server), frame(frame_type::go_away, 0, 0, 1));
  // Also cumulatively: two frames that together exceed it.
  session_core s2(role::server, now);
  ASSERT_TRUE(s2.receive(frame(frame_type::window_update, flag::syn, 1, 0), now).has_value());
  bytes d = frame(frame_type::data, 0, 1, limits::initial_window);
  d.resize(d.size() + limits::initial_window);
  ASSERT_TRUE(s2.receive(d, now).has_value());
  EXPECT_EQ(s2.receive(frame(frame_type::data, 0, 1, 1), now).error(), errc::window_exceeded);
}

TEST_F(YamuxCore, BadVersionAndTypeAreProtocolErrors) {
  auto r = server.receive(test::unhex("010100010000000100000000"), now);
  EXPECT_EQ(r.error(), errc::bad_version);
  EXPECT_EQ(drain(server), frame(frame_type::go_away, 0, 0, 1));
  EXPECT_TRUE(server.closed());
  auto r2 = client.receive(test::unhex("000400000000000000000000"), now);
  EXPECT_EQ(r2.error(), errc::bad_type);
}

TEST_F(YamuxCore, BadStreamIdsAreProtocolErrors) {
  EXPECT_EQ(server.receive(frame(frame_type::window_update, flag::syn, 2, 0), now).error(), errc::bad_stream_id);
  session_core s(role::server, now);
  ASSERT_TRUE(s.receive(frame(frame_type::window_update, flag::syn, 1, 0), now).has_value());
  EXPECT_EQ(s.receive(frame(frame_type::window_update, flag::syn, 1, 0), now).error(), errc::duplicate_stream);
}

TEST_F(YamuxCore, ManyStreams) {
  std::vector<stream_id> ids;
  for (int i = 0; i < 200; ++i) ids.push_back(*client.open_stream(now));
  pump();
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(server.accept().has_value());
  pump();
  for (stream_id id : ids) ASSERT_EQ(*client.write(id, as_bytes("0123456789")), 10u);
  pump();
  for (stream_id id : ids) EXPECT_EQ(server.readable(id).size(), 10u);
  for (stream_id id : ids) {
    client.release(id, now);
    server.release(id, now);
  }
  pump();
  EXPECT_EQ(client.stream_count(), 0u);
  EXPECT_EQ(server.stream_count(), 0u);
}

TEST_F(YamuxCore, MaxStreamsBound) {
  config cfg;
  cfg.max_streams = 4;
  session_core s(role::server, now, cfg);
  for (std::uint32_t i = 0; i < 4; ++i) {
    ASSERT_TRUE(s.receive(frame(frame_type::window_update, flag::syn, 2 * i + 1, 0), now).has_value());
  }
  ASSERT_TRUE(s.receive(frame(frame_type::window_update, flag::syn, 9, 0), now).has_value());
  EXPECT_EQ(drain(s), frame(frame_type::window_update, flag::rst, 9, 0));
  EXPECT_EQ(s.open_stream(now).error(), errc::too_many_streams);
}

TEST_F(YamuxCore, CloseSendsGoAway) {
  client.close();
  EXPECT_TRUE(client.closed());
  EXPECT_EQ(client.error(), errc::session_closed);
  EXPECT_EQ(drain(client), vec("go_away_normal"));
  EXPECT_FALSE(client.next_deadline().has_value());
}

}  // namespace
}  // namespace skywire::dmsg::yamux
