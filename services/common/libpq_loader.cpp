#include "libpq_loader.hpp"

#include <dlfcn.h>

namespace skywire::svc::pq {

namespace {

// libpq's soname (Debian libpq5; ABI-stable since PostgreSQL 8.x).
constexpr const char* soname = "libpq.so.5";

struct loaded {
  api table{};
  std::string error;  // empty: table is complete
};

template <class F>
bool bind(void* lib, F& slot, const char* name, std::string& error) {
  void* sym = ::dlsym(lib, name);
  if (sym == nullptr) {
    if (error.empty()) error = std::string(soname) + ": no symbol " + name;
    return false;
  }
  slot = reinterpret_cast<F>(sym);
  return true;
}

loaded open_libpq() {
  loaded out;
  // RTLD_LOCAL: its symbols stay out of the global namespace; never dlclose()d (libpq keeps
  // process-wide state such as OpenSSL's initialisation).
  void* lib = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    const char* e = ::dlerror();
    out.error = e ? e : "cannot load libpq.so.5";
    return out;
  }
  auto& t = out.table;
  auto& e = out.error;
#define SKYWIRE_PQ_BIND(name) bind(lib, t.name, #name, e)
  SKYWIRE_PQ_BIND(PQconnectStartParams);
  SKYWIRE_PQ_BIND(PQconnectPoll);
  SKYWIRE_PQ_BIND(PQstatus);
  SKYWIRE_PQ_BIND(PQtransactionStatus);
  SKYWIRE_PQ_BIND(PQsetNoticeProcessor);
  SKYWIRE_PQ_BIND(PQsetnonblocking);
  SKYWIRE_PQ_BIND(PQsocket);
  SKYWIRE_PQ_BIND(PQerrorMessage);
  SKYWIRE_PQ_BIND(PQfinish);
  SKYWIRE_PQ_BIND(PQsendQuery);
  SKYWIRE_PQ_BIND(PQsendQueryParams);
  SKYWIRE_PQ_BIND(PQsetSingleRowMode);
  SKYWIRE_PQ_BIND(PQflush);
  SKYWIRE_PQ_BIND(PQconsumeInput);
  SKYWIRE_PQ_BIND(PQisBusy);
  SKYWIRE_PQ_BIND(PQgetResult);
  SKYWIRE_PQ_BIND(PQresultStatus);
  SKYWIRE_PQ_BIND(PQresultErrorField);
  SKYWIRE_PQ_BIND(PQresultErrorMessage);
  SKYWIRE_PQ_BIND(PQnfields);
  SKYWIRE_PQ_BIND(PQgetisnull);
  SKYWIRE_PQ_BIND(PQgetlength);
  SKYWIRE_PQ_BIND(PQgetvalue);
  SKYWIRE_PQ_BIND(PQcmdTuples);
  SKYWIRE_PQ_BIND(PQclear);
#undef SKYWIRE_PQ_BIND
  return out;
}

}  // namespace

const api* load(std::string& why) {
  static const loaded lib = open_libpq();
  if (!lib.error.empty()) {
    why = lib.error;
    return nullptr;
  }
  return &lib.table;
}

}  // namespace skywire::svc::pq
