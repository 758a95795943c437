// dmsg::server: relaying one stream request to its destination and splicing the streams
// (spec/dmsg.md §5.5 steps 3 and 5).
#include <boost/asio/experimental/awaitable_operators.hpp>

#include "skywire/crypto/errc.hpp"
#include "skywire/dmsg/errc.hpp"
#include "skywire/dmsg/object_io.hpp"
#include "skywire/dmsg/server_state.hpp"
#include "skywire/net/timeout.hpp"
#include "skywire/wire/dmsg/signed_object.hpp"

namespace skywire::dmsg {

namespace asio = boost::asio;

namespace {

// Copies from one stream to the other until either fails (EOF, reset, session death). Most
// relayed streams carry little (control traffic, idle HTTP keep-alives), so the buffer starts
// small and grows to limits::splice_buffer the first time a read fills it: 10,000 idle streams
// then cost the server 40 MB less.
asio::awaitable<void> copy(yamux::stream& from, yamux::stream& to) {
  bytes buf(limits::splice_buffer_initial);
  for (;;) {
    auto n = co_await from.read_some(buf);
    if (!n || *n == 0) break;
    if (*n == buf.size() && buf.size() < limits::splice_buffer) {
      // Keep the bytes just read: write them before growing.
      auto w = co_await to.write(byte_view(buf).first(*n));
      if (!w) break;
      buf.assign(limits::splice_buffer, 0);
      continue;
    }
    auto w = co_await to.write(byte_view(buf).first(*n));
    if (!w) break;
  }
}

}  // namespace

asio::awaitable<result<yamux::stream>> server_state::forward(server_session& src, yamux::stream& st) {
  auto body = co_await read_frame_body(st, limits::max_object_frame_body);
  if (!body) co_return body.error();
  auto checked = check_request_frame(*body, src.opener, src.client, src.guard);
  if (!checked) co_return checked.error();
  const crypto::public_key dst_pk = checked->opened.request.dst.pk;
  auto it = sessions.find(dst_pk);
  if (it == sessions.end()) co_return errc::no_session_to_dst;
  std::shared_ptr<server_session> dst = it->second;

  auto dst_st = co_await dst->ys.open();
  if (!dst_st) co_return dst_st.error();
  auto w = co_await write_object(*dst_st, dst->sealer, checked->object);
  if (!w) co_return w.error();
  auto resp = co_await read_object(*dst_st, dst->opener);
  if (!resp) co_return resp.error();
  auto opened = wire::dmsg::open_signed_response(*resp, dst_pk);
  if (!opened) {
    if (opened.error().category() == crypto::category()) co_return errc::response_bad_signature;
    co_return opened.error();
  }
  if (opened->req_hash != checked->opened.hash) co_return errc::response_bad_hash;
  auto back = co_await write_object(st, src.sealer, *resp);
  if (!back) co_return back.error();
  co_return std::move(*dst_st);
}

asio::awaitable<void> server_state::relay(std::shared_ptr<server_state> self, std::shared_ptr<server_session> src,
                                          yamux::stream st) {
  using namespace asio::experimental::awaitable_operators;
  auto op = self->forward(*src, st);
  std::chrono::steady_clock::duration timeout = limits::stream_handshake_timeout;
  auto dst = co_await net::with_timeout(std::move(op), timeout);
  if (!dst) {
    self->log->debug("stream request from {} dropped: {}", src->client.to_hex(), dst.error().message());
    co_return;  // st is closed on destruction; no answer is ever sent
  }
  auto up = copy(st, *dst);
  auto down = copy(*dst, st);
  auto both = std::move(up) || std::move(down);
  co_await std::move(both);
  (void)st.close();
  (void)dst->close();
}

}  // namespace skywire::dmsg
