#pragma once
// The server's sans-I/O handling of the first session object of a stream (spec/dmsg.md §5.5
// step 3): open the frame with the session's opener (window replay mode), parse the
// SignedObject, decode and validate the StreamRequest, verify it is signed by SrcAddr.PK, that
// SrcAddr.PK is the session's peer, and that it is not a replay. What fuzz_dmsg_server_request
// drives.
//
// replay_guard (one per session; Go has no replay protection here): a request is refused when
// its timestamp is below floor() = max(newest timestamp seen − limits::request_window, newest
// timestamp evicted from the cache), or when its hash (SHA256 of the SignedObject) was seen
// before. At most limits::request_cache hashes are kept; the oldest by timestamp is evicted
// first. Timestamps are the client's own clock, so skew between hosts is irrelevant, and
// concurrent dials may arrive in any order within the window.
//
// Errors: noise::errc (frame), wire/gob errors and errc::bad_object (object), crypto::errc →
// errc::request_bad_signature, errc::request_bad_src, errc::request_replayed.
#include <cstdint>
#include <map>
#include <set>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/hash.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/noise/frame.hpp"
#include "skywire/wire/dmsg/signed_object.hpp"

namespace skywire::dmsg {

class replay_guard {
 public:
  // Records (timestamp, hash) if it is fresh; errc::request_replayed otherwise.
  result<void> check_and_record(std::int64_t timestamp, const crypto::sha256_digest& hash);
  std::int64_t floor() const noexcept;
  std::size_t size() const noexcept { return seen_.size(); }

 private:
  std::int64_t newest_ = 0;
  std::int64_t evicted_ = 0;
  std::set<crypto::sha256_digest> seen_;
  std::multimap<std::int64_t, crypto::sha256_digest> by_time_;
};

struct checked_request {
  wire::dmsg::opened_request opened;
  bytes object;  // the SignedObject exactly as received (re-sealed to the destination)
};

// Checks the plaintext of the first session object (already opened).
result<checked_request> check_request_object(byte_view object, const crypto::public_key& session_pk,
                                             replay_guard& guard);
// Opens frame_body (u64 N ‖ ciphertext ‖ tag) in place, then check_request_object.
result<checked_request> check_request_frame(mutable_byte_view frame_body, noise::frame_opener& opener,
                                            const crypto::public_key& session_pk, replay_guard& guard);

}  // namespace skywire::dmsg
