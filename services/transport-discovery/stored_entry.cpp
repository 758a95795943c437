#include "stored_entry.hpp"

#include <string>

namespace skywire::svc::transport_discovery {

result<entry> stored_entry_from_columns(std::string_view id, std::string_view edge_a, std::string_view edge_b,
                                        std::string_view type, std::string_view label) {
  if (type.size() > max_stored_text || label.size() > max_stored_text) return errc::bad_record;
  auto tid = wire::transport::uuid::from_text(id);
  auto a = crypto::public_key::from_text(edge_a);
  auto b = crypto::public_key::from_text(edge_b);
  if (!tid || !a || !b) return errc::bad_record;
  entry e;
  e.id = *tid;
  e.edges = {*a, *b};
  e.type = std::string(type);
  e.label = std::string(label);
  return e;
}

}  // namespace skywire::svc::transport_discovery
