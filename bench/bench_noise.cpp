// Noise benches (bench/harness.hpp rows):
//   - transport seal+open throughput (frame_sealer::seal_into + frame_opener::open_in_place)
//     vs raw libsodium crypto_aead_chacha20poly1305_ietf_encrypt+decrypt at the same plaintext
//     size, 1 KiB and 4070 B (the largest data frame); target >= 0.9.
//   - full XK and KK handshakes per second, both sides in process, fresh ephemeral keys each
//     time, vs the bound from their secp256k1 operations: XK = 6 noise_dh + 2 key generations,
//     KK = 8 noise_dh + 2 key generations (each side does one DH per es/ee/se/ss token and
//     generates one ephemeral key); bound = 1 / (n_dh * t_dh + n_keygen * t_keygen) with t_dh
//     and t_keygen measured in the same run; target >= 0.8.
#include <sodium.h>

#include <algorithm>
#include <string>

#include "skywire/crypto/keys.hpp"
#include "skywire/crypto/random.hpp"
#include "skywire/noise/frame.hpp"
#include "skywire/noise/handshake_state.hpp"
#include "support.hpp"

using namespace skywire;

namespace {

using bench::check;

void transport_row(std::size_t size) {
  crypto::aead_key key;
  key.fill(0x42);
  const bytes plaintext(size, 0x5a);

  noise::frame_sealer sealer(key);
  noise::frame_opener opener(key);
  bytes frame(noise::sealed_frame_size(size));
  auto noise_op = [&] {
    auto s = sealer.seal_into(plaintext, frame);
    auto o = opener.open_in_place(mutable_byte_view(frame).subspan(noise::limits::length_prefix_len));
    check(s && o, "noise seal/open");
    bench::do_not_optimize(frame.data());
  };

  bytes ct(size + crypto_aead_chacha20poly1305_ietf_ABYTES);
  bytes pt(size);
  std::uint64_t counter = 0;
  auto raw_op = [&] {
    unsigned char nonce[crypto_aead_chacha20poly1305_ietf_NPUBBYTES] = {};
    ++counter;
    for (int i = 0; i < 8; ++i) nonce[4 + i] = static_cast<unsigned char>(counter >> (8 * i));
    unsigned long long clen = 0, mlen = 0;
    crypto_aead_chacha20poly1305_ietf_encrypt(ct.data(), &clen, plaintext.data(), plaintext.size(), nullptr, 0,
                                              nullptr, nonce, key.data());
    const int r = crypto_aead_chacha20poly1305_ietf_decrypt(pt.data(), &mlen, nullptr, ct.data(), clen, nullptr, 0,
                                                            nonce, key.data());
    check(r == 0, "raw decrypt");
    bench::do_not_optimize(pt.data());
  };

  auto [noise_rate, raw_rate] = bench::compare(noise_op, raw_op);
  const double mib = static_cast<double>(size) / (1024.0 * 1024.0);
  const std::string name = "noise transport seal+open " + std::to_string(size) + " B vs raw libsodium AEAD";
  bench::row(name, noise_rate * mib, raw_rate * mib, "MiB/s", 0.9);
}

struct handshake_keys {
  crypto::key_pair initiator;
  crypto::key_pair responder;
};

// One complete handshake, both sides, with fresh ephemeral keys (as production makes them).
void full_handshake(noise::handshake_pattern p, const handshake_keys& k, crypto::system_random& rng) {
  using noise::handshake_role;
  const bool xk = p == noise::handshake_pattern::xk;
  noise::handshake_config ic{p, handshake_role::initiator, k.initiator, k.responder.pk,
                             crypto::generate_key_pair(rng)};
  noise::handshake_config rc{p, handshake_role::responder, k.responder,
                             xk ? std::nullopt : std::optional<crypto::public_key>(k.initiator.pk),
                             crypto::generate_key_pair(rng)};
  auto i = noise::handshake_state::create(ic);
  auto r = noise::handshake_state::create(rc);
  check(i && r, "create");
  while (!i->is_complete()) {
    noise::handshake_state& w = i->is_my_turn() ? *i : *r;
    noise::handshake_state& rd = i->is_my_turn() ? *r : *i;
    auto msg = w.write_message();
    check(msg && rd.read_message(*msg), "handshake message");
  }
  auto ik = i->split();
  auto rk = r->split();
  check(ik && rk && ik->send == rk->recv, "split");
}

void handshake_rows() {
  crypto::system_random rng;
  const handshake_keys keys{crypto::generate_key_pair(rng), crypto::generate_key_pair(rng)};

  auto xk_op = [&] { full_handshake(noise::handshake_pattern::xk, keys, rng); };
  auto kk_op = [&] { full_handshake(noise::handshake_pattern::kk, keys, rng); };

  // Interleave primitive and handshake measurements in rounds so both see the same machine
  // load; keep the best of each (interference only ever slows a batch down).
  bench::secp256k1_rates ops;
  double xk_rate = 0, kk_rate = 0;
  for (int round = 0; round < 3; ++round) {
    ops.measure(false);
    auto [x, k] = bench::compare(xk_op, kk_op, 3, 0.1);
    xk_rate = std::max(xk_rate, x);
    kk_rate = std::max(kk_rate, k);
  }
  const double xk_bound = 1.0 / ops.seconds(6, 2);
  const double kk_bound = 1.0 / ops.seconds(8, 2);
  bench::row("noise XK handshake (both sides, 6 DH + 2 keygen) vs secp256k1 op bound", xk_rate, xk_bound,
             "handshakes/s", 0.8);
  bench::row("noise KK handshake (both sides, 8 DH + 2 keygen) vs secp256k1 op bound", kk_rate, kk_bound,
             "handshakes/s", 0.8);
}

}  // namespace

int main() {
  check(sodium_init() >= 0, "sodium_init");
  transport_row(1024);
  transport_row(noise::limits::max_data_plaintext);
  handshake_rows();
  return 0;
}
