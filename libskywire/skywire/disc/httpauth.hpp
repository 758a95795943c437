#pragma once
// httpauth: the pure part of Skywire's signed HTTP requests (spec/skywire.md §2.1; Go:
// skywire-utilities pkg/httpauth/auth.go), shared by the client (httpauth_client.hpp) and the
// services' verifier (services/httpauth/).
//
// An authenticated request carries
//   SW-Public: 66-hex public key      SW-Nonce: decimal counter      SW-Sig: 130-hex signature
// where the signature is crypto::sign_payload(body ‖ ASCII(decimal nonce)): the raw request body
// (empty for a bodiless GET/DELETE) immediately followed by the nonce, no separator. The server
// keeps one counter per key, starting at 0, and increments it after each authenticated request
// whose handler answered 200, so a captured request cannot be replayed.
//
// SW-PublicIP is only sent over dmsghttp, where the server cannot see the caller's IP.
#include "skywire/base/bytes.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/crypto/signature.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace skywire::disc::httpauth {

inline constexpr std::string_view header_public = "SW-Public";
inline constexpr std::string_view header_nonce = "SW-Nonce";
inline constexpr std::string_view header_sig = "SW-Sig";
inline constexpr std::string_view header_public_ip = "SW-PublicIP";
inline constexpr std::string_view nonces_path = "/security/nonces/";

// The message the server answers (401) when SW-Nonce is not the stored counter.
inline constexpr std::string_view nonce_mismatch_message = "SW-Nonce does not match";

// body ‖ decimal(nonce): the bytes whose SHA-256 is signed (Go: PayloadWithNonce).
std::string signed_payload(std::string_view body, std::uint64_t nonce);

crypto::signature sign(std::string_view body, std::uint64_t nonce, const crypto::secret_key& sk);

// crypto::verify_payload over signed_payload(body, nonce); its errors unchanged.
result<void> verify(std::string_view body, std::uint64_t nonce, const crypto::public_key& pk,
                    const crypto::signature& sig);

}  // namespace skywire::disc::httpauth
