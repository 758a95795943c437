#pragma once
// Exact-size reads over a net::stream for the transport handshakes: read_exact fills a buffer
// (net::errc::closed at EOF), read_line reads up to and including the first "\n" one byte at
// a time, so not one byte of what follows (the next frame, the first Noise message) is
// consumed — Go's peers are lock-step, but the carrier may be message-oriented (KCP) and a
// line is at most ~400 bytes once per transport. Internal to the transport module.
#include <cstddef>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/net/stream.hpp"

namespace skywire::transport::detail {

boost::asio::awaitable<result<void>> read_exact(net::stream& s, mutable_byte_view out);

// The line with its "\n". errc::frame_too_long when max_bytes pass without one.
boost::asio::awaitable<result<std::string>> read_line(net::stream& s, std::size_t max_bytes);

}  // namespace skywire::transport::detail
