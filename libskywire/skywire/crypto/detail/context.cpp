#include "skywire/crypto/detail/context.hpp"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace skywire::crypto::detail {
namespace {

[[noreturn]] void fatal(const char* what) {
  std::fprintf(stderr, "skywire crypto: %s\n", what);
  std::abort();
}

secp256k1_context* make_context() {
  ensure_sodium();
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  if (ctx == nullptr) fatal("secp256k1_context_create failed");
  unsigned char seed[32];
  randombytes_buf(seed, sizeof seed);
  const int ok = secp256k1_context_randomize(ctx, seed);
  sodium_memzero(seed, sizeof seed);
  if (ok != 1) fatal("secp256k1_context_randomize failed");
  return ctx;
}

}  // namespace

void ensure_sodium() {
  static const bool ready = [] {
    if (sodium_init() < 0) fatal("sodium_init failed");
    return true;
  }();
  (void)ready;
}

const secp256k1_context* secp_context() {
  static const secp256k1_context* const ctx = make_context();
  return ctx;
}

}  // namespace skywire::crypto::detail
