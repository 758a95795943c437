#include "skywire/noise/handshake_state.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

#include "skywire/crypto/ecdh.hpp"
#include "skywire/noise/limits.hpp"

namespace skywire::noise {
namespace {

enum class token : std::uint8_t { e, s, ee, es, se, ss };

struct message_pattern {
  std::array<token, 3> tokens;
  std::size_t count;
};

constexpr std::array<message_pattern, 3> xk_messages{{
    {{token::e, token::es, token::e}, 2},
    {{token::e, token::ee, token::e}, 2},
    {{token::s, token::se, token::e}, 2},
}};
constexpr std::array<message_pattern, 2> kk_messages{{
    {{token::e, token::es, token::ss}, 3},
    {{token::e, token::ee, token::se}, 3},
}};

constexpr std::string_view xk_name = "Noise_XK_Secp256k1_ChaChaPoly_SHA256";
constexpr std::string_view kk_name = "Noise_KK_Secp256k1_ChaChaPoly_SHA256";

const message_pattern& pattern_of(handshake_pattern p, std::size_t index) {
  return p == handshake_pattern::xk ? xk_messages[index] : kk_messages[index];
}

bool is_dh(token t) { return t != token::e && t != token::s; }

}  // namespace

// The remote static key for a DH token: one learned earlier in the message being read, else
// the known one.
const std::optional<crypto::dh_public_key>& handshake_state::peer_s(
    const std::optional<crypto::dh_public_key>& learned) const noexcept {
  return learned ? learned : remote_static_;
}

const crypto::public_key& handshake_state::remote_static() const noexcept {
  static const crypto::public_key unknown{};
  return remote_static_ ? remote_static_->key() : unknown;
}

handshake_state::handshake_state(const handshake_config& config)
    : pattern_(config.pattern),
      role_(config.role),
      s_(config.local_static),
      e_(config.local_ephemeral) {}

result<handshake_state> handshake_state::create(const handshake_config& config) {
  const bool xk_responder =
      config.pattern == handshake_pattern::xk && config.role == handshake_role::responder;
  if (!xk_responder && (!config.remote_static || config.remote_static->is_null())) {
    return errc::missing_remote_static;
  }
  handshake_state hs(config);
  if (!xk_responder) {
    auto rs = crypto::dh_public_key::from_key(*config.remote_static);
    if (!rs) return errc::bad_public_key;  // unreachable: non-null keys always decode
    hs.remote_static_ = std::move(*rs);
  }

  // InitializeSymmetric: both names are 36 bytes (> HASHLEN), so h = SHA256(name); ck = h.
  const std::string_view name = config.pattern == handshake_pattern::xk ? xk_name : kk_name;
  hs.h_ = crypto::sha256(as_bytes(name));
  hs.ck_ = hs.h_;
  hs.mix_hash({});  // the empty prologue is still mixed

  // Pre-messages. XK: <- s. KK: -> s then <- s.
  const crypto::public_key& initiator_s = hs.initiator() ? hs.s_.pk : hs.remote_static();
  const crypto::public_key& responder_s = hs.initiator() ? hs.remote_static() : hs.s_.pk;
  if (config.pattern == handshake_pattern::kk) hs.mix_hash(initiator_s.view());
  hs.mix_hash(responder_s.view());
  return hs;
}

handshake_state::~handshake_state() {
  crypto::wipe(ck_);
  crypto::wipe(k_);
}

std::size_t handshake_state::message_count() const noexcept {
  return pattern_ == handshake_pattern::xk ? xk_messages.size() : kk_messages.size();
}

bool handshake_state::is_my_turn() const noexcept {
  if (failed_ || index_ >= message_count()) return false;
  return (index_ % 2 == 0) == initiator();
}

std::size_t handshake_state::next_message_length() const noexcept {
  if (failed_ || index_ >= message_count()) return 0;
  const message_pattern& mp = pattern_of(pattern_, index_);
  bool key = has_key_;
  std::size_t len = 0;
  for (std::size_t i = 0; i < mp.count; ++i) {
    const token t = mp.tokens[i];
    if (t == token::e) len += limits::dh_len;
    if (t == token::s) len += limits::dh_len + (key ? limits::tag_len : 0);
    if (is_dh(t)) key = true;
  }
  return len + (key ? limits::tag_len : 0);  // the empty payload
}

void handshake_state::mix_hash(byte_view data) { h_ = crypto::sha256(h_, data); }

void handshake_state::mix_key(byte_view ikm) {
  crypto::hkdf_output out = crypto::hkdf2(ck_, ikm);
  ck_ = out.first;
  k_ = out.second;
  crypto::wipe(out.first);
  crypto::wipe(out.second);
  has_key_ = true;
  n_ = 0;
}

void handshake_state::encrypt_and_hash(byte_view plaintext, bytes& out) {
  const std::size_t start = out.size();
  if (!has_key_) {
    out.insert(out.end(), plaintext.begin(), plaintext.end());
  } else {
    out.resize(start + plaintext.size() + limits::tag_len);
    crypto::aead_seal(k_, n_++, h_, plaintext, mutable_byte_view(out).subspan(start));
  }
  mix_hash(byte_view(out).subspan(start));
}

result<void> handshake_state::decrypt_and_hash(byte_view ciphertext, mutable_byte_view plaintext) {
  if (!has_key_) {
    std::copy(ciphertext.begin(), ciphertext.end(), plaintext.begin());
  } else if (!crypto::aead_open(k_, n_, h_, ciphertext, plaintext)) {
    return errc::decrypt_failed;
  } else {
    ++n_;
  }
  mix_hash(ciphertext);
  return {};
}

result<void> handshake_state::mix_dh(const crypto::secret_key& sk,
                                     const std::optional<crypto::dh_public_key>& pk) {
  if (!pk) return errc::dh_failed;  // a pattern never uses a key before it is known; kept total
  auto dh = crypto::noise_dh(sk, *pk);
  if (!dh) return errc::dh_failed;
  mix_key(*dh);
  crypto::wipe(*dh);
  return {};
}

result<bytes> handshake_state::write_message() {
  if (failed_) return errc::handshake_failed;
  if (!is_my_turn()) {
    failed_ = true;
    return errc::wrong_state;
  }
  const message_pattern& mp = pattern_of(pattern_, index_);
  bytes out;
  out.reserve(next_message_length());
  for (std::size_t i = 0; i < mp.count; ++i) {
    result<void> r;
    switch (mp.tokens[i]) {
      case token::e:
        out.insert(out.end(), e_.pk.view().begin(), e_.pk.view().end());
        mix_hash(e_.pk.view());
        break;
      case token::s: encrypt_and_hash(s_.pk.view(), out); break;
      case token::ee: r = mix_dh(e_.sk, remote_ephemeral_); break;
      case token::es: r = initiator() ? mix_dh(e_.sk, remote_static_) : mix_dh(s_.sk, remote_ephemeral_); break;
      case token::se: r = initiator() ? mix_dh(s_.sk, remote_ephemeral_) : mix_dh(e_.sk, remote_static_); break;
      case token::ss: r = mix_dh(s_.sk, remote_static_); break;
    }
    if (!r) {
      failed_ = true;
      return r.error();
    }
  }
  encrypt_and_hash({}, out);
  ++index_;
  return out;
}

result<void> handshake_state::read_message(byte_view message) {
  if (failed_) return errc::handshake_failed;
  if (index_ >= message_count() || is_my_turn()) {
    failed_ = true;
    return errc::wrong_state;
  }
  result<void> r = do_read(message);
  if (!r) {
    failed_ = true;
    return r;
  }
  ++index_;
  return {};
}

result<void> handshake_state::do_read(byte_view message) {
  if (message.size() != next_message_length()) return errc::bad_message_length;
  const message_pattern& mp = pattern_of(pattern_, index_);
  std::size_t pos = 0;
  // The peer's static key becomes visible only once the whole message has authenticated (its
  // owner has proven possession of the secret key through se/ss and the payload tag).
  std::optional<crypto::dh_public_key> learned_static;
  for (std::size_t i = 0; i < mp.count; ++i) {
    result<void> r;
    switch (mp.tokens[i]) {
      case token::e: {
        byte_view raw = message.subspan(pos, limits::dh_len);
        pos += limits::dh_len;
        auto pk = crypto::dh_public_key::from_bytes(raw);
        if (!pk) return errc::bad_public_key;
        remote_ephemeral_ = std::move(*pk);
        mix_hash(raw);
        break;
      }
      case token::s: {
        const std::size_t len = limits::dh_len + (has_key_ ? limits::tag_len : 0);
        byte_array<limits::dh_len> raw{};
        r = decrypt_and_hash(message.subspan(pos, len), raw);
        pos += len;
        if (!r) return r;
        auto pk = crypto::dh_public_key::from_bytes(raw);
        if (!pk) return errc::bad_public_key;
        learned_static = std::move(*pk);
        break;
      }
      case token::ee: r = mix_dh(e_.sk, remote_ephemeral_); break;
      case token::es: r = initiator() ? mix_dh(e_.sk, peer_s(learned_static)) : mix_dh(s_.sk, remote_ephemeral_); break;
      case token::se: r = initiator() ? mix_dh(s_.sk, remote_ephemeral_) : mix_dh(e_.sk, peer_s(learned_static)); break;
      case token::ss: r = mix_dh(s_.sk, peer_s(learned_static)); break;
    }
    if (!r) return r;
  }
  // The payload: must be empty, i.e. exactly one tag remains (guaranteed by the length check).
  byte_array<0> payload{};
  if (auto r = decrypt_and_hash(message.subspan(pos), payload); !r) return r;
  if (learned_static) remote_static_ = std::move(learned_static);
  return {};
}

result<transport_keys> handshake_state::split() const {
  if (failed_) return errc::handshake_failed;
  if (!is_complete()) return errc::wrong_state;
  crypto::hkdf_output out = crypto::hkdf2(ck_, {});
  // dmsg quirk (§3.4): whoever wrote the last message sends with k2. The last message is
  // written by the initiator when the pattern has an odd number of messages (XK: 3).
  const bool wrote_last = (message_count() % 2 == 1) == initiator();
  transport_keys keys{};
  keys.send = wrote_last ? out.second : out.first;
  keys.recv = wrote_last ? out.first : out.second;
  crypto::wipe(out.first);
  crypto::wipe(out.second);
  return keys;
}

}  // namespace skywire::noise
