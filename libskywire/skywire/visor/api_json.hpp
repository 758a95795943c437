#pragma once
// The JSON shapes of the visor's local API (api.hpp, docs/visor-api.md), shared by the visor
// (which writes them) and `skywire cli` (which reads them back to print tables).
//
//   transport  {"id","local_pk","remote_pk","type","label","initiator","since","log":{"recv","sent"}}
//              ("since": Unix seconds when it came up)
//              (the fields of Go's TransportSummary JSON, plus "initiator" and "since")
//   info       {"pk","version","uptime_seconds","local_path","api_address",
//               "dmsg":{"discovery","servers":[pk…]},"transport_discovery","address_resolver",
//               "transport_types":[…],"listening":{type:addr},"transports":N}
//   entry      the transport discovery's Entry JSON (wire/transport/entry.hpp)
//   rule       Go's RuleSummary (spec/skywire.md §3.2): {"keep_alive":ns,"rule_type":0|1|2,
//              "key_route_id":N, one of "app_fields":{"route_descriptor":{…}} /
//              "forward_fields":{"route_descriptor":{…},"next_rid","next_tid"} /
//              "intermediary_forward_fields":{"next_rid","next_tid"}}; route_descriptor =
//              {"dst_pk","src_pk","dst_port","src_port"}
//   group      {"local":"pk:port","remote":"pk:port","role","phase","encrypted","transport",
//               "forward_rule","consume_rule","latency_ms" (null before the first Pong),
//               "upload_bps","download_bps","bytes_sent","bytes_received"}
//
// Readers are strict about types and tolerant of unknown keys (a newer visor may add some).
// Errors: wire::errc::type_mismatch / invalid_value, crypto::errc for bad keys.
#include <chrono>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "skywire/base/result.hpp"
#include "skywire/transport/manager.hpp"
#include "skywire/visor/visor.hpp"

namespace skywire::visor {

boost::json::value to_json(const transport::transport_info& t);
result<transport::transport_info> transport_info_from_json(const boost::json::value& v);

boost::json::value to_json(const visor_info& i);
result<visor_info> visor_info_from_json(const boost::json::value& v);

boost::json::value rule_to_json(const routing::rule& r);
// A rule in the same shape (what `route ls --json` prints can be posted back to POST
// /api/v1/routes). key_route_id may be absent or 0 (the router picks one); keep_alive 1 ns to
// max_rule_keep_alive; next_rid ≥ 1. On an error *bad (when given) names the field at fault.
inline constexpr std::chrono::nanoseconds max_rule_keep_alive = std::chrono::hours(24 * 7);
result<routing::rule> rule_from_json(const boost::json::value& v, std::string* bad = nullptr);
boost::json::value to_json(const router::route_group_summary& g);

boost::json::value entry_to_json(const wire::transport::entry& e);
result<wire::transport::entry> entry_from_json(const boost::json::value& v);

}  // namespace skywire::visor
