#include "skywire/dmsg/ports.hpp"

#include "skywire/dmsg/errc.hpp"
#include "skywire/dmsg/limits.hpp"

namespace skywire::dmsg {

port_lease& port_lease::operator=(port_lease&& o) noexcept {
  if (this != &o) {
    release();
    table_ = std::move(o.table_);
    port_ = o.port_;
    o.port_ = 0;
  }
  return *this;
}

void port_lease::release() noexcept {
  if (table_ && port_ != 0) table_->free(port_);
  table_.reset();
  port_ = 0;
}

result<port_lease> port_table::reserve(std::uint16_t port) {
  if (port == 0 || used_.contains(port)) return errc::port_occupied;
  used_.insert(port);
  return port_lease(shared_from_this(), port);
}

result<port_lease> port_table::reserve_ephemeral() {
  constexpr unsigned span = 65535u - (limits::first_ephemeral_port - 1u);
  for (unsigned i = 0; i <= span; ++i) {
    next_ = next_ == 65535 ? static_cast<std::uint16_t>(limits::first_ephemeral_port - 1)
                           : static_cast<std::uint16_t>(next_ + 1);
    if (next_ < limits::first_ephemeral_port) continue;
    if (!used_.contains(next_)) return reserve(next_);
  }
  return errc::no_ports;
}

}  // namespace skywire::dmsg
