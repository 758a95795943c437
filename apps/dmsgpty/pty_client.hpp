#pragma once
// pty_client: the client end of a dmsgpty session (Go: dmsgpty.PtyClient) over any net::stream
// already connected to a host (a dmsg stream to pk:22, or TCP in tests).
//
//   auto c = co_await pty_client::open(ex, std::move(stream));   // URI, accept byte
//   co_await c->start({"/bin/echo", {"hello"}, size});
//   auto out = co_await c->read(32 * 1024);   // Go error text in out.error at the end
//   co_await c->write(bytes); co_await c->set_size(w); co_await c->stop();
//
// Calls may overlap (read blocks on the host until output; write runs meanwhile). Every call
// returns result<outcome<T>>: an error_code when the connection broke, else the value or the
// host's Go error text. open() fails with errc::rejected when the host answers anything but 0.
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "dmsgpty/protocol.hpp"
#include "dmsgpty/pty_session.hpp"
#include "skywire/base/result.hpp"
#include "skywire/net/stream.hpp"
#include "skywire/rpc/client.hpp"

namespace skywire::dmsgpty {

enum class errc {
  rejected = 1,  // the host answered the request with a non-zero byte (whitelist, bad URI)
  bad_reply,     // a reply value of the wrong gob type
};
const boost::system::error_category& category() noexcept;
inline boost::system::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), category()}; }

}  // namespace skywire::dmsgpty

template <>
struct boost::system::is_error_code_enum<skywire::dmsgpty::errc> : std::true_type {};

namespace skywire::dmsgpty {

class pty_client {
 public:
  static boost::asio::awaitable<result<std::unique_ptr<pty_client>>> open(boost::asio::any_io_executor ex,
                                                                          std::unique_ptr<net::stream> s);

  boost::asio::awaitable<result<std::string>> start(command_req req);
  boost::asio::awaitable<result<outcome<bytes>>> read(std::int64_t max);
  boost::asio::awaitable<result<outcome<std::int64_t>>> write(bytes data);
  boost::asio::awaitable<result<std::string>> set_size(win_size w);
  boost::asio::awaitable<result<std::string>> stop();
  void close() noexcept { rpc_.close(); }

  explicit pty_client(boost::asio::any_io_executor ex, std::unique_ptr<net::stream> s) : rpc_(std::move(ex), std::move(s)) {}

 private:
  rpc::client rpc_;
};

}  // namespace skywire::dmsgpty
