#include "visor_data_json.hpp"

#include "skywire/wire/json/writer.hpp"

namespace skywire::svc::address_resolver {

std::string stored_visor_data_json(const visor_data& d) {
  wire::json::writer w{wire::json::dialect::go_json};
  w.begin_object();
  w.key("remote_addr").string(d.remote_addr);
  if (d.is_local) w.key("is_local").boolean(true);
  w.key("port").string(d.port);
  w.key("addresses");
  if (d.addresses.empty()) {
    w.null();  // a nil []string
  } else {
    w.begin_array();
    for (const auto& a : d.addresses) w.string(a);
    w.end_array();
  }
  w.end_object();
  return std::move(w).take();
}

result<visor_data> parse_stored_visor_data(std::string_view json) { return disc::parse_visor_data(json); }

}  // namespace skywire::svc::address_resolver
