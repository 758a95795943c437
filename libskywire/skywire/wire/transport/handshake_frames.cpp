#include "skywire/wire/transport/handshake_frames.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/value.hpp>

#include "skywire/wire/errc.hpp"
#include "skywire/wire/json/writer.hpp"
#include "skywire/wire/transport/detail/json_fields.hpp"

namespace skywire::wire::transport {

namespace bj = boost::json;
using json::dialect;
using json::writer;

namespace {

constexpr std::size_t max_depth = 4;  // Frame2 nests 2 deep (object → addr / nonce array)

void write_nonce(writer& w, const handshake_nonce& n) {
  w.begin_array();
  for (auto b : n) w.uint64(b);
  w.end_array();
}

void write_addr(writer& w, const skywire_addr& a) {
  w.begin_object();
  w.key("public_key").string(a.pk.to_hex());
  w.key("port").uint64(a.port);
  w.end_object();
}

#define SKYWIRE_ASSIGN(target, expr) \
  do {                               \
    auto r_ = (expr);                \
    if (!r_) return r_.error();      \
    target = std::move(*r_);         \
  } while (0)

result<skywire_addr> get_addr(const bj::value& v) {
  skywire_addr a;
  if (v.is_null()) return a;
  if (!v.is_object()) return errc::type_mismatch;
  for (const auto& kv : v.get_object()) {
    if (detail::key_is(kv.key(), "public_key")) {
      SKYWIRE_ASSIGN(a.pk, detail::get_pk(kv.value()));
    } else if (detail::key_is(kv.key(), "port")) {
      auto p = detail::get_uint(kv.value(), 0xFFFF);
      if (!p) return p.error();
      a.port = static_cast<std::uint16_t>(*p);
    }
  }
  return a;
}

result<const bj::object*> parse(std::string_view text, bj::monotonic_resource& arena, bj::value& doc) {
  return detail::parse_object(text, max_frame_bytes, max_depth, arena, doc);
}

}  // namespace

std::string encode_frame1(const handshake_nonce& nonce) {
  writer w{dialect::go_json};
  w.begin_object().key("Nonce");
  write_nonce(w, nonce);
  w.end_object().newline();
  return std::move(w).take();
}

result<handshake_nonce> parse_frame1(std::string_view text) {
  bj::monotonic_resource arena;
  bj::value doc;
  auto o = parse(text, arena, doc);
  if (!o) return o.error();
  handshake_nonce n{};
  for (const auto& kv : **o)
    if (detail::key_is(kv.key(), "Nonce")) SKYWIRE_ASSIGN(n, detail::get_byte_array16(kv.value()));
  return n;
}

std::string encode_frame2(const frame2& f) {
  writer w{dialect::go_json};
  w.begin_object();
  w.key("SrcAddr");
  write_addr(w, f.src);
  w.key("DstAddr");
  write_addr(w, f.dst);
  w.key("Nonce");
  write_nonce(w, f.nonce);
  w.key("Sig").string(f.sig.to_hex());
  w.end_object().newline();
  return std::move(w).take();
}

std::string frame2_signing_bytes(const frame2& f) {
  frame2 unsigned_copy = f;
  unsigned_copy.sig = crypto::signature{};
  return encode_frame2(unsigned_copy);
}

frame2 make_frame2(const crypto::key_pair& kp, std::uint16_t src_port, const skywire_addr& dst,
                   const handshake_nonce& nonce) {
  frame2 f{skywire_addr{kp.pk, src_port}, dst, nonce, crypto::signature{}};
  const std::string payload = frame2_signing_bytes(f);
  f.sig = crypto::sign_payload(as_bytes(payload), kp.sk);
  return f;
}

result<frame2> parse_frame2(std::string_view text) {
  bj::monotonic_resource arena;
  bj::value doc;
  auto o = parse(text, arena, doc);
  if (!o) return o.error();
  frame2 f;
  for (const auto& kv : **o) {
    const std::string_view k = kv.key();
    if (detail::key_is(k, "SrcAddr")) {
      SKYWIRE_ASSIGN(f.src, get_addr(kv.value()));
    } else if (detail::key_is(k, "DstAddr")) {
      SKYWIRE_ASSIGN(f.dst, get_addr(kv.value()));
    } else if (detail::key_is(k, "Nonce")) {
      SKYWIRE_ASSIGN(f.nonce, detail::get_byte_array16(kv.value()));
    } else if (detail::key_is(k, "Sig")) {
      SKYWIRE_ASSIGN(f.sig, detail::get_sig(kv.value()));
    }
  }
  return f;
}

result<void> verify_frame2(const frame2& f) {
  const std::string payload = frame2_signing_bytes(f);
  return crypto::verify_payload(f.src.pk, as_bytes(payload), f.sig);
}

std::string encode_frame3(const frame3& f) {
  writer w{dialect::go_json};
  w.begin_object();
  w.key("OK").boolean(f.ok);
  w.key("ErrMsg").string(f.err_msg);
  w.end_object().newline();
  return std::move(w).take();
}

result<frame3> parse_frame3(std::string_view text) {
  bj::monotonic_resource arena;
  bj::value doc;
  auto o = parse(text, arena, doc);
  if (!o) return o.error();
  frame3 f;
  for (const auto& kv : **o) {
    if (detail::key_is(kv.key(), "OK")) {
      SKYWIRE_ASSIGN(f.ok, detail::get_bool(kv.value()));
    } else if (detail::key_is(kv.key(), "ErrMsg")) {
      SKYWIRE_ASSIGN(f.err_msg, detail::get_string(kv.value()));
    }
  }
  return f;
}

#undef SKYWIRE_ASSIGN

}  // namespace skywire::wire::transport
