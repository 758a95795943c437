// dmsg::client: dialing a stream (spec/dmsg.md §5.5 steps 1, 2 and 6).
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "skywire/crypto/errc.hpp"
#include "skywire/dmsg/client_state.hpp"
#include "skywire/dmsg/errc.hpp"
#include "skywire/dmsg/object_io.hpp"
#include "skywire/wire/dmsg/signed_object.hpp"

namespace skywire::dmsg {

namespace asio = boost::asio;

asio::awaitable<result<std::shared_ptr<client_session>>> client_state::session_for(const wire::disc::entry& target) {
  if (!target.client) co_return errc::entry_not_client;
  const auto& delegated = target.client->delegated_servers;
  if (!delegated || delegated->empty()) co_return errc::no_delegated_servers;
  for (const auto& spk : *delegated) {
    auto it = sessions.find(spk);
    if (it != sessions.end() && !it->second->ys.closed()) co_return it->second;
  }
  for (const auto& spk : *delegated) {
    if (closed) co_return errc::entity_closed;
    auto server = co_await discovery.get_entry(spk);
    if (!server || !server->server) continue;
    auto s = co_await connect(*server);
    if (s) co_return s;
  }
  co_return errc::cannot_connect_server;
}

asio::awaitable<result<std::unique_ptr<stream>>> client_state::dial_via(std::shared_ptr<client_session> s,
                                                                       crypto::public_key pk, std::uint16_t port) {
  // Extra-bytes rule: nothing may follow handshake message 3 too closely.
  const auto ready_at = s->established + limits::first_frame_delay;
  if (std::chrono::steady_clock::now() < ready_at) {
    asio::steady_timer t(ex, ready_at);
    co_await t.async_wait(asio::use_awaitable);
  }
  auto st = co_await s->ys.open();
  if (!st) co_return st.error();
  auto lease = ports->reserve_ephemeral();
  if (!lease) co_return lease.error();

  auto hs = noise::handshake_state::create(noise::handshake_config{noise::handshake_pattern::kk,
                                                                   noise::handshake_role::initiator, cfg.keys, pk,
                                                                   crypto::generate_key_pair(rng)});
  if (!hs) co_return hs.error();
  auto msg1 = hs->write_message();
  if (!msg1) co_return msg1.error();

  wire::dmsg::stream_request req;
  req.timestamp = base::unix_nanos(clock.wall_now());
  req.src = addr{cfg.keys.pk, lease->port()};
  req.dst = addr{pk, port};
  req.noise_msg = std::move(*msg1);
  const auto obj = wire::dmsg::make_signed_request(req, cfg.keys.sk);
  const bytes out = obj.serialize();
  const crypto::sha256_digest hash = obj.hash();
  auto w = co_await write_object(*st, s->sealer, out);
  if (!w) co_return w.error();

  auto in = co_await read_object(*st, s->opener);
  if (!in) co_return in.error();
  auto resp = wire::dmsg::open_signed_response(*in, pk);
  if (!resp) {
    if (resp.error().category() == crypto::category()) co_return errc::response_bad_signature;
    co_return resp.error();
  }
  if (resp->req_hash != hash) co_return errc::response_bad_hash;
  if (!resp->accepted) co_return errc::response_rejected;
  auto done = hs->read_message(resp->noise_msg);
  if (!done) co_return done.error();
  auto keys = hs->split();
  if (!keys) co_return keys.error();
  co_return std::make_unique<stream>(std::move(*st), *keys, req.src, req.dst, std::move(*lease));
}

}  // namespace skywire::dmsg
