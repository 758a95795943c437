#pragma once
// "host:port" helpers for server entry addresses (spec/dmsg.md §7.2) and a bounded TCP
// connect. Hosts may be names or IP literals ("[v6]:port" too).
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "skywire/base/result.hpp"

namespace skywire::dmsg {

struct host_port {
  std::string host;
  std::uint16_t port = 0;
};

// net::errc::bad_url when there is no ':' or the port is not 1..65535.
result<host_port> split_host_port(std::string_view address);

// Resolves and connects within timeout (net::errc::timeout).
boost::asio::awaitable<result<boost::asio::ip::tcp::socket>> tcp_connect(std::string address,
                                                                        std::chrono::steady_clock::duration timeout);

}  // namespace skywire::dmsg
