#pragma once
// Logging. Components receive a logger (a shared spdlog::logger) from whoever builds them; there
// is no process-wide default logger in libskywire. Secrets have no formatter, so they cannot be
// logged by accident (crypto::secret_key is not formattable).
#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace skywire::base {

using logger = std::shared_ptr<spdlog::logger>;

// A logger writing to stderr with a "[time] [level] [name] message" pattern.
logger make_stderr_logger(const std::string& name, spdlog::level::level_enum level = spdlog::level::info);

// A logger that discards everything (tests, benches).
logger make_null_logger(const std::string& name);

}  // namespace skywire::base
