#pragma once
// skywire::base — the vocabulary every other module speaks.
//
//   result.hpp       result<T>: a value or an error_code; errors are values.
//   errc.hpp         this module's error codes (category "skywire.base").
//   bytes.hpp        bytes, byte_view, byte_array<N>.
//   byte_reader.hpp  bounds-checked big-endian cursor over untrusted input.
//   byte_writer.hpp  big-endian appender for what we encode.
//   hex.hpp          lowercase hex out, either case in.
//   strong_id.hpp    ids that do not mix.
//   clock.hpp        injectable wall and steady time (system_clock, manual_clock).
//   random.hpp       injectable random_source (crypto provides the real one).
//   log.hpp          logger handles; passed in, never global.
//
// Depends on the standard library, Boost.System and spdlog only.
#include "skywire/base/byte_reader.hpp"
#include "skywire/base/byte_writer.hpp"
#include "skywire/base/bytes.hpp"
#include "skywire/base/clock.hpp"
#include "skywire/base/errc.hpp"
#include "skywire/base/hex.hpp"
#include "skywire/base/log.hpp"
#include "skywire/base/random.hpp"
#include "skywire/base/result.hpp"
#include "skywire/base/strong_id.hpp"
