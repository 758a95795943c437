#pragma once
// Internal to the crypto module (detail/: other modules must not include it): the one libsecp256k1 context and libsodium initialisation.
//
// The context is created once (function-local static, thread-safe initialisation), randomized
// with 32 bytes from libsodium's CSPRNG (blinding for signing and key creation) and never
// modified afterwards, so it is constant shared state, safe to use from any thread. It is
// intentionally never destroyed: static destructors of other objects may still sign or verify.
#include <secp256k1.h>

namespace skywire::crypto::detail {

// Calls sodium_init() (idempotent); aborts if libsodium cannot initialise (no usable CSPRNG).
void ensure_sodium();

const secp256k1_context* secp_context();

}  // namespace skywire::crypto::detail
