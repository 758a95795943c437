#pragma once
// The visor's local API: JSON over HTTP/1.1 on cli_addr (loopback only), what `skywire cli`
// talks to. Ours, not Go's gob RPC (DESIGN.md §2: CLI↔visor stays on one machine);
// docs/visor-api.md is its reference, and every route is listed there with its bodies.
//
//   GET    /api/v1/health                          {"status":"ok"}
//   GET    /api/v1/info                            visor_info as JSON
//   GET    /api/v1/transport-types                 ["stcp","stcpr","sudph","dmsg"]
//   GET    /api/v1/transports[?types=a,b][&pks=pk1,pk2]
//   POST   /api/v1/transports                      {"remote_pk":…,"type":…?,"timeout_seconds":N?} → 201
//   GET    /api/v1/transports/{id}
//   DELETE /api/v1/transports/{id}                 (and DELETE /api/v1/transports: all of them)
//   GET    /api/v1/discovery/transports?pk=…|id=…  the transport discovery's entries
//   GET    /api/v1/persistent-transports           [{"pk":…,"type":…}]
//
// Errors: {"error":"<text>"} with 400 (malformed input: the text names the field), 404 (no such
// transport / route), 502 (the peer or a service failed: dial, settlement, discovery), 503
// (the visor has no such facility: no transport discovery configured).
//
// Executor: the visor's; handlers run there and may await the visor.
#include "skywire/net/http_server.hpp"

namespace skywire::visor {

class visor;

// Routes to `v`, which must outlive the handler.
net::http_async_handler make_api_handler(visor& v);

}  // namespace skywire::visor
