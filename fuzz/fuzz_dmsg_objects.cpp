// Fuzz target: a dmsg SignedObject as a session peer would deliver it (wire/dmsg/
// signed_object.hpp): parse, decode as request and as response, verify. A request that opens
// must re-encode to gob that decodes to the same request.
#include <cstddef>
#include <cstdint>

#include "skywire/wire/dmsg/signed_object.hpp"
#include "skywire/wire/dmsg/stream_objects.hpp"

using namespace skywire;
using namespace skywire::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const byte_view in(data, size);
  if (auto req = dmsg::open_signed_request(in)) {
    auto back = dmsg::decode_stream_request(dmsg::encode_stream_request(req->request));
    if (!back || !(*back == req->request)) __builtin_trap();
    (void)dmsg::open_signed_response(in, req->request.dst.pk);
  }
  if (auto obj = dmsg::parse_signed_object(in)) {
    if (auto resp = dmsg::decode_stream_response(obj->gob)) {
      auto back = dmsg::decode_stream_response(dmsg::encode_stream_response(*resp));
      if (!back || !(*back == *resp)) __builtin_trap();
    }
    (void)dmsg::decode_stream_request(obj->gob);
  }
  (void)dmsg::decode_stream_request(in);
  (void)dmsg::decode_stream_response(in);
  return 0;
}
