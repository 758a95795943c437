// dmsg::client: connecting sessions to servers and answering stream requests on them.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "skywire/crypto/errc.hpp"
#include "skywire/dmsg/address.hpp"
#include "skywire/dmsg/client_state.hpp"
#include "skywire/dmsg/errc.hpp"
#include "skywire/dmsg/object_io.hpp"
#include "skywire/dmsg/session_handshake.hpp"
#include "skywire/net/timeout.hpp"
#include "skywire/wire/dmsg/signed_object.hpp"

namespace skywire::dmsg {

namespace asio = boost::asio;

asio::awaitable<result<std::shared_ptr<client_session>>> client_state::connect(const wire::disc::entry& server) {
  if (closed) co_return errc::entity_closed;
  if (!server.server) co_return errc::cannot_connect_server;
  auto existing = sessions.find(server.static_pk);
  if (existing != sessions.end()) co_return existing->second;
  auto self = shared_from_this();
  if (connecting.contains(server.static_pk)) {
    // Another dial is already connecting to this server (a setup node dials every visor of a
    // route at once, and several may share a server): wait for its outcome instead of failing.
    asio::steady_timer t(ex);
    const auto give_up = std::chrono::steady_clock::now() + limits::session_handshake_timeout + std::chrono::seconds(1);
    while (connecting.contains(server.static_pk) && !closed && std::chrono::steady_clock::now() < give_up) {
      t.expires_after(std::chrono::milliseconds(20));
      auto wait = t.async_wait(asio::as_tuple(asio::use_awaitable));  // named: g++ 12
      co_await std::move(wait);
    }
    if (closed) co_return errc::entity_closed;
    auto now_there = sessions.find(server.static_pk);
    if (now_there != sessions.end()) co_return now_there->second;
    co_return errc::cannot_connect_server;
  }
  const crypto::public_key spk = server.static_pk;
  connecting.insert(spk);
  std::chrono::steady_clock::duration timeout = limits::session_handshake_timeout;
  auto sock = co_await tcp_connect(server.server->address, timeout);
  result<session_keys> keys = sock.error();
  if (sock) {
    auto op = client_session_handshake(std::move(*sock), cfg.keys, spk, rng);
    keys = co_await std::move(op);
  }
  connecting.erase(spk);
  if (!keys) {
    backoff[spk] = std::chrono::steady_clock::now() + cfg.server_backoff;
    co_return keys.error();
  }
  if (closed) co_return errc::entity_closed;
  auto s = std::make_shared<client_session>(client_session{
      spk, yamux::session(std::move(keys->socket), yamux::role::client), std::move(keys->sealer),
      std::move(keys->opener), std::chrono::steady_clock::now()});
  sessions[spk] = s;
  backoff.erase(spk);
  auto spawned = tasks.spawn(serve_session(self, s));
  if (!spawned) {
    sessions.erase(spk);
    co_return spawned.error();
  }
  log->info("session to server {} established", spk.to_hex());
  changed();
  co_return s;
}

asio::awaitable<void> client_state::serve_session(std::shared_ptr<client_state> self,
                                                  std::shared_ptr<client_session> s) {
  for (;;) {
    auto st = co_await s->ys.accept();
    if (!st) break;
    if (!self->tasks.spawn(handle_incoming(self, s, std::move(*st)))) break;
  }
  s->ys.close();
  auto it = self->sessions.find(s->server);
  if (it != self->sessions.end() && it->second == s) {
    self->sessions.erase(it);
    self->backoff[s->server] = std::chrono::steady_clock::now() + self->cfg.server_backoff;
    self->log->info("session to server {} ended: {}", s->server.to_hex(), s->ys.error().message());
    if (!self->closed) self->changed();
  }
}

asio::awaitable<void> client_state::handle_incoming(std::shared_ptr<client_state> self,
                                                    std::shared_ptr<client_session> s, yamux::stream st) {
  std::shared_ptr<listener_state> admitted;  // set by respond() once the port has a free slot
  auto op = self->respond(*s, st, admitted);
  std::chrono::steady_clock::duration timeout = limits::stream_handshake_timeout;
  auto r = co_await net::with_timeout(std::move(op), timeout);
  if (!r) {
    if (admitted) admitted->release_admission();
    self->log->debug("incoming stream refused: {}", r.error().message());
    co_return;  // st closes on destruction: failure is silence plus FIN
  }
  const std::uint16_t port = (*r)->local_addr().port;
  if (!admitted->deliver(std::move(*r))) self->log->debug("listener on port {} closed", port);
}

asio::awaitable<result<std::unique_ptr<stream>>> client_state::respond(client_session& s, yamux::stream& st,
                                                                      std::shared_ptr<listener_state>& admitted) {
  auto object = co_await read_object(st, s.opener);
  if (!object) co_return object.error();
  auto opened = wire::dmsg::open_signed_request(*object);
  if (!opened) {
    if (opened.error().category() == crypto::category()) co_return errc::request_bad_signature;
    co_return opened.error();
  }
  const auto& req = opened->request;
  if (req.dst.pk != cfg.keys.pk) co_return errc::request_bad_dst;
  auto it = listeners.find(req.dst.port);
  auto l = it == listeners.end() ? nullptr : it->second.lock();
  if (!l || l->closed) co_return errc::no_listener;
  if (!l->admit()) co_return errc::backlog_full;
  admitted = l;

  auto hs = noise::handshake_state::create(noise::handshake_config{noise::handshake_pattern::kk,
                                                                   noise::handshake_role::responder, cfg.keys,
                                                                   req.src.pk, crypto::generate_key_pair(rng)});
  if (!hs) co_return hs.error();
  auto in = hs->read_message(req.noise_msg);
  if (!in) co_return in.error();
  auto msg2 = hs->write_message();
  if (!msg2) co_return msg2.error();
  auto keys = hs->split();
  if (!keys) co_return keys.error();

  wire::dmsg::stream_response resp;
  resp.req_hash = opened->hash;
  resp.accepted = true;
  resp.noise_msg = std::move(*msg2);
  const bytes out = wire::dmsg::make_signed_response(resp, cfg.keys.sk).serialize();
  auto w = co_await write_object(st, s.sealer, out);
  if (!w) co_return w.error();
  co_return std::make_unique<stream>(std::move(st), *keys, req.dst, req.src, port_lease{});
}

}  // namespace skywire::dmsg
