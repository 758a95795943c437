#include "skywire/dmsg/session_handshake.hpp"

#include <utility>

#include "skywire/dmsg/errc.hpp"
#include "skywire/dmsg/limits.hpp"
#include "skywire/noise/noise_stream.hpp"

namespace skywire::dmsg {
namespace {

using boost::asio::ip::tcp;

boost::asio::awaitable<result<session_keys>> run(tcp::socket socket, noise::handshake_config cfg,
                                                bool check_extra) {
  auto hs = noise::handshake_state::create(cfg);
  if (!hs) co_return hs.error();
  std::chrono::steady_clock::duration timeout = limits::session_handshake_timeout;
  auto ns = co_await noise::async_handshake(std::move(socket), *hs, timeout);
  if (!ns) co_return ns.error();
  tcp::socket s = std::move(ns->next_layer());
  if (check_extra) {
    error_code ec;
    const std::size_t avail = s.available(ec);
    if (ec || avail != 0) {
      s.close(ec);
      co_return errc::extra_bytes;
    }
  }
  auto keys = hs->split();
  if (!keys) co_return keys.error();
  co_return session_keys{std::move(s), hs->remote_static(),
                         noise::frame_sealer(keys->send, noise::limits::max_object_plaintext),
                         noise::frame_opener(keys->recv, noise::replay_mode::window)};
}

}  // namespace

boost::asio::awaitable<result<session_keys>> client_session_handshake(tcp::socket socket,
                                                                      const crypto::key_pair& local,
                                                                      const crypto::public_key& server,
                                                                      base::random_source& rng) {
  noise::handshake_config cfg{noise::handshake_pattern::xk, noise::handshake_role::initiator, local, server,
                              crypto::generate_key_pair(rng)};
  auto op = run(std::move(socket), std::move(cfg), false);
  co_return co_await std::move(op);
}

boost::asio::awaitable<result<session_keys>> server_session_handshake(tcp::socket socket,
                                                                     const crypto::key_pair& local,
                                                                     base::random_source& rng) {
  noise::handshake_config cfg{noise::handshake_pattern::xk, noise::handshake_role::responder, local,
                              std::nullopt, crypto::generate_key_pair(rng)};
  auto op = run(std::move(socket), std::move(cfg), true);
  co_return co_await std::move(op);
}

}  // namespace skywire::dmsg
