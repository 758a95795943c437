#pragma once
// What the bench binaries share besides the row harness (harness.hpp): failing loudly, keys
// from seeds, timers, process CPU time, latency percentiles, the single-core AEAD and secp256k1
// operation rates the rows' bounds are made of, raw loopback TCP baselines, an io_context on
// its own thread driven from main, and a watchdog.
//
//   bench::check(ok, "what");                  // "bench_x: what failed" on stderr, exit(1)
//   bench::check_result(r, "what");            // the same with r's error message
//   bench::loop l;  auto v = bench::on(l, coroutine());   // run on l's thread, wait ≤ 180 s
//   const double p50 = bench::percentile(samples, 0.50);
//   const double bound = bench::aead_seal_rate_bytes();   // bytes/s, one core
//   bench::secp256k1_rates ops;  ops.measure(false);  1 / ops.seconds(6, 2)  // an XK bound
//   bench::watchdog dog(15min);                // exit(1) if main is still running then
//
// A bench fails by ending the process (exit status 1): bench/run stops on it, and there is no
// caller to hand an error to. The binary's name (program_invocation_short_name) prefixes every
// message, so the helpers need no per-bench state.
// Threads: the coroutines run on whatever executor awaits them; `loop` and `watchdog` own one
// thread each.
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>

#include "harness.hpp"
#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/aead.hpp"
#include "skywire/crypto/ecdh.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/crypto/random.hpp"
#include "skywire/crypto/signature.hpp"
#include "skywire/noise/limits.hpp"

namespace skywire::bench {

// A full Noise transport frame's plaintext (4070 bytes): the unit of the AEAD bound every
// throughput row compares against.
inline constexpr std::size_t aead_frame = noise::limits::max_data_plaintext;
inline constexpr double mib = 1024.0 * 1024.0;
// How long main waits for any one step on a bench thread; beyond it the bench fails.
inline constexpr auto step_limit = std::chrono::seconds(180);

inline void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "%s: %s failed\n", program_invocation_short_name, what);
    std::exit(1);
  }
}

template <class T>
void check_result(const result<T>& r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "%s: %s failed: %s\n", program_invocation_short_name, what, r.error().message().c_str());
    std::exit(1);
  }
}

inline double seconds_since(bench_clock::time_point t0) {
  return std::chrono::duration<double>(bench_clock::now() - t0).count();
}

// User + system CPU seconds of the whole process so far (every thread).
inline double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto tv = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  return tv(ru.ru_utime) + tv(ru.ru_stime);
}

// The sample at quantile q (0 ≤ q < 1) of v: the element at index ⌊q·n⌋ after sorting; 0 when
// v is empty. percentile(v, 0.5) is the median (the upper one of an even count).
inline double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(q * static_cast<double>(v.size()));
  return v[std::min(i, v.size() - 1)];
}

inline double median(std::vector<double> v) { return percentile(std::move(v), 0.5); }

inline crypto::key_pair keys(std::string_view seed) { return *crypto::deterministic_key_pair(as_bytes(seed)); }

inline boost::asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration d) {
  boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, d);
  co_await t.async_wait(boost::asio::use_awaitable);
}

// Single-core ChaCha20-Poly1305 seal rate of aead_frame-byte frames (crypto::aead_seal, i.e.
// libsodium's IETF construction as Noise uses it), plaintext bytes per second; best of
// harness.hpp's batches.
inline double aead_seal_rate_bytes() {
  crypto::aead_key key{};
  std::fill(key.begin(), key.end(), std::uint8_t{0x42});
  const bytes plaintext(aead_frame, 0x5a);
  bytes ct(aead_frame + crypto::aead_tag_size);
  std::uint64_t nonce = 0;
  auto seal = [&] {
    crypto::aead_seal(key, ++nonce, {}, plaintext, ct);
    do_not_optimize(ct.data());
  };
  return rate(seal) * static_cast<double>(aead_frame);
}

// ---- secp256k1, the handshake bounds ----

