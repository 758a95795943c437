#pragma once
// VisorData as the database stores keep it: Go's json.Marshal(addrresolver.VisorData), the value
// the Go address resolver SETs in Redis, so a Go resolver and ours can read each other's
// bindings (and the bytes our SQLite store keeps, so one encoding serves both).
//
//   {"remote_addr":"203.0.113.5","port":"7777","addresses":["203.0.113.5"]}
//   ("is_local" only when true, as Go's omitempty; no addresses -> "addresses":null)
//
// parse_stored_visor_data reads it back with disc::parse_visor_data: tolerant like Go's
// decoder (unknown keys ignored, absent fields zero), bounded (nesting, address count). A value
// written by someone else into a shared database is input like any other: errors are
// disc::errc::bad_response.
#include "skywire/base/result.hpp"

#include <string>
#include <string_view>

#include "store.hpp"

namespace skywire::svc::address_resolver {

std::string stored_visor_data_json(const visor_data& d);
result<visor_data> parse_stored_visor_data(std::string_view json);

}  // namespace skywire::svc::address_resolver
