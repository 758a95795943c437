// Fuzz target: the transport-layer JSON decoders of wire/transport (spec/skywire.md §1.2, §1.5,
// §1.6) on arbitrary bytes. Input: u8 selector ‖ text; selector % 5 picks Frame1, Frame2,
// Frame3, SignedEntry or a UUID. Must never crash, hang or over-allocate; anything that parses
// must re-encode (Go-exact) to text that parses back to the same value, and Frame2 / entry
// signature checks must be total.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "skywire/wire/transport/entry.hpp"
#include "skywire/wire/transport/handshake_frames.hpp"
#include "skywire/wire/transport/transport_id.hpp"

using namespace skywire::wire::transport;

namespace {

template <class T, class Parse, class Encode>
void round_trip(std::string_view text, Parse parse, Encode encode) {
  auto v = parse(text);
  if (!v) return;
  const std::string encoded = encode(*v);
  // Go's escaping can grow a string 6x ("&" -> \u0026), past the frame parsers' input bound.
  if (encoded.size() > max_frame_bytes) return;
  auto again = parse(encoded);
  if (!again || !(*again == *v)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 5) {
    case 0:
      round_trip<handshake_nonce>(text, [](std::string_view t) { return parse_frame1(t); },
                                  [](const handshake_nonce& n) { return encode_frame1(n); });
      break;
    case 1: {
      auto f = parse_frame2(text);
      if (f) (void)verify_frame2(*f);
      round_trip<frame2>(text, [](std::string_view t) { return parse_frame2(t); },
                         [](const frame2& v) { return encode_frame2(v); });
      break;
    }
    case 2:
      round_trip<frame3>(text, [](std::string_view t) { return parse_frame3(t); },
                         [](const frame3& v) { return encode_frame3(v); });
      break;
    case 3: {
      auto se = parse_signed_entry(text);
      if (se && se->entry) {
        (void)verify_entry_slot(*se, se->entry->edges[0]);
        (void)verify_entry_slot(*se, se->entry->edges[1]);
        (void)to_binary(*se->entry);
      }
      round_trip<signed_entry>(text, [](std::string_view t) { return parse_signed_entry(t, {.max_bytes = 1 << 16}); },
                               [](const signed_entry& v) { return to_json_line(v); });
      break;
    }
    default: {
      auto id = uuid::from_text(text);
      if (id && id->to_string().size() != 36) std::abort();
      if (id) {
        auto again = uuid::from_text(id->to_string());
        if (!again || !(*again == *id)) std::abort();
      }
      break;
    }
  }
  return 0;
}
