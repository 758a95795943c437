#pragma once
// net: Asio/Beast glue that knows no Skywire protocol. Everything above it (noise, disc, dmsg,
// transports) runs on these pieces; nothing here parses a Skywire message.
//
//   errc.hpp         error codes, category "skywire.net" (timeout, closed, frame_too_large,
//                    too_many_tasks, group_closed, bad_url, unsupported_scheme, bad_header,
//                    header_too_large, body_too_large, bad_response, http_status)
//   timeout.hpp      with_timeout(awaitable<T>, duration) -> result<T>; errc::timeout, the
//                    operation cancelled and awaited before returning
//   framed_io.hpp    u16-BE-length frames and exact reads over any Asio stream, limits checked
//                    before allocation; EOF -> errc::closed
//   task_group.hpp   owner of spawned coroutines: bounded spawn, cancel(), co_await join()
//   stream.hpp       stream / stream_dialer: the injected byte-stream carrier (TCP by default,
//                    dmsg later) that protocol clients use instead of sockets
//   http_types.hpp   http_method, http_headers, http_response (no Beast types)
//   http_parser.hpp  sans-I/O bounded HTTP/1.x response parser (what fuzz_http_response fuzzes)
//   http_client.hpp  bounded HTTP/1.1 client: request(method, url, body, headers)
//   http_server.hpp  bounded HTTP/1.1 server (keep-alive, limits, graceful stop) + http_router
//
// Executors: nothing in net owns an io_context or a thread. Every object takes the executor it
// runs on at construction (or uses the calling coroutine's, for free functions) and must only be
// used from it: a single-threaded io_context or a strand, one per subsystem. The only thread
// net causes is Asio's internal resolver thread (getaddrinfo), hence Threads::Threads.
//
// Cancellation: every coroutine here honours Asio's per-operation terminal cancellation (what
// `||`, with_timeout and task_group::cancel emit); a cancelled operation ends with
// asio::error::operation_aborted (as a result error, or as a system_error exception where Asio's
// default throw_if_cancelled applies after cancellation), never with a partial success.
//
// Errors: values (result<T>). Codes from the OS and Asio (connection_refused, host_not_found,
// connection_reset, operation_aborted) pass through unchanged; errc covers what net decides.
// Exceptions only mean bugs.
//
// Limits: every read is bounded by a caller-given maximum (framed_io), every HTTP response by
// http_options.max_header/max_body, every task set by max_tasks, every wait by a deadline the
// caller chooses.
#include "skywire/net/errc.hpp"
#include "skywire/net/framed_io.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/http_parser.hpp"
#include "skywire/net/http_server.hpp"
#include "skywire/net/http_types.hpp"
#include "skywire/net/stream.hpp"
#include "skywire/net/task_group.hpp"
#include "skywire/net/timeout.hpp"
