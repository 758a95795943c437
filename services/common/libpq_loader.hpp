#pragma once
// libpq, loaded when the first PostgreSQL connection is opened (dlopen "libpq.so.5"), not when
// the process starts. The one `skywire` binary carries every service, but only `skywire svc tpd
// --pg-host` talks to PostgreSQL; linked normally, libpq and what it pulls in (OpenSSL, GnuTLS,
// Kerberos, LDAP, p11-kit: 21 libraries) cost every process — an idle visor included — about
// 5.4 MB of resident memory (relocated data, the libraries' initialisers, mapped code) for
// nothing. bench/results.md has the measurement.
//
//   std::string why;
//   const pq::api* lib = pq::load(why);   // nullptr: why says what failed (dlerror)
//   PGconn* c = lib->PQconnectStartParams(keys, values, 0);
//
// The functions are libpq's own (libpq-fe.h declares their types; we take their addresses with
// decltype, so a signature mismatch cannot compile). Loading happens once per process (a
// function-local static, thread-safe); the table is immutable afterwards, like libsecp256k1's
// context. Errors: load() returns nullptr when the library or a symbol is missing.
#include <libpq-fe.h>

#include <string>

namespace skywire::svc::pq {

struct api {
  decltype(&::PQconnectStartParams) PQconnectStartParams;
  decltype(&::PQconnectPoll) PQconnectPoll;
  decltype(&::PQstatus) PQstatus;
  decltype(&::PQtransactionStatus) PQtransactionStatus;
  decltype(&::PQsetNoticeProcessor) PQsetNoticeProcessor;
  decltype(&::PQsetnonblocking) PQsetnonblocking;
  decltype(&::PQsocket) PQsocket;
  decltype(&::PQerrorMessage) PQerrorMessage;
  decltype(&::PQfinish) PQfinish;
  decltype(&::PQsendQuery) PQsendQuery;
  decltype(&::PQsendQueryParams) PQsendQueryParams;
  decltype(&::PQsetSingleRowMode) PQsetSingleRowMode;
  decltype(&::PQflush) PQflush;
  decltype(&::PQconsumeInput) PQconsumeInput;
  decltype(&::PQisBusy) PQisBusy;
  decltype(&::PQgetResult) PQgetResult;
  decltype(&::PQresultStatus) PQresultStatus;
  decltype(&::PQresultErrorField) PQresultErrorField;
  decltype(&::PQresultErrorMessage) PQresultErrorMessage;
  decltype(&::PQnfields) PQnfields;
  decltype(&::PQgetisnull) PQgetisnull;
  decltype(&::PQgetlength) PQgetlength;
  decltype(&::PQgetvalue) PQgetvalue;
  decltype(&::PQcmdTuples) PQcmdTuples;
  decltype(&::PQclear) PQclear;
};

// The loaded table, or nullptr with `why` set.
const api* load(std::string& why);

}  // namespace skywire::svc::pq
