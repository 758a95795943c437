#pragma once
// Exact-size reads over a net::stream for the transport handshakes: read_exact fills a buffer
// (net::errc::closed at EOF); read_line reads up to and including the first "\n" and not one
// byte of what follows (the next frame, the first Noise message: Go's peers are lock-step, but
// a peer may pipeline, and the carrier may be message-oriented, KCP). When the stream can peek
// (net::stream::peek_some: TCP, encrypted_stream) read_line peeks, finds the "\n" and reads
// exactly that far, a few calls per line; otherwise (KCP, dmsg streams) it reads one byte at a
// time, which costs no syscall there (those streams serve reads from their own buffers) but a
// coroutine frame per byte. Internal to the transport module.
#include <cstddef>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/net/stream.hpp"

namespace skywire::transport::detail {

boost::asio::awaitable<result<void>> read_exact(net::stream& s, mutable_byte_view out);

// The line with its "\n". errc::frame_too_long once max_bytes bytes are consumed without one
// (never more than max_bytes are consumed); the stream's own errors (net::errc::closed at EOF,
// also mid-line) as they are.
boost::asio::awaitable<result<std::string>> read_line(net::stream& s, std::size_t max_bytes);

}  // namespace skywire::transport::detail
