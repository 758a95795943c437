#include "dmsgpty/protocol.hpp"

#include <limits>

namespace skywire::dmsgpty {

pty_types::pty_types() {
  win_size = &s.add_struct("WinSize", {{"X", &gob::uint_type()},
                                       {"Y", &gob::uint_type()},
                                       {"Rows", &gob::uint_type()},
                                       {"Cols", &gob::uint_type()}});
  strings = &s.add_slice("[]string", gob::string_type());
  command_req = &s.add_struct("CommandReq", {{"Name", &gob::string_type()},
                                             {"Arg", strings},
                                             {"Size", win_size}});
}

const pty_types& types() {
  static const pty_types t;  // immutable once built
  return t;
}

gob::value to_value(const win_size& w) {
  return gob::make_struct({{"X", gob::make_uint(w.x)},
                           {"Y", gob::make_uint(w.y)},
                           {"Rows", gob::make_uint(w.rows)},
                           {"Cols", gob::make_uint(w.cols)}});
}

gob::value to_value(const command_req& c) {
  std::vector<gob::value> args;
  for (const auto& a : c.args) args.push_back(gob::make_string(a));
  // A nil *WinSize is left out, as Go's encoder does.
  gob::value size = c.size ? to_value(*c.size) : gob::value{};
  return gob::make_struct({{"Name", gob::make_string(c.name)},
                           {"Arg", gob::make_list(std::move(args))},
                           {"Size", std::move(size)}});
}

namespace {

bool read_u16(const gob::value& v, const char* name, std::uint16_t& out) {
  const gob::value* f = v.field(name);
  if (f == nullptr) return true;
  if (f->kind != gob::value_kind::unsigned_integer || f->u > std::numeric_limits<std::uint16_t>::max()) return false;
  out = static_cast<std::uint16_t>(f->u);
  return true;
}

}  // namespace

std::optional<win_size> parse_win_size(const gob::value& v) {
  if (v.kind != gob::value_kind::structure) return std::nullopt;
  win_size w;
  if (!read_u16(v, "X", w.x) || !read_u16(v, "Y", w.y) || !read_u16(v, "Rows", w.rows) ||
      !read_u16(v, "Cols", w.cols)) {
    return std::nullopt;
  }
  return w;
}

std::optional<command_req> parse_command_req(const gob::value& v) {
  if (v.kind != gob::value_kind::structure) return std::nullopt;
  command_req c;
  if (const gob::value* n = v.field("Name")) {
    if (n->kind != gob::value_kind::string) return std::nullopt;
    c.name = std::string(n->text());
  }
  if (const gob::value* a = v.field("Arg")) {
    if (a->kind != gob::value_kind::list || a->items.size() > max_args) return std::nullopt;
    for (const auto& e : a->items) {
      if (e.kind != gob::value_kind::string) return std::nullopt;
      c.args.emplace_back(e.text());
    }
  }
  if (const gob::value* s = v.field("Size")) {
    c.size = parse_win_size(*s);
    if (!c.size) return std::nullopt;
  }
  return c;
}

std::optional<bytes> encode_request(std::string_view uri) {
  if (uri.size() > 255) return std::nullopt;
  bytes out;
  out.push_back(static_cast<std::uint8_t>(uri.size()));
  out.insert(out.end(), uri.begin(), uri.end());
  return out;
}

std::string request_path(std::string_view raw) {
  if (!raw.empty() && raw.front() == '/') raw.remove_prefix(1);
  const auto cut = raw.find_first_of("?#");
  if (cut != std::string_view::npos) raw = raw.substr(0, cut);
  return std::string(raw);
}

}  // namespace skywire::dmsgpty
