#pragma once
// Internal state of dmsg::client, shared with its coroutines (they hold a shared_ptr, so the
// state outlives the client object until they end). Split over client.cpp (upkeep loop, entry,
// public wrappers), client_session.cpp (connecting sessions, accepting streams) and
// client_dial.cpp (dialing streams).
#include <chrono>
#include <map>
#include <memory>
#include <set>

#include <boost/asio/steady_timer.hpp>

#include "skywire/crypto/random.hpp"
#include "skywire/disc/client.hpp"
#include "skywire/dmsg/client.hpp"
#include "skywire/dmsg/ports.hpp"
#include "skywire/dmsg/yamux/session.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/task_group.hpp"
#include "skywire/noise/frame.hpp"
#include "skywire/wire/disc/entry.hpp"

namespace skywire::dmsg {

struct client_session {
  crypto::public_key server;
  yamux::session ys;
  noise::frame_sealer sealer;
  noise::frame_opener opener;
  std::chrono::steady_clock::time_point established;
};

class client_state : public std::enable_shared_from_this<client_state> {
 public:
  using duration = std::chrono::steady_clock::duration;

  client_state(boost::asio::any_io_executor ex, client_config cfg, const base::clock& clock, base::logger log);

  // client.cpp
  static boost::asio::awaitable<void> upkeep(std::shared_ptr<client_state> self);
  boost::asio::awaitable<result<void>> publish_entry();
  boost::asio::awaitable<void> delete_entry();
  void changed();  // session set changed: republish, maybe reconnect
  void shutdown();

  // client_session.cpp
  boost::asio::awaitable<result<std::shared_ptr<client_session>>> connect(const wire::disc::entry& server);
  static boost::asio::awaitable<void> serve_session(std::shared_ptr<client_state> self,
                                                    std::shared_ptr<client_session> s);
  static boost::asio::awaitable<void> handle_incoming(std::shared_ptr<client_state> self,
                                                      std::shared_ptr<client_session> s, yamux::stream st);
  // Checks the request and runs the KK responder; `admitted` gets the listener once it gave the
  // stream a backlog slot (the caller delivers or releases it).
  boost::asio::awaitable<result<std::unique_ptr<stream>>> respond(client_session& s, yamux::stream& st,
                                                                  std::shared_ptr<listener_state>& admitted);

  // client_dial.cpp
  boost::asio::awaitable<result<std::shared_ptr<client_session>>> session_for(const wire::disc::entry& target);
  boost::asio::awaitable<result<std::unique_ptr<stream>>> dial_via(std::shared_ptr<client_session> s,
                                                                  crypto::public_key pk, std::uint16_t port);

  boost::asio::any_io_executor ex;
  client_config cfg;
  const base::clock& clock;
  base::logger log;
  crypto::system_random rng;
  std::shared_ptr<net::http_client> http;
  disc::client discovery;
  std::shared_ptr<port_table> ports = std::make_shared<port_table>();
  std::map<std::uint16_t, std::weak_ptr<listener_state>> listeners;
  std::map<crypto::public_key, std::shared_ptr<client_session>> sessions;
  std::set<crypto::public_key> connecting;
  std::map<crypto::public_key, std::chrono::steady_clock::time_point> backoff;
  net::task_group tasks;
  boost::asio::steady_timer wake;
  bool entry_dirty = true;
  bool entry_published = false;
  bool closed = false;
};

}  // namespace skywire::dmsg
