#include "skywire/disc/detail/service_reply.hpp"

#include <boost/json/parse.hpp>

namespace skywire::disc::detail {

namespace json = boost::json;

std::optional<json::value> parse_bounded(std::string_view body, unsigned depth) {
  json::parse_options po;
  po.max_depth = depth;
  boost::system::error_code ec;
  auto v = json::parse(body, ec, json::storage_ptr{}, po);
  if (ec) return std::nullopt;
  return v;
}

std::string rejection_text(unsigned status, const std::string& body) {
  std::string text = body;
  if (auto v = parse_bounded(body, 8); v && v->is_object()) {
    if (const auto* e = v->as_object().if_contains("error")) {
      if (e->is_string()) {
        text = std::string(e->as_string());
      } else if (e->is_object()) {
        if (const auto* m = e->as_object().if_contains("message"); m && m->is_string()) {
          text = std::string(m->as_string());
        }
      }
    }
  }
  return "status " + std::to_string(status) + ": " + text;
}

}  // namespace skywire::disc::detail
