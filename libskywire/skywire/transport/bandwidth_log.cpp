#include "skywire/transport/bandwidth_log.hpp"

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "skywire/wire/errc.hpp"

namespace skywire::transport {

namespace fs = std::filesystem;
namespace chr = std::chrono;
namespace wt = wire::transport;

namespace {

template <class Int>
bool parse_int(std::string_view s, Int& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

// Splits "a,b,c,d" into exactly four fields.
bool split4(std::string_view line, std::string_view (&f)[4]) {
  for (int i = 0; i < 3; ++i) {
    const auto comma = line.find(',');
    if (comma == std::string_view::npos) return false;
    f[i] = line.substr(0, comma);
    line.remove_prefix(comma + 1);
  }
  if (line.find(',') != std::string_view::npos) return false;
  f[3] = line;
  return true;
}

std::int64_t unix_seconds(base::clock::wall_time t) {
  return chr::duration_cast<chr::seconds>(t.time_since_epoch()).count();
}

}  // namespace

std::string format_bandwidth_csv(const std::vector<bandwidth_row>& rows) {
  std::string out;
  out.reserve(bandwidth_csv_header.size() + 1 + rows.size() * 72);
  out.append(bandwidth_csv_header).push_back('\n');
  for (const auto& r : rows) {
    out += r.id.to_string();
    out += ',';
    out += std::to_string(r.recv);
    out += ',';
    out += std::to_string(r.sent);
    out += ',';
    out += std::to_string(r.time_stamp);
    out += '\n';
  }
  return out;
}

result<std::vector<bandwidth_row>> parse_bandwidth_csv(std::string_view text, std::size_t max_rows) {
  std::vector<bandwidth_row> rows;
  bool header = true;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (header) {
      if (line != bandwidth_csv_header) return wire::errc::bad_message;
      header = false;
      continue;
    }
    if (line.empty()) continue;
    if (rows.size() >= max_rows) break;
    std::string_view f[4];
    if (!split4(line, f)) continue;
    auto id = wt::uuid::from_text(f[0]);
    bandwidth_row r;
    if (!id || !parse_int(f[1], r.recv) || !parse_int(f[2], r.sent) || !parse_int(f[3], r.time_stamp)) continue;
    r.id = *id;
    rows.push_back(r);
  }
  if (header) return wire::errc::bad_message;  // empty text: not even a header
  return rows;
}

std::string bandwidth_file_name(base::clock::wall_time t) {
  const chr::year_month_day ymd{chr::floor<chr::days>(t)};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u.csv", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::optional<chr::sys_days> parse_bandwidth_file_name(std::string_view name) {
  // YYYY-MM-DD.csv
  if (name.size() != 14 || name.substr(10) != ".csv" || name[4] != '-' || name[7] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  if (!parse_int(name.substr(0, 4), y) || !parse_int(name.substr(5, 2), m) || !parse_int(name.substr(8, 2), d))
    return std::nullopt;
  // Years a system_clock time point (int64 nanoseconds: 1677–2262) holds, so a hostile name
  // cannot overflow the comparison in purge().
  if (y < 1970 || y > 2200) return std::nullopt;
  const chr::year_month_day ymd{chr::year{y}, chr::month{m}, chr::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return chr::sys_days{ymd};
}

bandwidth_log::bandwidth_log(std::string dir, chr::hours rotation, base::logger log)
    : dir_(std::move(dir)), rotation_(rotation), log_(std::move(log)) {
  if (!log_) log_ = base::make_null_logger("bandwidth_log");
}

void bandwidth_log::open(base::clock::wall_time now) {
  day_ = chr::floor<chr::days>(now);
  rows_.clear();
  index_.clear();
  changed_.clear();
  dirty_ = false;
  if (dir_.empty()) return;
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) {
    log_->warn("transport log: cannot create {}: {}", dir_, ec.message());
    return;
  }
  const fs::path today = fs::path(dir_) / bandwidth_file_name(now);
  const auto size = fs::file_size(today, ec);
  if (!ec && size > max_file_bytes) {
    log_->warn("transport log: {} is {} bytes, over the {} byte bound; not loaded", today.string(), size,
               max_file_bytes);
  } else if (!ec) {
    std::ifstream in(today, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    auto rows = parse_bandwidth_csv(text.str(), max_rows);
    if (!rows) {
      log_->warn("transport log: {} has an unexpected header; starting the day from zero", today.string());
    } else {
      for (auto& r : *rows) {
        if (index_.contains(r.id)) continue;
        index_.emplace(r.id, rows_.size());
        rows_.push_back(r);
        changed_.push_back(false);
      }
    }
  }
  purge(now);
}

void bandwidth_log::add(const wt::uuid& id, std::uint64_t recv, std::uint64_t sent) {
  auto it = index_.find(id);
  if (it == index_.end()) {
    if (rows_.size() >= max_rows) {
      if (!warned_full_) log_->warn("transport log: {} rows today; further transports are not logged", max_rows);
      warned_full_ = true;
      return;
    }
    it = index_.emplace(id, rows_.size()).first;
    rows_.push_back({id, 0, 0, 0});
    changed_.push_back(false);
  }
  auto& r = rows_[it->second];
  r.recv += recv;
  r.sent += sent;
  changed_[it->second] = true;
  dirty_ = true;
}

void bandwidth_log::flush(base::clock::wall_time now) {
  const auto today = chr::floor<chr::days>(now);
  if (today != day_) {
    // Finish the old day with what was counted until now (Go does the same), then start over.
    if (dirty_) write_file(base::clock::wall_time{day_} + chr::hours(23) + chr::minutes(59) + chr::seconds(59));
    day_ = today;
    rows_.clear();
    index_.clear();
    changed_.clear();
    dirty_ = false;
    warned_full_ = false;
    if (!dir_.empty()) purge(now);
    return;
  }
  if (dirty_) write_file(now);
}

void bandwidth_log::write_file(base::clock::wall_time stamp) {
  const std::int64_t ts = unix_seconds(stamp);
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    if (changed_[i]) rows_[i].time_stamp = ts;
    changed_[i] = false;
  }
  dirty_ = false;
  if (dir_.empty()) return;
  const fs::path file = fs::path(dir_) / bandwidth_file_name(stamp);
  const fs::path tmp = fs::path(dir_) / ("." + file.filename().string() + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    const std::string text = format_bandwidth_csv(rows_);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) {
      log_->warn("transport log: cannot write {}", tmp.string());
      return;
    }
  }
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) log_->warn("transport log: cannot replace {}: {}", file.string(), ec.message());
}

void bandwidth_log::purge(base::clock::wall_time now) {
  if (dir_.empty()) return;
  // Names first, deletions after: no iterator is advanced past a removed entry, and no
  // iterator member that throws is used.
  std::error_code ec;
  std::vector<fs::path> old;
  const auto cutoff = now - rotation_;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    const auto date = parse_bandwidth_file_name(it->path().filename().string());
    std::error_code type_ec;
    if (date && base::clock::wall_time{*date} < cutoff && it->is_regular_file(type_ec)) old.push_back(it->path());
  }
  for (const auto& p : old) {
    fs::remove(p, ec);
    if (ec) {
      log_->warn("transport log: cannot delete {}: {}", p.string(), ec.message());
    } else {
      log_->debug("transport log: deleted {} (older than the rotation)", p.string());
    }
  }
}

std::optional<bandwidth_row> bandwidth_log::row(const wt::uuid& id) const {
  auto it = index_.find(id);
  if (it == index_.end()) return std::nullopt;
  return rows_[it->second];
}

}  // namespace skywire::transport
