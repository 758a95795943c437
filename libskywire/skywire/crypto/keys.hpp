#pragma once
// secp256k1 identities exactly as Skywire uses them (spec/dmsg.md §2, spec/skywire.md §0.1).
//
// public_key: 33-byte SEC1 compressed point; text form 66 lowercase hex. A value of this type
//   is always either a valid curve point or the all-zero "null" key (public_key::null()).
//   Parsing from bytes never yields null: binary decoding validates the point (as Go's
//   UnmarshalBinary does). from_text mirrors Go's UnmarshalText quirk: a string made only of
//   '0' characters (including "") yields the null key. Every parse failure (wrong length, not
//   hex, not a point) is errc::bad_public_key.
// secret_key: 32-byte scalar with 0 < sk < n. Its bytes are wiped on destruction, it has no
//   operator<< or fmt formatter, and its hex form is only available through reveal_hex(),
//   so it cannot reach a log by accident.
//   Parse failures (wrong length, not hex, zero, >= n) are errc::bad_secret_key; secret-key text
//   is decoded without an intermediate heap copy. Strings returned by reveal_hex() are the
//   caller's to wipe (crypto::wipe).
// key_pair: a secret key and its public key.
//
// All operations use one immutable, randomized libsecp256k1 context (crypto/detail/context.hpp)
// and are safe to call from any thread.
#include <compare>
#include <string>
#include <string_view>

#include "skywire/base/bytes.hpp"
#include "skywire/base/random.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/errc.hpp"

namespace skywire::crypto {

class public_key {
 public:
  static constexpr std::size_t size = 33;

  // The null key (all zero). Default construction gives it too.
  public_key() = default;
  static public_key null() { return {}; }

  // 33 bytes that form a valid compressed point; never null.
  static result<public_key> from_bytes(byte_view b);
  // 66 hex digits of a valid point, or (Go quirk) only '0' characters -> null.
  static result<public_key> from_text(std::string_view hex);

  const byte_array<size>& bytes() const noexcept { return b_; }
  byte_view view() const noexcept { return b_; }
  std::string to_hex() const;
  bool is_null() const noexcept;

  friend auto operator<=>(const public_key&, const public_key&) = default;

 private:
  // For bytes libsecp256k1 has just decoded or encoded as a point in this module: decoding
  // them again to validate would only repeat that work.
  friend class secret_key;
  friend class dh_public_key;
  explicit public_key(const byte_array<size>& valid_point) noexcept : b_(valid_point) {}

  byte_array<size> b_{};
};

class secret_key {
 public:
  static constexpr std::size_t size = 32;

  static result<secret_key> from_bytes(byte_view b);
  static result<secret_key> from_text(std::string_view hex);

  secret_key(const secret_key&) = default;
  secret_key& operator=(const secret_key&) = default;
  ~secret_key();

  // The raw scalar. Treat as secret.
  const byte_array<size>& reveal() const noexcept { return b_; }
  // 64 lowercase hex digits. Only for writing key files and the CLI's explicit output.
  std::string reveal_hex() const;

  // sk·G, compressed. (Qualified return type: the member's name shadows the class inside
  // secret_key, and GCC rejects an unqualified use as "changes meaning".)
  crypto::public_key public_key() const;

  bool operator==(const secret_key& o) const noexcept;

 private:
  secret_key() = default;
  byte_array<size> b_{};
};

struct key_pair {
  public_key pk;
  secret_key sk;
};

// A fresh random key pair (Go: cipher.GenerateKeyPair): random 32 bytes until valid.
key_pair generate_key_pair(base::random_source& rng);

// Go's cipher.GenerateDeterministicKeyPair(seed), spec/dmsg.md §2.2. The seed must be non-empty
// (errc::empty_seed; Go panics instead).
result<key_pair> deterministic_key_pair(byte_view seed);

// Whether sk derives pk.
bool key_pair_matches(const public_key& pk, const secret_key& sk);

}  // namespace skywire::crypto
