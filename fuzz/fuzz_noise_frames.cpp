// Transport frames from a hostile byte stream: frame_splitter + frame_opener. Input: u8 mode
// (bit 0: 0 = stream data, strictly increasing nonces, 4094 limit, KK vector initiator key;
// 1 = session objects, replay window, 65535 limit, XK vector initiator key) ‖ byte stream.
// The stream is fed in chunks whose sizes come from the data itself, to exercise buffering.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "skywire/base/hex.hpp"
#include "skywire/noise/frame.hpp"
#include "skywire/noise/frame_splitter.hpp"

using namespace skywire;

namespace {

crypto::aead_key key(std::string_view hex) {
  auto k = base::from_hex_fixed<32>(hex);
  if (!k) std::abort();
  return *k;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const bool objects = (data[0] & 1) != 0;
  const std::size_t chunk = 1 + (data[0] >> 1);  // 1..128 bytes per feed
  byte_view stream(data + 1, size - 1);

  static const crypto::aead_key kk_init = key("321c8feb78ee0f34d2116360495f11f84e668d40eb95beead6783997965780f7");
  static const crypto::aead_key xk_init = key("81ba51a19eb3877f12b59ea98ad231fa0b42de6e19dd1ef84f1506316454346a");

  noise::frame_splitter splitter(objects ? noise::limits::max_object_frame_body : noise::limits::max_frame_body);
  noise::frame_opener opener(objects ? xk_init : kk_init,
                             objects ? noise::replay_mode::window : noise::replay_mode::strictly_increasing);
  while (!stream.empty()) {
    byte_view piece = stream.first(std::min(chunk, stream.size()));
    stream = stream.subspan(piece.size());
    while (!piece.empty()) {
      auto body = splitter.next(piece);
      if (!body) return 0;  // oversized length: the connection is dropped
      if (!*body) break;
      if ((*body)->size() > splitter.max_length()) std::abort();
      const std::uint64_t before = opener.last_nonce();
      auto pt = opener.open_in_place(**body);
      if (!pt) {
        if (!objects && opener.last_nonce() != before) std::abort();  // failures never advance
        continue;  // a real reader drops the connection; keep going to explore more state
      }
      if (pt->size() + noise::limits::frame_overhead != (*body)->size()) std::abort();
      if (!objects && opener.last_nonce() <= before) std::abort();
    }
  }
  return 0;
}
