#pragma once
// Local dmsg port bookkeeping of a client (spec/dmsg.md §5.1): listening ports chosen by the
// application, ephemeral dialer ports from 49153 upwards (a pre-incremented counter wrapping
// to 49152 after 65535, skipping ports in use, as Go's allocator does).
//
// port_lease: RAII ownership of one port; releasing it (destruction) frees the port. Leases
// share the table, so they may outlive the client. Single executor, not thread-safe.
#include <cstdint>
#include <memory>
#include <set>

#include "skywire/base/result.hpp"

namespace skywire::dmsg {

class port_table;

class port_lease {
 public:
  port_lease() = default;
  port_lease(std::shared_ptr<port_table> table, std::uint16_t port) : table_(std::move(table)), port_(port) {}
  port_lease(port_lease&& o) noexcept : table_(std::move(o.table_)), port_(o.port_) { o.port_ = 0; }
  port_lease& operator=(port_lease&& o) noexcept;
  port_lease(const port_lease&) = delete;
  port_lease& operator=(const port_lease&) = delete;
  ~port_lease() { release(); }

  std::uint16_t port() const noexcept { return port_; }
  void release() noexcept;

 private:
  std::shared_ptr<port_table> table_;
  std::uint16_t port_ = 0;
};

class port_table : public std::enable_shared_from_this<port_table> {
 public:
  // errc::port_occupied when taken (or port 0).
  result<port_lease> reserve(std::uint16_t port);
  // errc::no_ports when all 16383 ephemeral ports are taken.
  result<port_lease> reserve_ephemeral();
  bool in_use(std::uint16_t port) const { return used_.contains(port); }
  void free(std::uint16_t port) noexcept { used_.erase(port); }

 private:
  std::set<std::uint16_t> used_;
  std::uint16_t next_ = 49152;
};

}  // namespace skywire::dmsg
