#include "pg_errc.hpp"

#include <string>

namespace skywire::svc::common {
namespace {

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class pg_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "skywire.postgres"; }
  std::string message(int ev) const override {
    switch (static_cast<pg_errc>(ev)) {
      case pg_errc::connect_failed: return "cannot connect to PostgreSQL";
      case pg_errc::connection_lost: return "PostgreSQL connection lost";
      case pg_errc::server_error: return "PostgreSQL server error";
      case pg_errc::unique_violation: return "PostgreSQL unique constraint violated";
      case pg_errc::undefined_table: return "PostgreSQL table does not exist";
      case pg_errc::too_many_rows: return "PostgreSQL result has more rows than allowed";
      case pg_errc::result_too_large: return "PostgreSQL result is larger than allowed";
      case pg_errc::unexpected_result: return "unexpected PostgreSQL result";
      case pg_errc::bad_parameter: return "query parameter contains a NUL byte";
    }
    return "unknown PostgreSQL client error";
  }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& pg_category() noexcept {
  static const pg_category_impl instance;
  return instance;
}

}  // namespace skywire::svc::common
