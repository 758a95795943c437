#pragma once
// The transport discovery as the transport manager's registry: register_entry is the POST of
// one SignedEntry, delete_entry the DELETE by id with a 404 counted as done (spec/skywire.md
// §1.6, §1.9). Internal to the visor module.
#include <memory>

#include "skywire/transport/manager.hpp"

namespace skywire::disc {
class tpd_client;
}

namespace skywire::visor {

std::shared_ptr<transport::registry> make_tpd_registry(std::shared_ptr<disc::tpd_client> tpd);

}  // namespace skywire::visor
