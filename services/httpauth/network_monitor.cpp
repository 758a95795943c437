#include "network_monitor.hpp"

#include <algorithm>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "auth.hpp"
#include "skywire/crypto/signature.hpp"

namespace skywire::svc::httpauth {

std::optional<net::http_reply> refuse_network_monitor(const net::http_request& req,
                                                      const std::vector<crypto::public_key>& whitelist,
                                                      const base::logger& log) {
  const std::string_view nm_text = req.header("NM-PK");
  auto nm = parse_public_key(nm_text);
  const bool whitelisted =
      nm.ok() && !nm_text.empty() && std::find(whitelist.begin(), whitelist.end(), nm.value) != whitelist.end();
  if (!whitelisted) {
    log->error("Deregistration process interrupt: invalid network monitor key");
    return net::empty_reply(403);
  }
  auto sig = parse_signature(req.header("NM-Sign"));
  if (!sig.ok()) return net::empty_reply(400);
  const std::string nm_hex = nm.value.to_hex();
  if (!crypto::verify_payload(nm.value, as_bytes(nm_hex), sig.value)) {
    log->error("Deregistration process interrupt: invalid network monitor signature");
    return net::empty_reply(403);
  }
  return std::nullopt;
}

std::optional<std::vector<std::string>> parse_deregister_list(std::string_view body) {
  boost::json::parse_options po;
  po.max_depth = 4;
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec, boost::json::storage_ptr{}, po);
  if (ec || !(v.is_array() || v.is_null())) return std::nullopt;
  std::vector<std::string> out;
  if (v.is_array()) {
    for (const auto& item : v.as_array()) {
      if (!item.is_string()) return std::nullopt;
      out.emplace_back(item.as_string());
    }
  }
  return out;
}

}  // namespace skywire::svc::httpauth
