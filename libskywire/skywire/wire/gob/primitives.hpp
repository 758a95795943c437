#pragma once
// gob primitives (spec/skywire.md A.2, spec/dmsg.md §5.4): the unsigned/signed integer,
// float, bool and byte-string encodings every gob message is built from.
//
//   uint : v < 0x80 -> one byte v; else one byte (256 - n) followed by the n minimal
//          big-endian bytes of v (n <= 8): 0x80 -> ff 80, 49153 -> fe c0 01.
//   int  : zig-zag, u = i >= 0 ? i << 1 : (~i << 1) | 1, then uint.
//   float: the float64 bits byte-reversed, then uint (so small exponents encode short).
//   bool : uint 0 / 1.  string, []byte: uint length then the bytes.
//
// Readers work on a base::byte_reader and fail with wire::errc::truncated instead of
// over-reading; a uint whose length byte says more than 8 bytes is errc::bad_message. Like
// Go, readers accept non-minimal uint encodings (ff 05 reads as 5).
#include <cstdint>

#include "skywire/base/byte_reader.hpp"
#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/wire/errc.hpp"

namespace skywire::wire::gob {

void put_uint(bytes& out, std::uint64_t v);
void put_int(bytes& out, std::int64_t v);
void put_bool(bytes& out, bool v);
void put_float_bits(bytes& out, std::uint64_t ieee_bits);  // bits of a float64
void put_bytes(bytes& out, byte_view b);                     // uint length ‖ bytes

result<std::uint64_t> read_uint(base::byte_reader& r) noexcept;
result<std::int64_t> read_int(base::byte_reader& r) noexcept;

// Reverses the byte order of a float's wire uint back into IEEE-754 bits (and vice versa).
std::uint64_t float_bits_from_wire(std::uint64_t wire) noexcept;

}  // namespace skywire::wire::gob
