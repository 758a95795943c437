#include "skywire/transport/udp_mux.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <utility>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "skywire/crypto/random.hpp"
#include "skywire/net/task_group.hpp"
#include "skywire/transport/detail/udp_batch.hpp"
#include "skywire/transport/errc.hpp"
#include "skywire/transport/kcp/errc.hpp"
#include "skywire/transport/kcp/segment.hpp"
#include "skywire/transport/kcp_session.hpp"

namespace skywire::transport {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// Buffers per receive call (detail/udp_batch.hpp: 64 KiB each, touched only as far as data
// reaches; with GRO one holds up to ~46 full datagrams), and receive calls between two turns
// for the rest of the executor's work.
constexpr std::size_t receive_batch = 8;
constexpr unsigned yield_every = 4;
using session_key = std::pair<udp::endpoint, std::uint32_t>;
}  // namespace

struct udp_mux::state final : detail::kcp_carrier, std::enable_shared_from_this<udp_mux::state> {
  using signal = asio::experimental::channel<void(error_code)>;

  state(asio::any_io_executor e, udp_mux_config c)
      : ex(e), cfg(std::move(c)), socket(e), group(e, 1), accept_signal(e, 1) {}

  asio::any_io_executor ex;
  udp_mux_config cfg;
  udp::socket socket;
  net::task_group group;
  std::map<session_key, std::shared_ptr<detail::kcp_session>> sessions;
  std::map<udp::endpoint, std::uint32_t> exclusive;  // endpoint → the conv that owns it
  struct pending {
    base::clock::steady_time created;
    std::unique_ptr<kcp_stream> stream;
  };
  std::deque<pending> backlog;
  signal accept_signal;
  udp_mux_stats counters;
  std::vector<kcp::segment_view> scratch;
  std::vector<std::shared_ptr<detail::kcp_session>> touched;
  detail::datagram_sender sender;
  bool closed = false;
  bool listener_closed = false;

  void send_datagrams(const udp::endpoint& to, std::span<const bytes> datagrams) noexcept override {
    if (closed) return;
    error_code ec;
    sender.send(socket.native_handle(), to, datagrams, ec);
    if (ec && ec != asio::error::would_block)
      cfg.log->debug("udp: send to {} failed: {}", to.address().to_string(), ec.message());
  }

  // Sessions that took datagrams in the current receive batch; flushed once after it.
  void touch(const std::shared_ptr<detail::kcp_session>& s) {
    if (std::find(touched.begin(), touched.end(), s) == touched.end()) touched.push_back(s);
  }

  void flush_touched() {
    auto batch = std::move(touched);
    touched.clear();
    for (auto& s : batch) s->flush();
  }

  void forget(const udp::endpoint& remote, std::uint32_t conv) noexcept override {
    sessions.erase({remote, conv});
    auto it = exclusive.find(remote);
    if (it != exclusive.end() && it->second == conv) exclusive.erase(it);
    if (listener_closed && sessions.empty()) close_all();
  }

  void stop_listening() {
    listener_closed = true;
    backlog.clear();  // their streams end and forget their sessions
    (void)accept_signal.try_send(error_code{});
    if (sessions.empty()) close_all();
  }

  void close_all() noexcept {
    if (closed) return;
    auto self = shared_from_this();
    closed = true;
    listener_closed = true;
    backlog.clear();
    std::vector<std::shared_ptr<detail::kcp_session>> live;
    for (auto& [key, s] : sessions) live.push_back(s);
    for (auto& s : live) s->shutdown(kcp::errc::closed);
    sessions.clear();
    exclusive.clear();
    error_code ignored;
    socket.close(ignored);
    group.cancel();
    (void)accept_signal.try_send(error_code{});
  }

  std::shared_ptr<detail::kcp_session> make_session(const udp::endpoint& remote, std::uint32_t conv) {
    auto s = std::make_shared<detail::kcp_session>(ex, shared_from_this(), cfg.clock, remote, conv, cfg.kcp);
    sessions.emplace(session_key{remote, conv}, s);
    return s;
  }

  // Closes backlog entries nobody accepted within accept_timeout (the half-open bound).
  void purge_stale() {
    const auto now = cfg.clock->steady_now();
    while (!backlog.empty() && now - backlog.front().created >= cfg.accept_timeout) backlog.pop_front();
  }

  // The start of a conversation: a PUSH within the first receive window. A retransmission for
  // a session we closed long ago (sn far beyond) must not resurrect it.
  bool starts_conversation(byte_view data, std::uint32_t conv) {
    if (!kcp::decode_datagram(data, conv, scratch)) return false;
    for (const auto& s : scratch)
      if (s.h.cmd == kcp::command::push && s.h.sn < cfg.kcp.rcv_wnd) return true;
    return false;
  }

  void dispatch(const udp::endpoint& src, byte_view data) {
    ++counters.received;
    if (data.size() > kcp::limits::max_datagram) {
      ++counters.dropped_long;
      return;
    }
    if (!kcp::looks_like_kcp(data)) {
      ++counters.dropped_short;
      return;
    }
    const std::uint32_t conv = kcp::peek_conv(data);
    if (auto ex_it = exclusive.find(src); ex_it != exclusive.end() && ex_it->second != conv) {
      ++counters.dropped_no_session;
      return;
    }
    if (auto it = sessions.find({src, conv}); it != sessions.end()) {
      auto s = it->second;  // on_datagram may end the session and erase it
      if (!s->on_datagram(data)) ++counters.dropped_refused;
      touch(s);
      return;
    }
    if (exclusive.count(src) != 0 || listener_closed) {
      ++counters.dropped_no_session;
      return;
    }
    purge_stale();
    if (!starts_conversation(data, conv) || sessions.size() >= cfg.max_sessions ||
        backlog.size() >= cfg.accept_backlog) {
      ++counters.dropped_no_session;
      return;
    }
    auto s = make_session(src, conv);
    auto stream = std::make_unique<kcp_stream>(s);
    if (!s->on_datagram(data)) {
      ++counters.dropped_refused;
      return;  // stream's destructor ends and forgets the session
    }
    ++counters.sessions_created;
    touch(s);
    backlog.push_back({cfg.clock->steady_now(), std::move(stream)});
    (void)accept_signal.try_send(error_code{});
  }
};

