// spdlog's implementation, compiled once into libskywire (SKYWIRE_LEAN_LINK builds only).
//
// Why: Debian ships spdlog and fmt only as shared libraries, and they load the shared libstdc++;
// together they cost an idle visor ~2.3 MiB of mapped code for the few functions it uses. With
// SPDLOG_COMPILED_LIB set and no library linked, spdlog's headers only declare; this file includes
// the definitions (spdlog's own -inl.h headers) for what libskywire uses — the logger, the pattern
// formatter, the stderr colour sink, the null sink — and fmt is used header-only. The `skywire`
// binary can then link libstdc++ statically and needs no shared C++ library (cmake/lean_link.cmake).
#ifndef SPDLOG_COMPILED_LIB
#error "spdlog_compiled.cpp is built only with SPDLOG_COMPILED_LIB (SKYWIRE_LEAN_LINK)"
#endif

#include <mutex>

#include <spdlog/common-inl.h>
#include <spdlog/details/backtracer-inl.h>
#include <spdlog/details/log_msg-inl.h>
#include <spdlog/details/log_msg_buffer-inl.h>
#include <spdlog/details/null_mutex.h>
#include <spdlog/details/os-inl.h>
#include <spdlog/details/registry-inl.h>
#include <spdlog/logger-inl.h>
#include <spdlog/pattern_formatter-inl.h>
#include <spdlog/sinks/ansicolor_sink-inl.h>
#include <spdlog/sinks/base_sink-inl.h>
#include <spdlog/sinks/sink-inl.h>
#include <spdlog/spdlog-inl.h>

// The class templates behind stderr_color_sink_mt and null_sink_mt.
template class spdlog::sinks::ansicolor_sink<spdlog::details::console_mutex>;
template class spdlog::sinks::ansicolor_stderr_sink<spdlog::details::console_mutex>;
template class spdlog::sinks::base_sink<std::mutex>;
template class spdlog::sinks::base_sink<spdlog::details::null_mutex>;
