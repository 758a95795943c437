#pragma once
// The net/rpc gob codec (spec/skywire.md A.1): the Request/Response header types exactly as Go
// defines them, conversions between headers and gob values, and value_reader, which turns a
// net::stream into a sequence of gob values for one connection direction.
//
//   Request  {ServiceMethod string; Seq uint64}                 client -> server, then the arg
//   Response {ServiceMethod string; Seq uint64; Error string}   server -> client, then the reply
//
// A reply that carries an error, and the reply of methods whose reply type is *struct{}, is
// Go's empty anonymous struct (empty_struct_type()). Seq 0 and empty strings are omitted on the
// wire by gob's zero rule; parse_* treat missing fields as zero.
//
// Ownership: the type_defs live in a process-wide immutable table built on first use (like the
// builtin types of wire/gob). value_reader borrows its stream (caller keeps it alive).
// Errors: errc::bad_header from parse_*; value_reader returns the stream's error
// (net::errc::closed at EOF) or the decoder's (wire::errc; the stream is then desynced).
#include <cstdint>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/net/stream.hpp"
#include "skywire/rpc/limits.hpp"
#include "skywire/wire/gob/decoder.hpp"
#include "skywire/wire/gob/types.hpp"
#include "skywire/wire/gob/value.hpp"

namespace skywire::rpc {

namespace gob = wire::gob;

struct request_header {
  std::string service_method;
  std::uint64_t seq = 0;
};

struct response_header {
  std::string service_method;
  std::uint64_t seq = 0;
  std::string error;
};

const gob::type_def& request_type();
const gob::type_def& response_type();
// Go's `struct{}`: no name, no fields.
const gob::type_def& empty_struct_type();
gob::value empty_struct();

gob::value to_value(const request_header& h);
gob::value to_value(const response_header& h);
result<request_header> parse_request(const gob::value& v);
result<response_header> parse_response(const gob::value& v);

// A type and a value of it: what the encoder needs for one argument or reply.
struct typed_value {
  const gob::type_def* type = nullptr;
  gob::value v;
};

// Reads gob values from a stream: one decoder for the whole connection direction, so type
// definitions sent once stay known. next() returns the next complete value (definitions are
// consumed on the way). Not re-entrant: one next() at a time.
class value_reader {
 public:
  value_reader(net::stream& s, const limits& l) : s_(s), dec_(l.gob), chunk_(l.read_chunk) {}
  boost::asio::awaitable<result<gob::value>> next();

 private:
  net::stream& s_;
  gob::decoder dec_;
  std::size_t chunk_;
  bytes buf_;
  std::size_t begin_ = 0;  // unconsumed bytes are buf_[begin_, buf_.size())
};

}  // namespace skywire::rpc
