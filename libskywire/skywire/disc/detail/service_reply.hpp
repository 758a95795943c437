#pragma once
// What the httpauth services' clients (address resolver, transport discovery, service
// discovery) share when reading an answer: a depth-bounded JSON parse and the service's error
// text for their last_error().
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace skywire::disc::detail {

// boost::json::parse with max_depth = depth; nullopt for anything that is not JSON.
std::optional<boost::json::value> parse_bounded(std::string_view body, unsigned depth);

// The text of a service's error answer: {"error":"text"} (the TPD's and AR's own errors,
// and the SD's {"code":N,"error":"text"}) or httpauth's {"error":{"message":"text",…}};
// anything else is the raw body (what Go's HTTPError prints). Prefixed "status N: ".
std::string rejection_text(unsigned status, const std::string& body);

}  // namespace skywire::disc::detail
