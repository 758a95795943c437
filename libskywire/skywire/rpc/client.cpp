#include "skywire/rpc/client.hpp"

#include <map>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "skywire/rpc/errc.hpp"
#include "skywire/wire/gob/encoder.hpp"

namespace skywire::rpc {

namespace asio = boost::asio;
using reply_channel = asio::experimental::channel<void(error_code, reply)>;

struct client::state : std::enable_shared_from_this<client::state> {
  state(asio::any_io_executor e, std::unique_ptr<net::stream> st, limits l)
      : ex(std::move(e)), s(std::move(st)), lim(l), enc(ids), reader(*s, lim) {
    // Go numbers Request first on a fresh connection (B.5 (a): id 65); bodies are encoded
    // before their header below, so fix the order here.
    ids.assign(request_type());
  }

  asio::any_io_executor ex;
  std::unique_ptr<net::stream> s;
  limits lim;
  gob::type_ids ids;
  gob::encoder enc;
  value_reader reader;
  std::uint64_t next_seq = 0;
  std::map<std::uint64_t, std::shared_ptr<reply_channel>> pending;
  bytes outq;
  bool writing = false;
  bool reading = false;
  bool dead = false;
  error_code death;

  void fail(error_code ec) {
    if (!dead) {
      dead = true;
      death = ec;
      s->close();
    }
    auto waiting = std::move(pending);
    pending.clear();
    for (auto& [seq, ch] : waiting) ch->try_send(error_code(errc::shut_down), reply{});
  }

  asio::awaitable<void> write_loop(std::shared_ptr<state> /*keep_alive*/) {
    while (!outq.empty() && !dead) {
      bytes out = std::move(outq);
      outq.clear();
      auto w = co_await s->write_all(out);
      if (!w) fail(w.error());
    }
    writing = false;
  }

  asio::awaitable<void> read_loop(std::shared_ptr<state> /*keep_alive*/) {
    while (!dead) {
      auto hv = co_await reader.next();
      if (!hv) {
        fail(hv.error());
        break;
      }
      auto h = parse_response(*hv);
      if (!h) {
        fail(h.error());
        break;
      }
      auto body = co_await reader.next();
      if (!body) {
        fail(body.error());
        break;
      }
      auto it = pending.find(h->seq);
      if (it == pending.end()) continue;  // abandoned call: drop its reply
      auto ch = std::move(it->second);
      pending.erase(it);
      reply r;
      r.error = std::move(h->error);
      if (r.error.empty()) r.body = std::move(*body);
      ch->try_send(error_code{}, std::move(r));
    }
    reading = false;
  }
};

client::client(asio::any_io_executor ex, std::unique_ptr<net::stream> s, limits l)
    : state_(std::make_shared<state>(std::move(ex), std::move(s), l)) {}

client::~client() { close(); }

void client::close() noexcept {
  if (state_ && !state_->dead) state_->fail(errc::shut_down);
}

bool client::closed() const noexcept { return state_->dead; }

asio::awaitable<result<reply>> client::call(std::string service_method, const gob::type_def& arg_type,
                                            gob::value arg) {
  auto st = state_;
  if (st->dead) co_return errc::shut_down;
  if (st->pending.size() >= st->lim.max_pending) co_return errc::too_many_calls;

  // Body first: if it does not fit its type nothing is queued and the header's definition is
  // not marked as sent (ids were fixed in the constructor, so numbering matches Go).
  bytes body;
  auto eb = st->enc.encode(arg_type, arg, body);
  if (!eb) co_return eb.error();
  const std::uint64_t seq = st->next_seq++;
  bytes head;
  auto hv = to_value(request_header{service_method, seq});
  auto eh = st->enc.encode(request_type(), hv, head);
  if (!eh) co_return eh.error();  // cannot happen: fixed type and value
  st->outq.insert(st->outq.end(), head.begin(), head.end());
  st->outq.insert(st->outq.end(), body.begin(), body.end());

  auto ch = std::make_shared<reply_channel>(st->ex, 1);
  st->pending.emplace(seq, ch);
  if (!st->writing) {
    st->writing = true;
    auto w = st->write_loop(st);
    asio::co_spawn(st->ex, std::move(w), asio::detached);
  }
  if (!st->reading) {
    st->reading = true;
    auto r = st->read_loop(st);
    asio::co_spawn(st->ex, std::move(r), asio::detached);
  }

  auto receive = ch->async_receive(asio::as_tuple(asio::use_awaitable));
  auto [ec, rep] = co_await std::move(receive);
  if (ec) {
    st->pending.erase(seq);  // cancelled: a late reply is dropped by the reader
    if (ec == errc::shut_down && st->death && st->death != errc::shut_down) co_return st->death;
    co_return ec;
  }
  co_return std::move(rep);
}

}  // namespace skywire::rpc
