#pragma once
// bandwidth_log: the per-transport byte counts a visor keeps for the day (spec/skywire.md §1.7;
// Go: pkg/transport/log.go), in the file format the Go visor writes and its log server serves
// over dmsghttp for reward calculation (§7.5):
//
//   <dir>/<YYYY-MM-DD>.csv (UTC date)
//   tp_id,recv,sent,time_stamp
//   a283e9bc-e5b4-03f8-a640-a4c189c21e04,1024,2048,1700000000
//
// One row per transport ID with that day's payload bytes (routing packet size − 7) received
// and sent, and the unix second of the flush that last changed the row. Counts continue across
// restarts of a transport (and of the visor) within a day: open() loads today's file, as Go's
// MakeLogEntry seeds a new transport from it. On a new UTC day the old file gets its final
// counts and the new one starts from zero (Go resets the same way).
//
//   bandwidth_log bw(dir, std::chrono::hours(168), log);
//   bw.open(clock.wall_now());           // creates dir, loads today's file, purges old files
//   bw.add(id, recv_bytes, sent_bytes);  // hot path: a map lookup and two additions
//   bw.flush(clock.wall_now());          // every few seconds: rewrites the file if changed
//
// Files: rewritten whole (a temp file then rename, so a reader or a crash never sees half a
// file); purge() deletes <date>.csv files dated before now − rotation. Unlike Go it leaves
// files whose names are not dates alone (Go deletes every file it cannot parse a date from).
// An empty dir keeps the counts in memory only.
//
// Bounds: at most max_rows rows a day (further transports are counted in memory by their
// managed transport but not logged; warned once); a file over max_file_bytes is not loaded.
// I/O is synchronous and small (one ~70-byte row per transport); errors are logged, never
// thrown or returned — the log must not take a transport down.
//
// Executor: none; not thread-safe (the manager calls it from its executor).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/base/result.hpp"
#include "skywire/wire/transport/transport_id.hpp"

namespace skywire::transport {

struct bandwidth_row {
  wire::transport::uuid id;
  std::uint64_t recv = 0;
  std::uint64_t sent = 0;
  std::int64_t time_stamp = 0;  // unix seconds
  friend bool operator==(const bandwidth_row&, const bandwidth_row&) = default;
};

inline constexpr std::string_view bandwidth_csv_header = "tp_id,recv,sent,time_stamp";

// The file text: header line, then one line per row, "\n" line ends (Go's csv.Writer).
std::string format_bandwidth_csv(const std::vector<bandwidth_row>& rows);
// Parses a file written by us or by Go (gocsv): the exact header, then rows of 4 fields;
// "\r\n" is accepted. Malformed rows are skipped; at most max_rows are returned. Errors:
// wire::errc::bad_message when the header is not bandwidth_csv_header.
result<std::vector<bandwidth_row>> parse_bandwidth_csv(std::string_view text, std::size_t max_rows);

// "YYYY-MM-DD.csv" of t's UTC date, and back (nullopt for any other name, and for years
// outside 1970–2200, which a system_clock time point could not hold).
std::string bandwidth_file_name(base::clock::wall_time t);
std::optional<std::chrono::sys_days> parse_bandwidth_file_name(std::string_view name);

class bandwidth_log {
 public:
  static constexpr std::size_t max_rows = 65536;
  static constexpr std::uintmax_t max_file_bytes = 8u << 20;

  bandwidth_log(std::string dir, std::chrono::hours rotation, base::logger log);

  void open(base::clock::wall_time now);
  void add(const wire::transport::uuid& id, std::uint64_t recv, std::uint64_t sent);
  // Writes the day's file if anything changed since the last flush; on a new UTC day, first
  // finishes the old day's file, then starts from zero and purges.
  void flush(base::clock::wall_time now);
  void purge(base::clock::wall_time now);

  // The day's counts for id (nullopt: no row yet).
  std::optional<bandwidth_row> row(const wire::transport::uuid& id) const;
  const std::string& dir() const noexcept { return dir_; }

 private:
  void write_file(base::clock::wall_time now);

  std::string dir_;
  std::chrono::hours rotation_;
  base::logger log_;
  std::chrono::sys_days day_{};
  std::vector<bandwidth_row> rows_;  // file order: loaded rows first, then in order of first use
  std::map<wire::transport::uuid, std::size_t> index_;
  std::vector<bool> changed_;  // rows changed since the last flush (their time_stamp moves)
  bool dirty_ = false;
  bool warned_full_ = false;
};

}  // namespace skywire::transport
