#include "skywire/wire/gob/value.hpp"

#include <cstring>

namespace skywire::wire::gob {

const value* value::field(std::string_view name) const noexcept {
  if (kind != value_kind::structure) return nullptr;
  for (std::size_t k = 0; k < names.size() && k < items.size(); ++k) {
    if (names[k] == name) return &items[k];
  }
  return nullptr;
}

double value::as_double() const noexcept {
  double d = 0;
  static_assert(sizeof d == sizeof u);
  std::memcpy(&d, &u, sizeof d);
  return d;
}

value make_bool(bool v) {
  value out;
  out.kind = value_kind::boolean;
  out.b = v;
  return out;
}

value make_int(std::int64_t v) {
  value out;
  out.kind = value_kind::integer;
  out.i = v;
  return out;
}

value make_uint(std::uint64_t v) {
  value out;
  out.kind = value_kind::unsigned_integer;
  out.u = v;
  return out;
}

value make_float(double v) {
  value out;
  out.kind = value_kind::floating;
  std::memcpy(&out.u, &v, sizeof v);
  return out;
}

value make_string(std::string_view v) {
  value out;
  out.kind = value_kind::string;
  out.data.assign(v.begin(), v.end());
  return out;
}

value make_bytes(byte_view v) {
  value out;
  out.kind = value_kind::byte_string;
  out.data.assign(v.begin(), v.end());
  return out;
}

value make_marshaled(type_kind kind, byte_view v) {
  value out;
  out.kind = value_kind::marshaled;
  out.marshaler = kind;
  out.data.assign(v.begin(), v.end());
  return out;
}

value make_list(std::vector<value> items) {
  value out;
  out.kind = value_kind::list;
  out.items = std::move(items);
  return out;
}

value make_map(std::vector<std::pair<value, value>> entries) {
  value out;
  out.kind = value_kind::map;
  out.items.reserve(entries.size() * 2);
  for (auto& [k, v] : entries) {
    out.items.push_back(std::move(k));
    out.items.push_back(std::move(v));
  }
  return out;
}

value make_struct(std::vector<std::pair<std::string, value>> fields) {
  value out;
  out.kind = value_kind::structure;
  out.items.reserve(fields.size());
  out.names.reserve(fields.size());
  for (auto& [n, v] : fields) {
    out.names.push_back(std::move(n));
    out.items.push_back(std::move(v));
  }
  return out;
}

}  // namespace skywire::wire::gob
