#pragma once
// ChaCha20-Poly1305 (IETF, libsodium) with Noise's nonce: 96 bits = 00 00 00 00 ‖ LE64(n).
// seal appends a 16-byte tag; open fails with errc::aead_open_failed and leaves out untouched
// in meaning (its contents are unspecified) when the tag does not authenticate.
#include <cstdint>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"

namespace skywire::crypto {

inline constexpr std::size_t aead_key_size = 32;
inline constexpr std::size_t aead_tag_size = 16;
using aead_key = byte_array<aead_key_size>;

// out.size() must be plaintext.size() + aead_tag_size. out may alias plaintext exactly.
void aead_seal(const aead_key& key, std::uint64_t nonce, byte_view ad, byte_view plaintext,
               mutable_byte_view out) noexcept;

// out.size() must be ciphertext.size() - aead_tag_size (ciphertext >= tag). out may alias.
result<void> aead_open(const aead_key& key, std::uint64_t nonce, byte_view ad, byte_view ciphertext,
                       mutable_byte_view out) noexcept;

}  // namespace skywire::crypto
