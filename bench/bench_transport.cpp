// Transport benches (bench/harness.hpp rows), all in one process on loopback: our address
// resolver (local mode, HTTP and its UDP/KCP side) on one io_context/thread, and two
// transport::managers A and B on one io_context/thread each, so the sealing and the opening
// side can use separate cores. Each manager has an stcpr and an sudph network bound at the
// resolver, and A dials B by pk through save_transport, as a visor does. There is no Go baseline:
// the Go reference could not be installed (the Go module proxy refuses github.com/skycoin/skywire),
// so every row compares against a bound measured in the same run instead.
//
//   - transport throughput A → B (stcpr: TCP + Noise; sudph: KCP over UDP + Noise): Data routing
//     packets written with manager::write_packet as fast as its back-pressure allows, counted
//     (payload bytes) at B's packet handler; payloads of 4070 bytes (one Noise frame) and 65535
//     bytes (the largest routing packet). Best of the batches. vs the AEAD bound of DESIGN.md §7:
//     single-core ChaCha20-Poly1305 seal throughput at 4070-byte frames × cores ÷ 2 passes (A
//     seals, B opens); target 0.30. Also vs the raw carrier between the same two threads
//     (informational): loopback TCP for stcpr; for sudph a blast of 1400-byte UDP datagrams,
//     counted as received (what the kernel delivers, drops excluded).
//     stcpr batches carry 256 MiB; sudph batches are sized to take about 2 s at the rate a probe
//     batch showed (at most 256 MiB), so a slow KCP path cannot stall the run.
//   - transport handshakes per second: TCP connect + raw handshake + Noise KK + settlement over
//     stcp (stcpr would add only an HTTP resolve) from 200 initiator managers (own key each, built
//     once before timing and kept, as visors are) to one responder manager, 4 in flight, counted
//     when the initiators' save_transport returned and the responder's manager lists every
//     transport; between batches the initiators remove their transports again. vs the secp256k1
//     bound for their operations: Frame2 sign + verify, KK 8 ECDH + 2 key generations (both
//     sides), settlement sign + verify + sign, on two threads: 2 / (3 t_sign + 2 t_verify +
//     8 t_dh + 2 t_keygen), with the op times measured here; target 0.5.
//   - whole-process CPU seconds per GB of the throughput batches (getrusage), informational:
//     unlike a rate, barely moved by other load on the machine.
//
// BENCH_TRANSPORT=stcpr,sudph,handshake (any subset) measures only those rows. Teardown closes
// and destroys every object on its own loop before the loops stop (see bench::loop).
//
// Files: transport/env.{hpp,cpp} (the resolver, A, B, their transports), transport/throughput.cpp,
// transport/handshake.cpp; shared helpers in support.hpp.
#include <sodium.h>

#include "transport/env.hpp"

int main() {
  namespace tb = skywire::bench::transports;
  skywire::bench::check(sodium_init() >= 0, "sodium_init");
  tb::env e;
  tb::setup(e);
  if (tb::selected("stcpr") || tb::selected("sudph")) tb::throughput_rows(e);
  if (tb::selected("handshake")) tb::handshake_row(e);
  tb::teardown(e);
}
