#pragma once
// Error codes of the setup module (category "skywire.setup"). Where Go has a text for the same
// failure, the message is Go's text word for word, because on the wire the text is the protocol:
// a visor's RPCGateway refusal travels as "failure code <n> (<message>)" (routing.Failure), and a
// setup node's refusal as the plain Response.Error text.
//
// Gob decoding errors of the argument/reply values pass through as wire::errc, bad keys as
// crypto::errc, bad rules and routes as routing::errc, stream and RPC errors as net/dmsg/rpc codes.
#include <boost/system/error_code.hpp>
#include <type_traits>

namespace skywire::setup {

enum class errc {
  // client (the visor's DialRouteGroup call)
  no_setup_node = 1,       // Go's ErrSetupNode: "failed to dial to a setup node"
  route_setup,             // the setup node answered with an error text (the text is the message)
  bad_reply,               // the setup node's EdgeRules are not rules for this route and visor
  // visor gateway refusals (sent as routing.Failure texts)
  id_not_reserved,         // a rule keyed by an id not reserved on this stream
  id_already_used,         // a rule keyed by an id that already carries a rule from this stream
  not_intermediary_rule,   // AddIntermediaryRules got a forward or consume rule
  bad_edge_rules,          // AddEdgeRules: not {forward, consume}
  edge_not_for_us,         // AddEdgeRules: the consume descriptor's destination is another visor
  edge_descriptor_mismatch,  // AddEdgeRules: consume desc != Desc, or forward desc != Desc inverted
  too_many_calls,          // a stream made more calls than gateway_options::max_calls_per_stream
  // setup node refusals (sent as the Response.Error text)
  not_route_source,        // the requester is not the route's source visor
  too_many_ids,            // a visor would have to reserve more than 255 ids (ReserveIDs takes a uint8)
  bad_reserved_ids,        // a visor's ReserveIDs reply is not n distinct non-zero ids
};

const boost::system::error_category& category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

}  // namespace skywire::setup

template <>
struct boost::system::is_error_code_enum<skywire::setup::errc> : std::true_type {};
