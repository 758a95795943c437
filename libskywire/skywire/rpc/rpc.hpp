#pragma once
// rpc: Go's net/rpc with the gob codec (spec/skywire.md Appendix A), over any net::stream.
//   errc.hpp    error codes (category "skywire.rpc").
//   limits.hpp  per-connection bounds.
//   codec.hpp   Request/Response headers, Go's empty struct, value_reader (stream -> gob values).
//   client.hpp  rpc::client: concurrent calls matched by Seq; server errors as reply::error.
//   server.hpp  rpc::server: "Service.Method" handlers, Go's exact lookup-error texts.
#include "skywire/rpc/client.hpp"
#include "skywire/rpc/codec.hpp"
#include "skywire/rpc/errc.hpp"
#include "skywire/rpc/limits.hpp"
#include "skywire/rpc/server.hpp"
