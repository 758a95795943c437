#include "skywire/crypto/aead.hpp"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

#include "skywire/crypto/detail/context.hpp"
#include "skywire/crypto/errc.hpp"

namespace skywire::crypto {
namespace {

static_assert(crypto_aead_chacha20poly1305_ietf_KEYBYTES == aead_key_size);
static_assert(crypto_aead_chacha20poly1305_ietf_ABYTES == aead_tag_size);
static_assert(crypto_aead_chacha20poly1305_ietf_NPUBBYTES == 12);

// Noise's ChaChaPoly nonce: 32 zero bits followed by the 64-bit counter, little-endian.
byte_array<12> noise_nonce(std::uint64_t n) noexcept {
  byte_array<12> out{};
  for (std::size_t i = 0; i < 8; ++i) out[4 + i] = static_cast<std::uint8_t>(n >> (8 * i));
  return out;
}

// A wrong output size is a bug in the caller (sizes are computed locally, never taken from the
// network), so it stops the process rather than returning an error.
[[noreturn]] void size_bug(const char* fn) noexcept {
  std::fprintf(stderr, "skywire crypto: %s called with a wrongly sized output buffer\n", fn);
  std::abort();
}

}  // namespace

void aead_seal(const aead_key& key, std::uint64_t nonce, byte_view ad, byte_view plaintext,
               mutable_byte_view out) noexcept {
  if (out.size() != plaintext.size() + aead_tag_size) size_bug("aead_seal");
  detail::ensure_sodium();  // selects libsodium's fastest ChaCha20 implementation once
  const auto npub = noise_nonce(nonce);
  unsigned long long clen = 0;
  // libsodium documents in-place operation (out == plaintext) as supported.
  crypto_aead_chacha20poly1305_ietf_encrypt(out.data(), &clen, plaintext.data(), plaintext.size(),
                                            ad.data(), ad.size(), nullptr, npub.data(),
                                            key.data());
}

result<void> aead_open(const aead_key& key, std::uint64_t nonce, byte_view ad, byte_view ciphertext,
                       mutable_byte_view out) noexcept {
  // A ciphertext shorter than a tag comes from the network: an error, not a bug.
  if (ciphertext.size() < aead_tag_size) return errc::aead_open_failed;
  if (out.size() != ciphertext.size() - aead_tag_size) size_bug("aead_open");
  detail::ensure_sodium();
  const auto npub = noise_nonce(nonce);
  unsigned long long mlen = 0;
  if (crypto_aead_chacha20poly1305_ietf_decrypt(out.data(), &mlen, nullptr, ciphertext.data(),
                                                ciphertext.size(), ad.data(), ad.size(),
                                                npub.data(), key.data()) != 0) {
    return errc::aead_open_failed;
  }
  return {};
}

}  // namespace skywire::crypto
