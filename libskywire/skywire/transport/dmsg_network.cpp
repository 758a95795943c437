#include "skywire/transport/dmsg_network.hpp"

#include "skywire/dmsg/errc.hpp"
#include "skywire/transport/errc.hpp"
#include "skywire/wire/transport/transport_id.hpp"

namespace skywire::transport {

namespace asio = boost::asio;
namespace wt = wire::transport;

transport make_dmsg_transport(std::unique_ptr<dmsg::stream> s, bool initiator) {
  transport tp;
  tp.local_pk = s->local_addr().pk;
  tp.remote_pk = s->remote_addr().pk;
  tp.local_port = s->local_addr().port;
  tp.remote_port = s->remote_addr().port;
  tp.id = wt::make_transport_id(tp.local_pk, tp.remote_pk, wt::type_dmsg);
  tp.type = std::string(wt::type_dmsg);
  tp.initiator = initiator;
  tp.stream = std::move(s);
  return tp;
}

result<std::unique_ptr<dmsg_network>> dmsg_network::create(dmsg::client& client, base::logger log) {
  if (!log) log = base::make_null_logger("dmsg-transport");
  auto l = client.listen(transport_port);
  if (!l) return l.error();
  return std::unique_ptr<dmsg_network>(new dmsg_network(client, std::move(*l), std::move(log)));
}

dmsg_network::dmsg_network(dmsg::client& client, dmsg::listener listener, base::logger log)
    : client_(client), listener_(std::move(listener)), log_(std::move(log)) {}

dmsg_network::~dmsg_network() { close(); }

std::string_view dmsg_network::type() const noexcept { return wt::type_dmsg; }

void dmsg_network::close() {
  if (*closed_) return;
  *closed_ = true;
  listener_.close();
}

asio::awaitable<result<transport>> dmsg_network::dial(crypto::public_key remote) {
  // Locals, not members, after the first suspension: the network may be destroyed meanwhile.
  auto closed = closed_;
  auto& client = client_;
  if (*closed) co_return errc::network_closed;
  auto op = client.dial(remote, transport_port);
  auto s = co_await std::move(op);
  if (!s) co_return s.error();
  if (*closed) co_return errc::network_closed;  // the stream closes with s
  co_return make_dmsg_transport(std::move(*s), true);
}

asio::awaitable<result<transport>> dmsg_network::accept() {
  auto closed = closed_;
  if (*closed) co_return errc::network_closed;
  auto op = listener_.accept();
  auto s = co_await std::move(op);
  if (!s) {
    if (*closed || s.error() == dmsg::errc::entity_closed) co_return errc::network_closed;
    co_return s.error();
  }
  co_return make_dmsg_transport(std::move(*s), false);
}

}  // namespace skywire::transport
