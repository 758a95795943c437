#pragma once
// detail::kcp_session: the state of one KCP session on a udp_mux, shared by the mux (which
// feeds it datagrams) and its kcp_stream handle (which reads and writes). Internal to the
// transport module; kcp_stream.hpp and udp_mux.hpp document the behaviour.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "skywire/base/bytes.hpp"
#include "skywire/base/clock.hpp"
#include "skywire/base/result.hpp"
#include "skywire/transport/kcp/core.hpp"

namespace skywire::transport::detail {

// What a session needs from the socket that carries it.
class kcp_carrier {
 public:
  virtual ~kcp_carrier() = default;
  // Sends the datagrams of one flush now, in order (best effort: a full socket buffer drops
  // the rest; KCP retransmits).
  virtual void send_datagrams(const boost::asio::ip::udp::endpoint& to, std::span<const bytes> datagrams) noexcept = 0;
  // The session ended (closed or dead): stop routing datagrams to it.
  virtual void forget(const boost::asio::ip::udp::endpoint& remote, std::uint32_t conv) noexcept = 0;
};

class kcp_session : public std::enable_shared_from_this<kcp_session> {
 public:
  using signal = boost::asio::experimental::channel<void(error_code)>;

  kcp_session(boost::asio::any_io_executor ex, std::shared_ptr<kcp_carrier> carrier,
              std::shared_ptr<const base::clock> clock, boost::asio::ip::udp::endpoint remote,
              std::uint32_t conv, const kcp::config& cfg);

  // A datagram for this session arrived. Refused datagrams (kcp::errc) are returned, not fatal.
  // Nothing is sent here: the mux calls flush() once after the burst of datagrams it received
  // together, so the ACKs of a burst share datagrams and the window it opened is filled at once.
  result<void> on_datagram(byte_view data);
  // flush() and send what is due (ACKs, new data within the window, retransmissions), notice a
  // dead link, re-arm the timer.
  void flush();

  boost::asio::awaitable<result<std::size_t>> read_some(mutable_byte_view buf);
  boost::asio::awaitable<result<void>> write_all(byte_view data);
  boost::asio::awaitable<result<void>> drain();
  result<void> send_now(byte_view message);
  // Ends the session with `why` (kcp::errc::closed by default); wakes waiters. Idempotent.
  void shutdown(error_code why) noexcept;

  const boost::asio::ip::udp::endpoint& remote() const noexcept { return remote_; }
  std::uint32_t conv() const noexcept { return core_.conv(); }
  bool ended() const noexcept { return core_.dead(); }
  // Last time a datagram for this session was accepted (the mux's idle bound).
  base::clock::steady_time last_input() const noexcept { return last_input_; }

 private:
  kcp::time_point now() const { return clock_->steady_now(); }
  void arm_timer();
  void on_timer(error_code ec);
  void wake(signal& s) noexcept;

  boost::asio::any_io_executor ex_;
  std::shared_ptr<kcp_carrier> carrier_;
  std::shared_ptr<const base::clock> clock_;
  boost::asio::ip::udp::endpoint remote_;
  kcp::core core_;
  boost::asio::steady_timer timer_;
  std::optional<kcp::time_point> armed_;
  signal readable_;
  signal writable_;
  bytes rbuf_;
  std::size_t rpos_ = 0;
  std::vector<bytes> out_;
  base::clock::steady_time last_input_;
  bool forgotten_ = false;
};

}  // namespace skywire::transport::detail
