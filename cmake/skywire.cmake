# Build helpers: a module, a test, a fuzzer and a bench are one call each.
#
#   skywire_module(<name> SOURCES a.cpp ... DEPS <module> ... [LIBS <external> ...])
#       -> static library skywire_<name> (alias skywire::<name>); DEPS are other modules
#          and must be edges allowed by docs/layers.txt (scripts/check-layers enforces it).
#   skywire_test(<name> SOURCES x_test.cpp ... LIBS ... [LABELS unit|integration|interop|netns])
#       -> a GoogleTest executable whose tests are discovered at ctest time.
#   skywire_fuzzer(<name> SOURCES fuzz_x.cpp LIBS ...)
#       -> with SKYWIRE_FUZZ: a libFuzzer binary; always: fuzz_replay_<name>, which replays
#          fuzz/corpus/<name>/ under CTest (label fuzz-corpus).
#   skywire_bench(<name> SOURCES bench_x.cpp LIBS ...)
#       -> a bench binary run by bench/run (never part of pass/fail tests).

include(GoogleTest)
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost 1.81 REQUIRED COMPONENTS json url)
find_package(GTest REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(CLI11 REQUIRED)
# spdlog: the shared library; with SKYWIRE_LEAN_LINK compiled into the base module instead
# (base/spdlog_compiled.cpp) over header-only fmt, so the binary needs no shared C++ library.
add_library(skywire_spdlog INTERFACE)
if(SKYWIRE_LEAN_LINK)
  target_compile_definitions(skywire_spdlog INTERFACE SPDLOG_COMPILED_LIB SPDLOG_FMT_EXTERNAL)
  target_link_libraries(skywire_spdlog INTERFACE fmt::fmt-header-only Threads::Threads)
else()
  target_link_libraries(skywire_spdlog INTERFACE spdlog::spdlog)
endif()
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(SECP256K1 REQUIRED IMPORTED_TARGET libsecp256k1)

add_library(skywire_options INTERFACE)
target_compile_options(skywire_options INTERFACE
  -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual -Wimplicit-fallthrough
  $<$<BOOL:${SKYWIRE_WERROR}>:-Werror>
  # g++ 12 with optimisation reports -Wmaybe-uninitialized inside Boost's optional/Beast parser,
  # -Wmismatched-new-delete on Asio's coroutine frame allocator and -Wstringop-overflow /
  # -Warray-bounds in libstdc++'s fill once they are inlined: known false positives (GCC PR
  # 105746 and kin), attributed to our files. ASan checks the real bounds at run time.
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<NOT:$<CONFIG:Debug>>>:-Wno-maybe-uninitialized -Wno-mismatched-new-delete -Wno-stringop-overflow -Wno-array-bounds>)
target_compile_definitions(skywire_options INTERFACE
  BOOST_ASIO_NO_DEPRECATED BOOST_ASIO_DISABLE_BOOST_ARRAY BOOST_JSON_NO_LIB BOOST_URL_NO_LIB)
if(SKYWIRE_SANITIZE)
  set(_san -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # clang-14's UBSan 'function' check misfires on coroutine frames.
    list(APPEND _san -fno-sanitize=function)
  endif()
  target_compile_options(skywire_options INTERFACE ${_san})
  target_link_options(skywire_options INTERFACE ${_san})
endif()
if(SKYWIRE_FUZZ)
  # Coverage instrumentation for the whole library, so libFuzzer sees the code it drives and
  # not only the fuzz target's own file; the libFuzzer runtime is linked into fuzzers alone.
  target_compile_options(skywire_options INTERFACE -fsanitize=fuzzer-no-link)
endif()

set(SKYWIRE_INCLUDE_ROOT ${CMAKE_SOURCE_DIR}/libskywire)

function(skywire_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS;LIBS" ${ARGN})
  add_library(skywire_${name} STATIC ${M_SOURCES})
  add_library(skywire::${name} ALIAS skywire_${name})
  target_include_directories(skywire_${name} PUBLIC ${SKYWIRE_INCLUDE_ROOT})
  set(_deps)
  foreach(d IN LISTS M_DEPS)
    list(APPEND _deps skywire_${d})
  endforeach()
  target_link_libraries(skywire_${name} PUBLIC skywire_options ${_deps} ${M_LIBS})
endfunction()

function(skywire_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE skywire_options ${T_LIBS} GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    SKYWIRE_SOURCE_DIR="${CMAKE_SOURCE_DIR}" SKYWIRE_BINARY_DIR="${CMAKE_BINARY_DIR}")
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS "${T_LABELS}" TIMEOUT 300)
endfunction()

function(skywire_fuzzer name)
  cmake_parse_arguments(F "" "" "SOURCES;LIBS" ${ARGN})
  if(SKYWIRE_FUZZ)
    add_executable(${name} ${F_SOURCES})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_libraries(${name} PRIVATE skywire_options ${F_LIBS})
  endif()
  add_executable(fuzz_replay_${name} ${F_SOURCES} ${CMAKE_SOURCE_DIR}/fuzz/replay_main.cpp)
  target_link_libraries(fuzz_replay_${name} PRIVATE skywire_options ${F_LIBS})
  add_test(NAME fuzz_corpus.${name}
    COMMAND fuzz_replay_${name} ${CMAKE_SOURCE_DIR}/fuzz/corpus/${name})
  set_tests_properties(fuzz_corpus.${name} PROPERTIES LABELS fuzz-corpus TIMEOUT 300)
endfunction()

function(skywire_bench name)
  cmake_parse_arguments(B "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${B_SOURCES})
  target_link_libraries(${name} PRIVATE skywire_options ${B_LIBS})
endfunction()
