#pragma once
// Internal state of dmsg::server, shared with its coroutines. server.cpp: accepting sessions,
// entry upkeep; server_relay.cpp: relaying stream requests and splicing.
#include <map>
#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "skywire/crypto/random.hpp"
#include "skywire/disc/client.hpp"
#include "skywire/dmsg/request_check.hpp"
#include "skywire/dmsg/server.hpp"
#include "skywire/dmsg/yamux/session.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/task_group.hpp"
#include "skywire/noise/frame.hpp"

namespace skywire::dmsg {

struct server_session {
  crypto::public_key client;
  std::string ip;
  yamux::session ys;
  noise::frame_sealer sealer;
  noise::frame_opener opener;
  replay_guard guard;
};

class server_state : public std::enable_shared_from_this<server_state> {
 public:
  server_state(boost::asio::any_io_executor ex, server_config cfg, const base::clock& clock, base::logger log);

  // server.cpp
  static boost::asio::awaitable<void> accept_loop(std::shared_ptr<server_state> self);
  static boost::asio::awaitable<void> handshake(std::shared_ptr<server_state> self,
                                                boost::asio::ip::tcp::socket sock, std::string ip);
  static boost::asio::awaitable<void> serve_session(std::shared_ptr<server_state> self,
                                                    std::shared_ptr<server_session> s);
  static boost::asio::awaitable<void> upkeep(std::shared_ptr<server_state> self);
  void changed();
  void shutdown();

  // server_relay.cpp
  static boost::asio::awaitable<void> relay(std::shared_ptr<server_state> self, std::shared_ptr<server_session> src,
                                            yamux::stream st);
  boost::asio::awaitable<result<yamux::stream>> forward(server_session& src, yamux::stream& st);

  boost::asio::any_io_executor ex;
  server_config cfg;
  const base::clock& clock;
  base::logger log;
  crypto::system_random rng;
  std::shared_ptr<net::http_client> http;
  disc::client discovery;
  boost::asio::ip::tcp::acceptor acceptor;
  std::map<crypto::public_key, std::shared_ptr<server_session>> sessions;
  std::map<std::string, std::size_t> per_ip;  // connections (handshaking or live) per IP
  std::size_t connections = 0;
  net::task_group tasks;
  boost::asio::steady_timer wake;
  bool entry_dirty = true;
  bool entry_ok = false;
  bool closed = false;
};

}  // namespace skywire::dmsg
