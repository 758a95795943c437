// Noise initiator (dmsg client / transport dialer) fed a hostile message 2. Input: u8 selector
// (bit 0: 0 = XK session, 1 = KK stream) ‖ msg2. Vector keys, so the vector's msg2 completes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "fuzz_noise_common.hpp"
#include "skywire/noise/frame.hpp"

using namespace skywire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const bool kk = (data[0] & 1) != 0;
  const byte_view msg2(data + 1, size - 1);

  noise::handshake_config cfg{kk ? noise::handshake_pattern::kk : noise::handshake_pattern::xk,
                              noise::handshake_role::initiator, fuzz_noise::xk_initiator_static(),
                              kk ? fuzz_noise::kk_responder_static().pk : fuzz_noise::xk_responder_static().pk,
                              kk ? fuzz_noise::kk_initiator_ephemeral() : fuzz_noise::xk_initiator_ephemeral()};
  auto hs = noise::handshake_state::create(cfg);
  if (!hs) std::abort();
  if (!hs->write_message()) std::abort();
  if (!hs->read_message(msg2)) {
    if (!hs->failed()) std::abort();  // every read error poisons the state
    return 0;
  }
  if (!kk) {
    auto msg3 = hs->write_message();
    if (!msg3 || msg3->size() != 65) std::abort();
  }
  if (!hs->is_complete()) std::abort();
  if (!hs->split()) std::abort();
  return 0;
}
