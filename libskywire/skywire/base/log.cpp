#include "skywire/base/log.hpp"

#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace skywire::base {

logger make_stderr_logger(const std::string& name, spdlog::level::level_enum level) {
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto l = std::make_shared<spdlog::logger>(name, std::move(sink));
  l->set_pattern("[%Y-%m-%dT%H:%M:%S.%e] [%^%l%$] [%n] %v");
  l->set_level(level);
  return l;
}

logger make_null_logger(const std::string& name) {
  return std::make_shared<spdlog::logger>(name, std::make_shared<spdlog::sinks::null_sink_mt>());
}

}  // namespace skywire::base
