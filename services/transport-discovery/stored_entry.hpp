#pragma once
// An entry as the database stores keep it: Go's gorm model `Transport` (skywire-services
// pkg/transport-discovery/store/postgres_store.go), one text column per field:
//   transport_id  uuid text (lowercase 8-4-4-4-12, Go's uuid.String())
//   edge_a, edge_b  the edges' lowercase hex (Go's PubKey.Hex()), in the entry's order
//   type, label   as registered
// stored_entry_from_columns reads a row back. A row in a shared database may have been written
// by someone else: every field is checked (errc::bad_record), each text at most
// max_stored_text bytes.
#include "skywire/base/result.hpp"

#include <cstddef>
#include <string_view>

#include "store.hpp"

namespace skywire::svc::transport_discovery {

inline constexpr std::size_t max_stored_text = 1024;

result<entry> stored_entry_from_columns(std::string_view id, std::string_view edge_a, std::string_view edge_b,
                                        std::string_view type, std::string_view label);

}  // namespace skywire::svc::transport_discovery
