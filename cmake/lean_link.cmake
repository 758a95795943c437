# SKYWIRE_LEAN_LINK: how the executables are linked when memory matters (ON in the release
# preset only; dev/asan/fuzz keep the plain shared-library link CI tests with).
#
# Why: an idle visor's RSS (DESIGN.md §7: ≤ 8 MiB, bench/visor_rss) is mostly code pages, not
# data: every shared library costs its own mapped text (the kernel maps 64 KiB around each page
# touched at start-up), relocation and GOT pages, whatever share of it the visor uses. Linking
# the small dependencies from their static archives puts only the objects we call into the one
# binary. spdlog and fmt, which Debian ships only shared, are compiled in instead (spdlog's
# implementation in base/spdlog_compiled.cpp, fmt header-only: cmake/skywire.cmake), so the
# `skywire` binary needs no shared C++ library and links libstdc++ and libgcc statically as well
# (cli/CMakeLists.txt). Only glibc stays shared: NSS and the dlopen()ed libpq need it.
#
# Included from the top-level CMakeLists.txt before cmake/skywire.cmake, so that the static
# preferences are in place before its find_package / pkg_check_modules calls.
if(NOT SKYWIRE_LEAN_LINK)
  return()
endif()
if(SKYWIRE_SANITIZE OR SKYWIRE_FUZZ)
  message(FATAL_ERROR "SKYWIRE_LEAN_LINK is for release builds, not with sanitizers or fuzzing")
endif()

# Boost.JSON / Boost.URL (BoostConfig honours this), then every find_library (pkg-config's
# libsodium, libsecp256k1, hiredis; FindSQLite3) prefers the .a.
set(Boost_USE_STATIC_LIBS ON)
set(CMAKE_FIND_LIBRARY_SUFFIXES .a ${CMAKE_FIND_LIBRARY_SUFFIXES})

# Drop what nothing references (per function/object once they are in their own sections), and
# NEEDED entries for shared libraries nothing uses.
add_compile_options(-ffunction-sections -fdata-sections)
add_link_options(LINKER:--gc-sections LINKER:-O1 LINKER:--as-needed)