// Best rates (operations per second) of the secp256k1 operations handshakes are made of: Noise
// ECDH (crypto::noise_dh), key generation, and signing / verifying a 160-byte message (about a
// transport's Frame2 JSON or an entry's ToBinary). Each measure() runs a round of alternating
// batches (ECDH with key generation, then signing with verifying) and keeps the best so far,
// so a bench can interleave rounds with what it bounds.
class secp256k1_rates {
 public:
  double dh = 0, keygen = 0, sign = 0, verify = 0;

  void measure(bool signatures) {
    auto dh_op = [&] {
      auto out = crypto::noise_dh(mine_.sk, peer_.pk);
      check(out.has_value(), "noise_dh");
      do_not_optimize(*out);
    };
    auto keygen_op = [&] {
      auto kp = crypto::generate_key_pair(rng_);
      do_not_optimize(kp.pk);
    };
    auto [d, g] = compare(dh_op, keygen_op, 3);
    dh = std::max(dh, d);
    keygen = std::max(keygen, g);
    if (!signatures) return;
    auto sign_op = [&] {
      auto sig = crypto::sign_payload(message_, mine_.sk);
      do_not_optimize(sig);
    };
    auto verify_op = [&] {
      auto ok = crypto::verify_payload(mine_.pk, message_, signature_);
      check(ok.has_value(), "verify_payload");
    };
    auto [s, v] = compare(sign_op, verify_op, 3);
    sign = std::max(sign, s);
    verify = std::max(verify, v);
  }

  // Seconds of n_dh ECDHs + n_keygen key generations + n_sign signatures + n_verify checks.
  double seconds(double n_dh, double n_keygen, double n_sign = 0, double n_verify = 0) const {
    return n_dh / dh + n_keygen / keygen + (n_sign > 0 ? n_sign / sign : 0) + (n_verify > 0 ? n_verify / verify : 0);
  }

 private:
  crypto::system_random rng_;
  crypto::key_pair peer_ = crypto::generate_key_pair(rng_);
  crypto::key_pair mine_ = crypto::generate_key_pair(rng_);
  bytes message_ = bytes(160, 0x5a);
  crypto::signature signature_ = crypto::sign_payload(message_, mine_.sk);
};

// ---- raw loopback TCP, the carrier baselines ----

// Both ends of one loopback connection (a: connecting side, b: accepted side).
struct tcp_pair {
  std::optional<boost::asio::ip::tcp::socket> a, b;
};

inline boost::asio::awaitable<void> tcp_accept(boost::asio::ip::tcp::acceptor& acc, tcp_pair& p) {
  p.b.emplace(co_await acc.async_accept(boost::asio::use_awaitable));
}

inline boost::asio::awaitable<void> tcp_connect(boost::asio::ip::tcp::endpoint ep, tcp_pair& p) {
  p.a.emplace(co_await boost::asio::this_coro::executor);
  co_await p.a->async_connect(ep, boost::asio::use_awaitable);
}

// Connects to acc and accepts that connection, one after the other (the kernel completes the
// connect from its backlog), so both ends can live on one thread.
inline boost::asio::awaitable<tcp_pair> tcp_connect_accept(boost::asio::ip::tcp::acceptor& acc) {
  tcp_pair p;
  auto connect = tcp_connect(acc.local_endpoint(), p);  // named first: g++ 12
  co_await std::move(connect);
  auto accept = tcp_accept(acc, p);
  co_await std::move(accept);
  co_return p;
}

// Writes `total` bytes in 64 KiB chunks.
inline boost::asio::awaitable<void> pump_tcp(boost::asio::ip::tcp::socket& s, std::size_t total) {
  const bytes chunk(64 * 1024, 0x5a);
  while (total > 0) {
    const std::size_t n = std::min(total, chunk.size());
    co_await boost::asio::async_write(s, boost::asio::buffer(chunk.data(), n), boost::asio::use_awaitable);
    total -= n;
  }
}

