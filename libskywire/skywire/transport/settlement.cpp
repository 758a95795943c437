#include "skywire/transport/settlement.hpp"

#include <string>

#include "skywire/net/timeout.hpp"
#include "skywire/transport/detail/stream_io.hpp"
#include "skywire/transport/errc.hpp"

namespace skywire::transport {

namespace asio = boost::asio;
namespace wt = wire::transport;

namespace {

// A canonical SignedEntry line is ~520 bytes; the parser's own bound applies to the line.
constexpr std::size_t max_entry_line = wt::parse_limits{}.max_bytes;

asio::awaitable<result<wt::signed_entry>> run_initiator(transport& tp, const crypto::key_pair& local) {
  wt::signed_entry se{wt::make_entry(local.pk, tp.remote_pk, tp.type, wt::label_user), {}, 0};
  auto signed_ok = wt::sign_entry(se, local);
  if (!signed_ok) co_return signed_ok.error();
  const std::string line = wt::to_json_line(se);
  auto w = co_await tp.stream->write_all(as_bytes(line));
  if (!w) co_return w.error();

  byte_array<1> response{};
  auto r = co_await detail::read_exact(*tp.stream, response);
  if (!r) co_return r.error();
  switch (static_cast<settlement_response>(response[0])) {
    case settlement_response::ok: co_return se;
    case settlement_response::failure: co_return errc::settlement_failed;
    case settlement_response::signature_error: co_return errc::settlement_signature;
    case settlement_response::invalid_entry: co_return errc::settlement_invalid;
  }
  co_return errc::settlement_bad_byte;
}

// Decodes and checks the initiator's entry; any failure is "invalid entry" (0x03).
result<wt::signed_entry> check_entry(const transport& tp, std::string_view line) {
  auto se = wt::parse_signed_entry(line);
  if (!se) return se.error();
  if (!se->entry) return errc::invalid_entry;
  const wt::entry expected = wt::make_entry(tp.local_pk, tp.remote_pk, tp.type, wt::label_user);
  if (se->entry->id != expected.id || se->entry->edges != expected.edges || se->entry->type != expected.type)
    return errc::invalid_entry;
  auto verified = wt::verify_entry_slot(*se, tp.remote_pk);
  if (!verified) return verified.error();
  return se;
}

asio::awaitable<result<void>> respond(transport& tp, settlement_response b) {
  const byte_array<1> out{static_cast<std::uint8_t>(b)};
  co_return co_await tp.stream->write_all(out);
}

asio::awaitable<result<wt::signed_entry>> run_responder(transport& tp, const crypto::key_pair& local,
                                                       const register_fn& on_register) {
  auto line = co_await detail::read_line(*tp.stream, max_entry_line);
  if (!line) {
    // A line that never ends is a decode failure for Go too; a dead stream gets no answer.
    if (line.error() == errc::frame_too_long) (void)co_await respond(tp, settlement_response::invalid_entry);
    co_return line.error();
  }
  auto se = check_entry(tp, *line);
  if (!se) {
    (void)co_await respond(tp, settlement_response::invalid_entry);
    co_return errc::invalid_entry;
  }
  auto signed_ok = wt::sign_entry(*se, local);
  if (!signed_ok) {
    (void)co_await respond(tp, settlement_response::signature_error);
    co_return signed_ok.error();
  }
  if (on_register) {
    auto registering = on_register(*se);
    co_await std::move(registering);
  }
  auto w = co_await respond(tp, settlement_response::ok);
  if (!w) co_return w.error();
  co_return std::move(*se);
}

}  // namespace

asio::awaitable<result<wt::signed_entry>> settle_as_initiator(transport& tp, const crypto::key_pair& local,
                                                             std::chrono::steady_clock::duration timeout) {
  auto op = run_initiator(tp, local);
  auto timed = net::with_timeout(std::move(op), timeout);
  co_return co_await std::move(timed);
}

asio::awaitable<result<wt::signed_entry>> settle_as_responder(transport& tp, const crypto::key_pair& local,
                                                             const register_fn& on_register,
                                                             std::chrono::steady_clock::duration timeout) {
  auto op = run_responder(tp, local, on_register);
  auto timed = net::with_timeout(std::move(op), timeout);
  co_return co_await std::move(timed);
}

}  // namespace skywire::transport
