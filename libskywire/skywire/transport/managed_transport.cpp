#include "skywire/transport/managed_transport.hpp"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "skywire/transport/errc.hpp"
#include "skywire/wire/routing/packet_reader.hpp"

namespace skywire::transport {

namespace asio = boost::asio;
namespace wr = wire::routing;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// A batch buffer that grew past this under load is released once written, so an idle
// transport holds no large buffers.
constexpr std::size_t keep_capacity = 64 * 1024;

}  // namespace

struct managed_transport::connection {
  transport tp;
};

// A writer waiting for room in the queue; lives on that writer's coroutine frame.
struct managed_transport::waiter {
  byte_view data;
  asio::steady_timer timer;
  bool done = false;
  error_code outcome;
};

managed_transport::managed_transport(asio::any_io_executor ex, transport conn, std::string label,
                                     base::clock::wall_time since, base::clock::steady_time adopted,
                                     std::size_t max_send_queue, managed_transport_hooks hooks, base::logger log)
    : ex_(ex),
      adopted_(adopted),
      max_send_queue_(std::max<std::size_t>(max_send_queue, 1)),
      hooks_(std::move(hooks)),
      log_(log ? std::move(log) : base::make_null_logger("managed_transport")),
      wake_(ex),
      resume_(ex) {
  info_.id = conn.id;
  info_.type = conn.type;
  info_.local_pk = conn.local_pk;
  info_.remote_pk = conn.remote_pk;
  info_.label = std::move(label);
  info_.initiator = conn.initiator;
  info_.since = since;
  conn_ = std::make_shared<connection>(connection{std::move(conn)});
}

managed_transport::~managed_transport() {
  if (conn_ && conn_->tp.stream) conn_->tp.stream->close();
}

result<void> managed_transport::start(net::task_group& tasks) {
  auto w = tasks.spawn(write_loop(shared_from_this()));
  if (!w) return w;
  return tasks.spawn(read_loop(shared_from_this(), conn_));
}

result<void> managed_transport::replace(transport conn, base::clock::steady_time adopted, net::task_group& tasks) {
  if (closed_) {
    conn.stream->close();
    return errc::manager_closed;
  }
  auto old = std::exchange(conn_, std::make_shared<connection>(connection{std::move(conn)}));
  info_.initiator = conn_->tp.initiator;
  adopted_ = adopted;
  // The old read loop sees conn_ changed and ends silently; a write in flight on it fails and
  // the writer moves on to the new connection.
  old->tp.stream->close();
  auto spawned = tasks.spawn(read_loop(shared_from_this(), conn_));
  if (!spawned) fail(conn_, spawned.error());
  return spawned;
}

// `self` keeps the object alive from the spawn on (the manager may drop it before the loop
// first runs): a parameter is copied into the coroutine frame when the call is made.
asio::awaitable<void> managed_transport::read_loop(std::shared_ptr<managed_transport> self,
                                                   std::shared_ptr<connection> c) {
  (void)self;
  wr::packet_reader rd;
  for (;;) {
    while (auto p = rd.next()) {
      if (closed_ || c != conn_) co_return;
      const std::uint64_t n = p->payload.size();
      info_.bytes_received += n;
      if (hooks_.on_bytes) hooks_.on_bytes(info_.id, n, 0);
      if (!wr::is_known(p->type)) {
        // Go's router logs and drops packets of other types; the transport stays up.
        log_->debug("transport {}: dropping a packet of unknown type {}", info_.id.to_string(),
                    static_cast<int>(p->type));
        continue;
      }
      if (hooks_.on_packet) hooks_.on_packet(info_, *p);
      while (paused_ && !closed_ && c == conn_) {
        resume_.expires_at(asio::steady_timer::time_point::max());
        auto wait = resume_.async_wait(use_tuple);  // named: g++ 12
        (void)co_await std::move(wait);
        if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) co_return;
      }
    }
    if (closed_ || c != conn_) co_return;
    auto got = co_await c->tp.stream->read_some(rd.prepare());
    if (!got) {
      fail(c, got.error());
      co_return;
    }
    rd.commit(*got);
  }
}

