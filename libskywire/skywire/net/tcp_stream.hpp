#pragma once
// make_tcp_stream: a net::stream over an already connected TCP socket (an accepted one, or one
// whose options the caller set before handing it over). Same behaviour as the streams
// make_tcp_dialer returns: errc::closed at EOF, per-operation cancellation, close() shuts
// down both directions, and peek_some (waits for readability, then recv(MSG_PEEK)). The
// stream owns the socket.
#include <memory>

#include <boost/asio/ip/tcp.hpp>

#include "skywire/net/stream.hpp"

namespace skywire::net {

std::unique_ptr<stream> make_tcp_stream(boost::asio::ip::tcp::socket socket);

}  // namespace skywire::net
