#include "setup-node/service.hpp"

#include <optional>
#include <string>

#include "skywire/dmsg/client.hpp"
#include "skywire/dmsg/listener.hpp"
#include "skywire/net/task_group.hpp"
#include "skywire/setup/limits.hpp"

namespace skywire::svc::setup_node {

namespace asio = boost::asio;

struct service::state {
  state(asio::any_io_executor e, const config& cfg, const base::clock& clock, base::logger l, setup::node_options o)
      : ex(e),
        log(std::move(l)),
        discovery(cfg.dmsg_discovery),
        dmsg(e, dmsg_config(cfg), clock, log),
        node(e, setup::dmsg_stream_dialer(dmsg), o, log),
        background(e, 1) {}

  static dmsg::client_config dmsg_config(const config& cfg) {
    dmsg::client_config c{cfg.keys, cfg.dmsg_discovery};
    c.min_sessions = cfg.sessions_count;
    return c;
  }

  asio::any_io_executor ex;
  base::logger log;
  std::string discovery;
  dmsg::client dmsg;
  setup::node node;
  std::optional<dmsg::listener> listener;
  net::task_group background;
};

service::service(asio::any_io_executor ex, const config& cfg, const base::clock& clock, base::logger log,
                 setup::node_options opt)
    : state_(std::make_shared<state>(ex, cfg, clock, std::move(log), opt)) {}

service::~service() { state_->background.cancel(); }

result<void> service::start() {
  auto& st = *state_;
  auto l = st.dmsg.listen(setup::setup_node_port);
  if (!l) return l.error();
  st.listener.emplace(std::move(*l));
  st.dmsg.start();
  auto serve_op = st.node.serve(*st.listener);
  if (auto r = st.background.spawn(std::move(serve_op)); !r) return r.error();
  st.log->info("setup node {} accepting DialRouteGroup on dmsg port {} (discovery {})", st.dmsg.pk().to_hex(),
               setup::setup_node_port, st.discovery);
  return {};
}

asio::awaitable<result<void>> service::wait_ready(std::chrono::steady_clock::duration timeout) {
  co_return co_await state_->dmsg.wait_ready(timeout);
}

asio::awaitable<void> service::shutdown() {
  auto st = state_;
  if (st->listener) st->listener->close();
  co_await st->background.join();
  co_await st->node.shutdown();
  co_await st->dmsg.close();
}

const crypto::public_key& service::pk() const noexcept { return state_->dmsg.pk(); }

const setup::node_stats& service::stats() const noexcept { return state_->node.stats(); }

}  // namespace skywire::svc::setup_node
