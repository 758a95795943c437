#include "skywire/dmsg/yamux/detail/session_base.hpp"

#include <utility>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "skywire/dmsg/yamux/errc.hpp"
#include "skywire/dmsg/yamux/stream.hpp"
#include "skywire/net/errc.hpp"

namespace skywire::dmsg::yamux {

namespace asio = boost::asio;

namespace detail {

namespace {

time_point now() { return std::chrono::steady_clock::now(); }

// Waits on a wake-up timer (expiry "never") until someone cancel()s it. Returns false when
// the calling coroutine itself was cancelled.
asio::awaitable<bool> sleep_on(asio::steady_timer& t) {
  auto wait = t.async_wait(asio::as_tuple(asio::use_awaitable));  // named: g++ 12 (DESIGN §4)
  co_await std::move(wait);
  auto cs = co_await asio::this_coro::cancellation_state;
  co_return cs.cancelled() == asio::cancellation_type::none;
}

void arm_never(asio::steady_timer& t) { t.expires_at(asio::steady_timer::time_point::max()); }

}  // namespace

session_base::stream_waiters::stream_waiters(const asio::any_io_executor& ex) : read(ex), write(ex) {
  arm_never(read);
  arm_never(write);
}

session_base::session_base(asio::any_io_executor ex, role r, const config& cfg)
    : ex_(std::move(ex)), core_(r, now(), cfg), accept_wake_(ex_), output_wake_(ex_), deadline_(ex_) {
  arm_never(accept_wake_);
  arm_never(output_wake_);
}

session_base::~session_base() = default;

stream session_base::make_stream(stream_id id) {
  waiters_[id] = std::make_unique<stream_waiters>(ex_);
  return stream(shared_from_this(), id);
}

result<stream> session_base::open() {
  auto id = core_.open_stream(now());
  after_change();
  if (!id) return id.error();
  return make_stream(*id);
}

asio::awaitable<result<stream>> session_base::accept() {
  auto self = shared_from_this();
  for (;;) {
    if (auto id = core_.accept()) {
      after_change();
      co_return make_stream(*id);
    }
    if (core_.closed()) co_return core_.error();
    if (!co_await sleep_on(accept_wake_)) co_return error_code(asio::error::operation_aborted);
  }
}

void session_base::close() {
  if (core_.closed()) return;
  core_.close();
  after_change();
}

asio::awaitable<result<std::size_t>> session_base::read_some(stream_id id, mutable_byte_view buf) {
  auto self = shared_from_this();
  for (;;) {
    auto st = core_.status(id);
    if (!st) co_return error_code(core_.closed() ? error_code(net::errc::closed) : error_code(errc::unknown_stream));
    if (st->reset) co_return error_code(errc::stream_reset);
    if (buf.empty()) co_return std::size_t{0};
    if (st->buffered > 0) {
      const std::size_t n = core_.read(id, buf);
      after_change();
      co_return n;
    }
    if (st->remote_fin || core_.closed()) co_return error_code(net::errc::closed);
    auto it = waiters_.find(id);
    if (it == waiters_.end()) co_return error_code(errc::unknown_stream);
    if (!co_await sleep_on(it->second->read)) co_return error_code(asio::error::operation_aborted);
  }
}

asio::awaitable<result<void>> session_base::write(stream_id id, byte_view data) {
  auto self = shared_from_this();
  std::size_t off = 0;
  while (off < data.size()) {
    auto n = core_.write(id, data.subspan(off));
    if (!n) co_return n.error();
    if (*n > 0) {
      off += *n;
      after_change();
      continue;
    }
    auto it = waiters_.find(id);
    if (it == waiters_.end()) co_return error_code(errc::unknown_stream);
    if (!co_await sleep_on(it->second->write)) co_return error_code(asio::error::operation_aborted);
  }
  co_return result<void>{};
}

result<void> session_base::close_stream(stream_id id) {
  auto r = core_.close_stream(id, now());
  after_change();
  return r;
}

void session_base::reset_stream(stream_id id) {
  core_.reset_stream(id);
  wake_stream(id, true, true);
  after_change();
}

void session_base::release(stream_id id) {
  core_.release(id, now());
  auto it = waiters_.find(id);
  if (it != waiters_.end()) {
    // Cancels a (contract-violating) pending wait rather than leave it dangling.
    it->second->read.cancel();
    it->second->write.cancel();
    waiters_.erase(it);
  }
  after_change();
}

std::size_t session_base::buffered(stream_id id) const {
  auto st = core_.status(id);
  return st ? st->buffered : 0;
}

void session_base::on_input(byte_view in) {
  (void)core_.receive(in, now());
  after_change();
}

void session_base::on_transport_error(error_code ec) {
  core_.fail(ec);
  after_change();
  close_transport();
}

void session_base::on_output_written(std::size_t n) {
  core_.consume_output(n);
  after_change();
}

asio::awaitable<bool> session_base::wait_for_output() {
  if (core_.output_size() > 0 || core_.closed()) co_return true;
  co_return co_await sleep_on(output_wake_);
}

asio::awaitable<void> session_base::timer_loop() {
  while (!core_.closed()) {
    armed_ = core_.next_deadline();
    deadline_.expires_at(armed_ ? *armed_ : asio::steady_timer::time_point::max());
    auto wait = deadline_.async_wait(asio::as_tuple(asio::use_awaitable));  // named: g++ 12 (DESIGN §4)
    co_await std::move(wait);
    auto cs = co_await asio::this_coro::cancellation_state;
    if (cs.cancelled() != asio::cancellation_type::none) break;
    armed_.reset();
    core_.on_timer(now());
    after_change();
  }
}

void session_base::wake_stream(stream_id id, bool read, bool write) {
  auto it = waiters_.find(id);
  if (it == waiters_.end()) return;
  if (read) it->second->read.cancel();
  if (write) it->second->write.cancel();
}

void session_base::wake_all() {
  for (auto& [id, w] : waiters_) {
    w->read.cancel();
    w->write.cancel();
  }
  accept_wake_.cancel();
  output_wake_.cancel();
  deadline_.cancel();
}

void session_base::after_change() {
  const std::vector<event> events = core_.take_events();
  for (const event& e : events) {
    switch (e.what) {
      case event::kind::incoming: accept_wake_.cancel(); break;
      case event::kind::readable:
      case event::kind::remote_fin: wake_stream(e.id, true, false); break;
      case event::kind::reset: wake_stream(e.id, true, true); break;
      case event::kind::writable: wake_stream(e.id, false, true); break;
      case event::kind::failed: wake_all(); break;
      case event::kind::acked:
      case event::kind::pong:
      case event::kind::go_away: break;
    }
  }
  if (core_.output_size() > 0) output_wake_.cancel();
  // A new deadline earlier than the armed one (or none armed): let the timer loop re-arm.
  const auto next = core_.next_deadline();
  if (next && (!armed_ || *next < *armed_)) deadline_.cancel();
}

}  // namespace detail

// ---------------------------------------------------------------------------------------
// stream

stream::stream(std::shared_ptr<detail::session_base> session, stream_id id) noexcept
    : session_(std::move(session)), id_(id) {}

stream::stream(stream&& other) noexcept
    : session_(std::move(other.session_)), id_(std::exchange(other.id_, 0)) {}

stream& stream::operator=(stream&& other) noexcept {
  if (this != &other) {
    release();
    session_ = std::move(other.session_);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

stream::~stream() { release(); }

asio::awaitable<result<std::size_t>> stream::read_some(mutable_byte_view buf) {
  if (!session_) co_return error_code(errc::unknown_stream);
  auto s = session_;
  co_return co_await s->read_some(id_, buf);
}

asio::awaitable<result<void>> stream::write(byte_view data) {
  if (!session_) co_return error_code(errc::unknown_stream);
  auto s = session_;
  co_return co_await s->write(id_, data);
}

result<void> stream::close() {
  if (!session_) return errc::unknown_stream;
  return session_->close_stream(id_);
}

void stream::reset() {
  if (session_) session_->reset_stream(id_);
}

void stream::release() {
  if (!session_) return;
  auto s = std::move(session_);
  s->release(id_);
}

std::size_t stream::buffered() const { return session_ ? session_->buffered(id_) : 0; }

}  // namespace skywire::dmsg::yamux
