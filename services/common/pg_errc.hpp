#pragma once
// Error codes of the services' PostgreSQL client (category "skywire.postgres"). Socket-level
// trouble inside libpq surfaces as connection_lost (libpq owns the socket); net::errc::timeout
// comes from the client's deadlines (net/timeout.hpp), asio::error::operation_aborted from
// cancellation.
#include <boost/system/error_code.hpp>
#include <type_traits>

namespace skywire::svc::common {

enum class pg_errc {
  connect_failed = 1,  // libpq could not connect or authenticate (its text goes to the log)
  connection_lost,     // the connection broke while sending or reading
  server_error,        // the server answered with an error (SQLSTATE other than below)
  unique_violation,    // SQLSTATE 23505: a UNIQUE or PRIMARY KEY constraint refused a row
  undefined_table,     // SQLSTATE 42P01: the table does not exist
  too_many_rows,       // a result exceeds the caller's row cap
  result_too_large,    // a result exceeds pg_options::max_result_bytes
  unexpected_result,   // a result of a kind the client does not handle (COPY, ...)
  bad_parameter,       // a query parameter contains a NUL byte (libpq takes C strings)
};

const boost::system::error_category& pg_category() noexcept;

inline boost::system::error_code make_error_code(pg_errc e) noexcept {
  return {static_cast<int>(e), pg_category()};
}

}  // namespace skywire::svc::common

template <>
struct boost::system::is_error_code_enum<skywire::svc::common::pg_errc> : std::true_type {};
