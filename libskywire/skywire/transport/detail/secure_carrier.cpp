#include "skywire/transport/detail/secure_carrier.hpp"

#include <string>

#include "skywire/transport/encrypted_stream.hpp"
#include "skywire/wire/transport/transport_id.hpp"

namespace skywire::transport::detail {

namespace asio = boost::asio;
namespace wt = wire::transport;

namespace {

transport make_transport(const crypto::key_pair& keys, const crypto::public_key& remote, std::string_view type,
                         std::uint16_t local_port, std::uint16_t remote_port, bool initiator,
                         std::unique_ptr<net::stream> stream) {
  transport tp;
  tp.id = wt::make_transport_id(keys.pk, remote, type);
  tp.type = std::string(type);
  tp.local_pk = keys.pk;
  tp.remote_pk = remote;
  tp.local_port = local_port;
  tp.remote_port = remote_port;
  tp.initiator = initiator;
  tp.stream = std::move(stream);
  return tp;
}

}  // namespace

asio::awaitable<result<transport>> secure_outgoing(std::unique_ptr<net::stream> carrier, const crypto::key_pair& keys,
                                                  std::uint16_t local_port, crypto::public_key remote,
                                                  std::uint16_t remote_port, std::string_view type,
                                                  base::random_source& rng, secure_timeouts timeouts) {
  const wt::skywire_addr dst{remote, remote_port};
  auto addrs = co_await initiate_handshake(*carrier, keys, local_port, dst, timeouts.handshake);
  if (!addrs) {
    carrier->close();
    co_return addrs.error();
  }
  auto kk = noise_kk(std::move(carrier), noise::handshake_role::initiator, keys, remote, rng, timeouts.noise);
  auto enc = co_await std::move(kk);
  if (!enc) co_return enc.error();
  co_return make_transport(keys, remote, type, local_port, remote_port, true, std::move(*enc));
}

asio::awaitable<result<transport>> secure_incoming(std::unique_ptr<net::stream> carrier, const crypto::key_pair& keys,
                                                  const port_predicate& is_listening, std::string_view type,
                                                  base::random_source& rng, secure_timeouts timeouts) {
  auto addrs = co_await respond_handshake(*carrier, rng, is_listening, timeouts.handshake);
  if (!addrs) {
    carrier->close();
    co_return addrs.error();
  }
  const crypto::public_key remote = addrs->remote.pk;
  auto kk = noise_kk(std::move(carrier), noise::handshake_role::responder, keys, remote, rng, timeouts.noise);
  auto enc = co_await std::move(kk);
  if (!enc) co_return enc.error();
  co_return make_transport(keys, remote, type, addrs->local.port, addrs->remote.port, false, std::move(*enc));
}

}  // namespace skywire::transport::detail
