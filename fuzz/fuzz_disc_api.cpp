// Fuzz target: arbitrary bytes as the body of POST /dmsg-discovery/entry/ (and of DELETE
// /dmsg-discovery/entry) handed to the dmsg discovery's API logic with a memory store, no
// sockets (the API's coroutines run to completion on a local io_context: with the memory store
// they never suspend); then the listing endpoints over whatever got stored. Must never crash, hang or
// over-allocate; every reply must be a status the Go discovery can send with a JSON body.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "dmsg-discovery/api.hpp"
#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"

namespace {

void check(const skywire::net::http_reply& r) {
  switch (r.status) {
    case 200: case 401: case 404: case 422: case 500: break;
    default: std::abort();
  }
  if (r.content_type != "application/json" || r.body.empty()) std::abort();
}

boost::asio::awaitable<void> exercise(const skywire::svc::dmsg_discovery::api& a, std::string body, bool timeout) {
  auto p1 = a.post_entry(body, timeout);
  const auto r_p1 = co_await std::move(p1);
  check(r_p1);
  auto p2 = a.post_entry(body, false);  // the same again: iteration rules against what is stored
  const auto r_p2 = co_await std::move(p2);
  check(r_p2);
  auto av = a.available_servers();
  const auto r_av = co_await std::move(av);
  check(r_av);
  auto all = a.all_servers();
  const auto r_all = co_await std::move(all);
  check(r_all);
  auto cl = a.client_entries();
  const auto r_cl = co_await std::move(cl);
  check(r_cl);
  auto vi = a.visor_entries();
  const auto r_vi = co_await std::move(vi);
  check(r_vi);
  auto del = a.delete_entry(body);
  const auto r_del = co_await std::move(del);
  check(r_del);
  auto sw = a.sweep();
  (void)co_await std::move(sw);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace skywire::svc::dmsg_discovery;
  static const skywire::base::manual_clock clock{skywire::base::clock::wall_time{
      std::chrono::duration_cast<skywire::base::clock::wall_time::duration>(
          std::chrono::nanoseconds{1700000000000000000})}};
  static const auto log = skywire::base::make_null_logger("fuzz_disc_api");
  const std::string_view body(reinterpret_cast<const char*>(data), size);

  auto db = make_memory_store();
  api_options opt;
  opt.test_mode = size > 0 && (data[0] & 1);
  const api a(*db, clock, log, opt);
  boost::asio::io_context ctx;
  bool done = false;
  boost::asio::co_spawn(ctx, exercise(a, std::string(body), size > 1 && (data[1] & 1)),
                        [&](std::exception_ptr e) {
                          if (e) std::abort();
                          done = true;
                        });
  ctx.run();
  if (!done) std::abort();
  return 0;
}