// Reads until `total` bytes arrived.
inline boost::asio::awaitable<void> sink_tcp(boost::asio::ip::tcp::socket& s, std::size_t total) {
  bytes buf(64 * 1024);
  while (total > 0) {
    const std::size_t n = co_await s.async_read_some(boost::asio::buffer(buf), boost::asio::use_awaitable);
    total -= std::min(total, n);
  }
}

// ---- an io_context on its own thread ----

// Runs until finish(). Objects living on it must be closed and destroyed on it (run a
// coroutine with on()) before it finishes: destroying them from the main thread while the loop
// runs is a data race (it was bench_transport's 1-in-3 shutdown crash: a task_group cancelled
// from the main thread posts co_spawn's cancellation to the loop, where the task's completion
// had already freed the signal it names).
struct loop {
  boost::asio::io_context ctx;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard = boost::asio::make_work_guard(ctx);
  std::promise<void> ran_out;
  std::thread th{[this] {
    ctx.run();
    ran_out.set_value();
  }};

  boost::asio::any_io_executor ex() { return ctx.get_executor(); }
  // Lets the loop finish the work it has (closing sockets, tasks unwinding), at most `limit`,
  // then stops it and joins the thread.
  void finish(std::chrono::steady_clock::duration limit) {
    if (!th.joinable()) return;
    guard.reset();
    if (ran_out.get_future().wait_for(limit) != std::future_status::ready) ctx.stop();
    th.join();
  }
  ~loop() { finish(std::chrono::seconds(0)); }
};

// Ends the process if the run hangs anyway (every wait of a bench has its own deadline; this is
// the last line). Joined when it goes out of scope at the end of a normal run.
class watchdog {
 public:
  explicit watchdog(std::chrono::steady_clock::duration limit)
      : th_([this, limit] {
          std::unique_lock lk(mu_);
          if (!cv_.wait_for(lk, limit, [this] { return done_; })) {
            std::fprintf(stderr, "%s: watchdog: the run took longer than its limit\n", program_invocation_short_name);
            std::exit(1);
          }
        }) {}
  watchdog(const watchdog&) = delete;
  watchdog& operator=(const watchdog&) = delete;
  ~watchdog() {
    {
      std::lock_guard lk(mu_);
      done_ = true;
    }
    cv_.notify_one();
    th_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread th_;
};

// Waits (from main) at most step_limit for f; the bench fails with `what` beyond it.
template <class T>
T get_within(std::future<T>& f, const char* what) {
  check(f.wait_for(step_limit) == std::future_status::ready, what);
  return f.get();
}

// Runs a coroutine on `l` and waits for it (bounded) from this (the main) thread.
template <class T>
T on(loop& l, boost::asio::awaitable<T> aw) {
  auto f = boost::asio::co_spawn(l.ctx, std::move(aw), boost::asio::use_future);
  return get_within(f, "a step on a bench thread");
}

inline boost::asio::awaitable<void> drop_socket(std::optional<boost::asio::ip::tcp::socket>& s) {
  s.reset();
  co_return;
}

// A loopback connection between two loops' threads: `a` lives on `connecting`, `b` on
// `accepting` (the raw TCP baseline of two-thread throughput rows). Drop it with
// drop_between.
inline tcp_pair tcp_pair_between(loop& connecting, loop& accepting) {
  namespace ip = boost::asio::ip;
  auto acc = std::make_shared<ip::tcp::acceptor>(accepting.ex(), ip::tcp::endpoint(ip::address_v4::loopback(), 0));
  tcp_pair tp;
  auto accepted = boost::asio::co_spawn(accepting.ctx, tcp_accept(*acc, tp), boost::asio::use_future);
  on(connecting, tcp_connect(acc->local_endpoint(), tp));
  get_within(accepted, "raw TCP accept");
  boost::asio::post(accepting.ctx, [acc = std::move(acc)]() mutable { acc.reset(); });  // closed on its thread
  return tp;
}

// Closes and destroys each end of tp on its own loop.
inline void drop_between(tcp_pair& tp, loop& connecting, loop& accepting) {
  on(connecting, drop_socket(tp.a));
  on(accepting, drop_socket(tp.b));
}

}  // namespace skywire::bench
