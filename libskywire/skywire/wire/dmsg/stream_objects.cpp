#include "skywire/wire/dmsg/stream_objects.hpp"

#include <initializer_list>
#include <limits>
#include <string_view>
#include <stdexcept>

#include "skywire/wire/gob/decoder.hpp"
#include "skywire/wire/gob/encoder.hpp"
#include "skywire/wire/gob/limits.hpp"
#include "skywire/wire/gob/value.hpp"

namespace skywire::wire::dmsg {
namespace {

using gob::value;
using gob::value_kind;

// Go's types, in declaration order (pkg/dmsg/types.go): the field order decides the ids.
struct request_types {
  gob::schema s;
  const gob::type_def& pubkey = s.add_binary_marshaler("PubKey");
  const gob::type_def& addr_t = s.add_struct("Addr", {{"PK", &pubkey}, {"Port", &gob::uint_type()}});
  const gob::type_def& request = s.add_struct(
      "StreamRequest", {{"Timestamp", &gob::int_type()}, {"SrcAddr", &addr_t},
                        {"DstAddr", &addr_t}, {"NoiseMsg", &gob::bytes_type()}});
};

struct response_types {
  gob::schema s;
  const gob::type_def& sha = s.add_array("SHA256", gob::uint_type(), 32);
  const gob::type_def& response = s.add_struct(
      "StreamResponse", {{"ReqHash", &sha}, {"Accepted", &gob::bool_type()},
                         {"ErrCode", &gob::uint_type()}, {"NoiseMsg", &gob::bytes_type()}});
};

value addr_value(const addr& a) {
  return gob::make_struct({{"PK", gob::make_marshaled(gob::type_kind::binary_marshaler, a.pk.view())},
                           {"Port", gob::make_uint(a.port)}});
}

bytes must(result<bytes> r) {
  // Our own schema and values always fit each other; failure is a bug in this file.
  if (!r) throw std::logic_error("dmsg stream object encoding failed: " + r.error().message());
  return std::move(*r);
}

// Decodes one self-contained object; keeps the decoder so callers can inspect wire types.
struct decoded_object {
  gob::decoder dec{gob::stream_object_limits()};
  value v;
};

result<void> decode_object(byte_view in, decoded_object& out,
                           std::initializer_list<std::string_view> our_fields) {
  auto r = out.dec.next_value(in);
  if (!r) return r.error();
  if (r->consumed != in.size()) return errc::trailing_bytes;
  if (r->v.kind != value_kind::structure) return errc::type_mismatch;
  // Go's compileDec: "type mismatch: no fields matched" when the sender's struct has fields
  // but none share a name with ours (e.g. a request decoded as a response).
  const gob::wire_type* wt = out.dec.find_type(r->v.type);
  if (wt == nullptr) return errc::type_mismatch;
  bool any = wt->fields.empty();
  for (const auto& f : wt->fields) {
    for (std::string_view n : our_fields) any = any || f.first == n;
  }
  if (!any) return errc::type_mismatch;
  out.v = std::move(r->v);
  return {};
}

result<std::uint64_t> uint_field(const value& s, std::string_view name, std::uint64_t max) {
  const value* f = s.field(name);
  if (f == nullptr) return std::uint64_t{0};
  if (f->kind != value_kind::unsigned_integer) return errc::type_mismatch;
  if (f->u > max) return errc::invalid_value;
  return f->u;
}

result<bytes> noise_field(const value& s) {
  const value* f = s.field("NoiseMsg");
  if (f == nullptr) return bytes{};
  if (f->kind != value_kind::byte_string) return errc::type_mismatch;
  if (f->data.size() > max_noise_msg) return errc::too_long;
  return f->data;
}

result<addr> addr_field(const value& s, std::string_view name) {
  const value* a = s.field(name);
  if (a == nullptr) return errc::invalid_value;  // zero Addr: null key, port 0
  if (a->kind != value_kind::structure) return errc::type_mismatch;
  const value* pk = a->field("PK");
  if (pk == nullptr) return errc::invalid_value;  // null key
  // Go decodes PubKey only from a BinaryMarshalerT wire type.
  if (pk->kind != value_kind::marshaled || pk->marshaler != gob::type_kind::binary_marshaler) {
    return errc::type_mismatch;
  }
  auto key = crypto::public_key::from_bytes(pk->data);
  if (!key) return key.error();
  auto port = uint_field(*a, "Port", std::numeric_limits<std::uint16_t>::max());
  if (!port) return port.error();
  if (*port == 0) return errc::invalid_value;
  return addr{*key, static_cast<std::uint16_t>(*port)};
}

}  // namespace

bytes encode_stream_request(const stream_request& r, gob::type_id first_id) {
  request_types t;
  value v = gob::make_struct({{"Timestamp", gob::make_int(r.timestamp)},
                              {"SrcAddr", addr_value(r.src)},
                              {"DstAddr", addr_value(r.dst)},
                              {"NoiseMsg", gob::make_bytes(r.noise_msg)}});
  return must(gob::encode_fresh(t.request, v, first_id));
}

bytes encode_stream_response(const stream_response& r, gob::type_id first_id) {
  response_types t;
  std::vector<value> hash;
  hash.reserve(r.req_hash.size());
  for (std::uint8_t b : r.req_hash) hash.push_back(gob::make_uint(b));
  value v = gob::make_struct({{"ReqHash", gob::make_list(std::move(hash))},
                              {"Accepted", gob::make_bool(r.accepted)},
                              {"ErrCode", gob::make_uint(r.err_code)},
                              {"NoiseMsg", gob::make_bytes(r.noise_msg)}});
  return must(gob::encode_fresh(t.response, v, first_id));
}

result<stream_request> decode_stream_request(byte_view gob_bytes) {
  decoded_object obj;
  if (auto r = decode_object(gob_bytes, obj, {"Timestamp", "SrcAddr", "DstAddr", "NoiseMsg"}); !r) return r.error();
  const value& s = obj.v;

  stream_request out;
  if (const value* ts = s.field("Timestamp")) {
    if (ts->kind != value_kind::integer) return errc::type_mismatch;
    out.timestamp = ts->i;
  }
  if (out.timestamp <= 0) return errc::invalid_value;
  auto src = addr_field(s, "SrcAddr");
  if (!src) return src.error();
  auto dst = addr_field(s, "DstAddr");
  if (!dst) return dst.error();
  auto noise = noise_field(s);
  if (!noise) return noise.error();
  out.src = *src;
  out.dst = *dst;
  out.noise_msg = std::move(*noise);
  return out;
}

result<stream_response> decode_stream_response(byte_view gob_bytes) {
  decoded_object obj;
  if (auto r = decode_object(gob_bytes, obj, {"ReqHash", "Accepted", "ErrCode", "NoiseMsg"}); !r) return r.error();
  const value& s = obj.v;

  stream_response out;
  if (const value* h = s.field("ReqHash")) {
    // Go refuses anything but ArrayT{uint, 32} for a [32]uint8 field.
    const gob::wire_type* wt = obj.dec.find_type(h->type);
    if (h->kind != value_kind::list || wt == nullptr || wt->kind != gob::type_kind::array ||
        h->items.size() != out.req_hash.size()) {
      return errc::type_mismatch;
    }
    for (std::size_t k = 0; k < out.req_hash.size(); ++k) {
      const value& e = h->items[k];
      if (e.kind != value_kind::unsigned_integer) return errc::type_mismatch;
      if (e.u > 0xff) return errc::invalid_value;  // Go: uint8 overflow
      out.req_hash[k] = static_cast<std::uint8_t>(e.u);
    }
  }
  if (const value* a = s.field("Accepted")) {
    if (a->kind != value_kind::boolean) return errc::type_mismatch;
    out.accepted = a->b;
  }
  auto code = uint_field(s, "ErrCode", std::numeric_limits<std::uint16_t>::max());
  if (!code) return code.error();
  out.err_code = static_cast<std::uint16_t>(*code);
  auto noise = noise_field(s);
  if (!noise) return noise.error();
  out.noise_msg = std::move(*noise);
  return out;
}

}  // namespace skywire::wire::dmsg
