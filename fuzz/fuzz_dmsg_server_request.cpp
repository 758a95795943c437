// Fuzz target: the first session-object frame of a stream as the dmsg server receives it
// (dmsg/request_check.hpp): open with the session's window-mode opener, parse the SignedObject,
// decode and validate the StreamRequest, verify it, check the source against the session peer
// and the replay guard. Byte 0 picks the mode: 0 = the rest is a raw frame body (N ‖ AEAD), so
// framing and authentication are fuzzed; otherwise the rest is a plaintext object that is first
// sealed with the session key, so the object checks behind the AEAD are reached. The session
// peer is the deterministic key of seed "a" (seeds are signed with it).
#include <cstddef>
#include <cstdint>

#include "skywire/crypto/keys.hpp"
#include "skywire/dmsg/request_check.hpp"
#include "skywire/noise/limits.hpp"

using namespace skywire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const crypto::public_key peer = crypto::deterministic_key_pair(as_bytes("a"))->pk;
  const crypto::aead_key key{};
  noise::frame_opener opener(key, noise::replay_mode::window);
  dmsg::replay_guard guard;
  const byte_view in(data + 1, size - 1);
  bytes body;
  if (data[0] == 0) {
    body.assign(in.begin(), in.end());
  } else {
    noise::frame_sealer sealer(key, noise::limits::max_object_plaintext);
    auto frame = sealer.seal(in);
    if (!frame) return 0;
    body.assign(frame->begin() + 2, frame->end());
  }
  bytes copy = body;
  auto r = dmsg::check_request_frame(body, opener, peer, guard);
  if (r) {
    if (r->opened.request.src.pk != peer) __builtin_trap();
    // The same frame again: the opener or the guard must refuse it.
    if (dmsg::check_request_frame(copy, opener, peer, guard)) __builtin_trap();
  }
  return 0;
}