asio::awaitable<void> managed_transport::write_loop(std::shared_ptr<managed_transport> self) {
  (void)self;
  for (;;) {
    while (pending_.empty() && !closed_) {
      wake_.expires_at(asio::steady_timer::time_point::max());
      (void)co_await wake_.async_wait(use_tuple);
      // A wake-up and a cancellation of this task both end the wait with operation_aborted.
      if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) co_return;
    }
    if (closed_) co_return;
    std::swap(pending_, inflight_);
    admit_waiters();
    auto c = conn_;
    auto w = co_await c->tp.stream->write_all(inflight_);
    inflight_.clear();
    if (inflight_.capacity() > keep_capacity) bytes().swap(inflight_);
    if (!w) {
      if (closed_) co_return;
      if (c != conn_) continue;  // replaced mid-write (duplicate rule): that batch is lost
      fail(c, w.error());
      co_return;
    }
  }
}

asio::awaitable<result<void>> managed_transport::write(byte_view packet) {
  if (closed_) co_return close_reason_;
  const auto fits = [this](std::size_t n) { return pending_.empty() || pending_.size() + n <= max_send_queue_; };
  if (waiters_.empty() && fits(packet.size())) {
    pending_.insert(pending_.end(), packet.begin(), packet.end());
    count_sent(packet);
    wake_.cancel();
    co_return result<void>{};
  }
  // Queue full (or others already wait): wait for the writer to admit us, in call order.
  waiter w{packet, asio::steady_timer(ex_), false, {}};
  waiters_.push_back(&w);
  struct unlist {
    managed_transport* mt;
    waiter* w;
    ~unlist() {
      if (!w->done) std::erase(mt->waiters_, w);
    }
  } guard{this, &w};
  w.timer.expires_at(asio::steady_timer::time_point::max());
  auto [ec] = co_await w.timer.async_wait(use_tuple);
  if (!w.done) co_return ec ? ec : error_code(asio::error::operation_aborted);
  if (w.outcome) co_return w.outcome;
  co_return result<void>{};
}

void managed_transport::admit_waiters() {
  while (!waiters_.empty()) {
    waiter* w = waiters_.front();
    if (!pending_.empty() && pending_.size() + w->data.size() > max_send_queue_) break;
    pending_.insert(pending_.end(), w->data.begin(), w->data.end());
    count_sent(w->data);
    w->done = true;
    w->timer.cancel();
    waiters_.pop_front();
  }
}

void managed_transport::count_sent(byte_view packet) {
  const std::uint64_t n = packet.size() > wr::header_size ? packet.size() - wr::header_size : 0;
  info_.bytes_sent += n;
  if (hooks_.on_bytes) hooks_.on_bytes(info_.id, 0, n);
}

void managed_transport::fail(const std::shared_ptr<connection>& c, error_code ec) {
  if (closed_ || c != conn_) return;
  log_->debug("transport {} to {} failed: {}", info_.id.to_string(), info_.remote_pk.to_hex(), ec.message());
  close(ec);
  if (hooks_.on_closed) hooks_.on_closed(info_.id, ec);
}

void managed_transport::resume_reading() {
  paused_ = false;
  resume_.cancel();
}

void managed_transport::close(error_code why) {
  if (closed_) return;
  closed_ = true;
  resume_.cancel();
  close_reason_ = why ? why : error_code(errc::manager_closed);
  conn_->tp.stream->close();
  wake_.cancel();
  pending_.clear();
  for (waiter* w : waiters_) {
    w->done = true;
    w->outcome = close_reason_;
    w->timer.cancel();
  }
  waiters_.clear();
}

}  // namespace skywire::transport
