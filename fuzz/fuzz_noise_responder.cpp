// XK responder (a dmsg server) fed hostile handshake messages. Input: u8 n ‖ msg1 (n bytes) ‖
// msg3 (the rest). The responder uses the vector keys, so the vector's msg1/msg3 complete the
// handshake and reach split(). Must never crash, over-read or leak, whatever the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "fuzz_noise_common.hpp"
#include "skywire/noise/frame.hpp"

using namespace skywire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const byte_view in(data, size);
  const std::size_t n1 = std::min<std::size_t>(in[0], size - 1);
  const byte_view msg1 = in.subspan(1, n1);
  const byte_view msg3 = in.subspan(1 + n1);

  noise::handshake_config cfg{noise::handshake_pattern::xk, noise::handshake_role::responder,
                              fuzz_noise::xk_responder_static(), std::nullopt,
                              fuzz_noise::xk_responder_ephemeral()};
  auto hs = noise::handshake_state::create(cfg);
  if (!hs) std::abort();
  if (!hs->read_message(msg1)) return 0;
  auto msg2 = hs->write_message();
  if (!msg2 || msg2->size() != 49) std::abort();  // our own message: always well-formed
  if (!hs->read_message(msg3)) {
    if (hs->is_complete()) std::abort();
    return 0;
  }
  if (!hs->is_complete() || hs->remote_static().is_null()) std::abort();
  auto keys = hs->split();
  if (!keys) std::abort();
  noise::frame_sealer sealer(keys->send);
  if (!sealer.seal(msg3)) std::abort();
  return 0;
}
