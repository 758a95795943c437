#pragma once
// skywire::crypto — identity and primitives on libsecp256k1 and libsodium. No hand-written
// primitives live here: only the exact glue Skywire's Go cipher package implies.
//
//   keys.hpp       public_key, secret_key (wiped, unprintable), key_pair, key generation.
//   signature.hpp  65-byte recoverable signatures over SHA-256; strict low-S verification.
//   ecdh.hpp       cipher.ECDH, the 33-byte Noise DH output, dh_public_key (decoded once).
//   hash.hpp       SHA-256, HMAC-SHA256, Noise HKDF, constant-time compare, wipe.
//   aead.hpp       ChaCha20-Poly1305 IETF with Noise nonces.
//   random.hpp     system_random (CSPRNG).
//   errc.hpp       error codes (category "skywire.crypto").
//
// Depends on base. Thread-safe: every function may be called from any thread.
#include "skywire/crypto/aead.hpp"
#include "skywire/crypto/ecdh.hpp"
#include "skywire/crypto/errc.hpp"
#include "skywire/crypto/hash.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/crypto/random.hpp"
#include "skywire/crypto/signature.hpp"