namespace {

asio::awaitable<void> receive_loop(std::shared_ptr<udp_mux::state> st) {
  detail::datagram_receiver rx(receive_batch);
  unsigned batches = 0;
  while (!st->closed) {
    // Take what is queued without blocking; wait for readiness only when nothing is (waiting
    // with datagrams still queued could sleep until the peer retransmits).
    auto got = rx.receive(st->socket.native_handle());
    if (st->closed) co_return;
    if (got && *got == 0) {
      auto [ec] = co_await st->socket.async_wait(udp::socket::wait_read, use_tuple);
      if (st->closed || ec == asio::error::operation_aborted) co_return;
      if (ec && !st->socket.is_open()) co_return;
      continue;
    }
    if (!got) {
      // ICMP errors (connection_refused after a send to a closed port) and the like are
      // per-datagram on UDP: keep receiving while the socket is open.
      if (!st->socket.is_open() || got.error() == asio::error::bad_descriptor) co_return;
      co_await asio::post(st->ex, asio::use_awaitable);  // never spin on an error
      continue;
    }
    for (std::size_t i = 0; i < *got && !st->closed; ++i) st->dispatch(rx.source(i), rx.data(i));
    // One flush per session per batch: its ACKs share datagrams, the window it opened is sent.
    st->flush_touched();
    // Let the sessions' readers and writers on this executor run between batches.
    if (++batches % yield_every == 0) co_await asio::post(st->ex, asio::use_awaitable);
  }
}

}  // namespace

result<std::shared_ptr<udp_mux>> udp_mux::open(asio::any_io_executor ex, udp::endpoint local, udp_mux_config cfg) {
  if (!cfg.rng) cfg.rng = std::make_shared<crypto::system_random>();
  if (!cfg.clock) cfg.clock = std::make_shared<base::system_clock>();
  if (!cfg.log) cfg.log = base::make_null_logger("udp");
  auto st = std::make_shared<state>(ex, std::move(cfg));
  error_code ec;
  st->socket.open(local.protocol(), ec);
  if (!ec) st->socket.bind(local, ec);
  if (!ec) st->socket.non_blocking(true, ec);
  if (ec) return ec;
  // Room for a burst of full windows from many sessions; best effort (capped by rmem_max).
  error_code ignored;
  st->socket.set_option(asio::socket_base::receive_buffer_size(1 << 20), ignored);
  st->socket.set_option(asio::socket_base::send_buffer_size(1 << 20), ignored);
  detail::enable_gro(st->socket.native_handle());  // best effort: bulk arrives in runs
  auto loop = receive_loop(st);
  auto spawned = st->group.spawn(std::move(loop));
  if (!spawned) return spawned.error();
  return std::shared_ptr<udp_mux>(new udp_mux(std::move(st)));
}

udp_mux::~udp_mux() { close_when_idle(); }

udp::endpoint udp_mux::local_endpoint() const {
  error_code ec;
  auto ep = state_->socket.local_endpoint(ec);
  return ep;
}

result<std::unique_ptr<kcp_stream>> udp_mux::dial(udp::endpoint remote, bool exclusive) {
  auto& st = *state_;
  if (st.closed) return errc::network_closed;
  if (st.sessions.size() >= st.cfg.max_sessions) return errc::too_many_sessions;
  std::uint32_t conv = 0;
  for (int tries = 0; tries < 16 && (conv == 0 || st.sessions.count({remote, conv}) != 0); ++tries) {
    byte_array<4> r{};
    st.cfg.rng->fill(r);
    conv = static_cast<std::uint32_t>(r[0]) | (static_cast<std::uint32_t>(r[1]) << 8) |
           (static_cast<std::uint32_t>(r[2]) << 16) | (static_cast<std::uint32_t>(r[3]) << 24);
  }
  if (conv == 0 || st.sessions.count({remote, conv}) != 0) return errc::too_many_sessions;
  auto s = st.make_session(remote, conv);
  if (exclusive) st.exclusive[remote] = conv;
  return std::make_unique<kcp_stream>(std::move(s));
}

asio::awaitable<result<std::unique_ptr<kcp_stream>>> udp_mux::accept() {
  auto st = state_;
  for (;;) {
    if (st->listener_closed) co_return errc::network_closed;
    st->purge_stale();
    if (!st->backlog.empty()) {
      auto stream = std::move(st->backlog.front().stream);
      st->backlog.pop_front();
      co_return std::move(stream);
    }
    auto [ec] = co_await st->accept_signal.async_receive(use_tuple);
    if (ec && !st->listener_closed) co_return ec;
  }
}

result<void> udp_mux::send_raw(const udp::endpoint& to, byte_view data) {
  auto& st = *state_;
  if (st.closed) return errc::network_closed;
  error_code ec;
  st.socket.send_to(asio::buffer(data.data(), data.size()), to, 0, ec);
  if (ec) return ec;
  return {};
}

void udp_mux::close() { state_->close_all(); }

void udp_mux::close_when_idle() { state_->stop_listening(); }

udp_mux_stats udp_mux::stats() const { return state_->counters; }

std::size_t udp_mux::session_count() const { return state_->sessions.size(); }

}  // namespace skywire::transport
