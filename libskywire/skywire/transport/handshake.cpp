#include "skywire/transport/handshake.hpp"

#include <algorithm>
#include <string>

#include "skywire/net/timeout.hpp"
#include "skywire/transport/detail/stream_io.hpp"
#include "skywire/transport/errc.hpp"

namespace skywire::transport {

namespace asio = boost::asio;
namespace wt = wire::transport;

namespace {

asio::awaitable<result<handshake_addrs>> run_initiator(net::stream& s, const crypto::key_pair& local,
                                                      std::uint16_t local_port, wt::skywire_addr remote) {
  auto w0 = co_await s.write_all(as_bytes(wt::frame0));
  if (!w0) co_return w0.error();

  auto line1 = co_await detail::read_line(s, wt::max_frame_bytes);
  if (!line1) co_return line1.error();
  auto nonce = wt::parse_frame1(*line1);
  if (!nonce) co_return nonce.error();

  const wt::frame2 f2 = wt::make_frame2(local, local_port, remote, *nonce);
  const std::string text2 = wt::encode_frame2(f2);
  auto w2 = co_await s.write_all(as_bytes(text2));
  if (!w2) co_return w2.error();

  auto line3 = co_await detail::read_line(s, wt::max_frame_bytes);
  if (!line3) co_return line3.error();
  auto f3 = wt::parse_frame3(*line3);
  if (!f3) co_return f3.error();
  if (!f3->ok) co_return errc::handshake_rejected;
  co_return handshake_addrs{f2.src, f2.dst};
}

asio::awaitable<result<handshake_addrs>> run_responder(net::stream& s, base::random_source& rng,
                                                      const port_predicate& is_listening) {
  byte_array<wt::frame0.size()> f0{};
  auto r0 = co_await detail::read_exact(s, f0);
  if (!r0) co_return r0.error();
  if (!std::equal(f0.begin(), f0.end(), wt::frame0.begin())) co_return errc::bad_frame0;

  wt::handshake_nonce nonce{};
  rng.fill(nonce);
  const std::string text1 = wt::encode_frame1(nonce);
  auto w1 = co_await s.write_all(as_bytes(text1));
  if (!w1) co_return w1.error();

  auto line2 = co_await detail::read_line(s, wt::max_frame_bytes);
  if (!line2) co_return line2.error();
  auto f2 = wt::parse_frame2(*line2);
  if (!f2) co_return f2.error();
  if (f2->nonce != nonce) co_return errc::unexpected_nonce;
  auto verified = wt::verify_frame2(*f2);
  if (!verified) co_return verified.error();

  if (!is_listening || !is_listening(f2->dst.port)) {
    const std::string reject = wt::encode_frame3({false, "not listening on given port"});
    (void)co_await s.write_all(as_bytes(reject));
    co_return errc::not_listening;
  }
  const std::string ok = wt::encode_frame3({true, ""});
  auto w3 = co_await s.write_all(as_bytes(ok));
  if (!w3) co_return w3.error();
  co_return handshake_addrs{f2->dst, f2->src};
}

}  // namespace

asio::awaitable<result<handshake_addrs>> initiate_handshake(net::stream& s, const crypto::key_pair& local,
                                                           std::uint16_t local_port, wt::skywire_addr remote,
                                                           std::chrono::steady_clock::duration timeout) {
  auto op = run_initiator(s, local, local_port, remote);
  auto timed = net::with_timeout(std::move(op), timeout);
  co_return co_await std::move(timed);
}

asio::awaitable<result<handshake_addrs>> respond_handshake(net::stream& s, base::random_source& rng,
                                                          const port_predicate& is_listening,
                                                          std::chrono::steady_clock::duration timeout) {
  auto op = run_responder(s, rng, is_listening);
  auto timed = net::with_timeout(std::move(op), timeout);
  co_return co_await std::move(timed);
}

}  // namespace skywire::transport
