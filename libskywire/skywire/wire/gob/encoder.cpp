#include "skywire/wire/gob/encoder.hpp"

#include <algorithm>

#include "skywire/wire/gob/primitives.hpp"

namespace skywire::wire::gob {
namespace {

void put_message(bytes& out, type_id id, const bytes& body) {
  bytes head;
  put_int(head, id);
  put_uint(out, head.size() + body.size());
  out.insert(out.end(), head.begin(), head.end());
  out.insert(out.end(), body.begin(), body.end());
}

// CommonType{Name string; Id typeId}, with Go's zero-field omission (empty name is omitted).
void put_common(bytes& out, const std::string& name, type_id id) {
  int last = -1;
  if (!name.empty()) {
    put_uint(out, 1);
    put_bytes(out, as_bytes(name));
    last = 0;
  }
  put_uint(out, static_cast<std::uint64_t>(1 - last));
  put_int(out, id);
  out.push_back(0);
}

bool kind_fits(const type_def& t, const value& v) {
  switch (t.kind) {
    case type_kind::builtin:
      switch (t.builtin_id) {
        case bool_id: return v.kind == value_kind::boolean;
        case int_id: return v.kind == value_kind::integer;
        case uint_id: return v.kind == value_kind::unsigned_integer;
        case float_id: return v.kind == value_kind::floating;
        case bytes_id: return v.kind == value_kind::byte_string;
        case string_id: return v.kind == value_kind::string;
        default: return false;
      }
    case type_kind::structure: return v.kind == value_kind::structure;
    case type_kind::slice: return v.kind == value_kind::list;
    case type_kind::array:
      return v.kind == value_kind::list && static_cast<std::int64_t>(v.items.size()) == t.length;
    case type_kind::map: return v.kind == value_kind::map && v.items.size() % 2 == 0;
    case type_kind::gob_encoder:
    case type_kind::binary_marshaler:
    case type_kind::text_marshaler: return v.kind == value_kind::marshaled;
  }
  return false;
}

// Go's "send only if non-zero" rule for a struct field (encoderState.sendZero == false).
bool omitted_in_struct(const type_def& t, const value& v) {
  switch (v.kind) {
    case value_kind::absent: return true;
    case value_kind::boolean: return !v.b;
    case value_kind::integer: return v.i == 0;
    case value_kind::unsigned_integer: return v.u == 0;
    case value_kind::floating: return (v.u << 1) == 0;  // +0.0 and -0.0 (Go: x != 0)
    case value_kind::string:
    case value_kind::byte_string: return v.data.empty();
    case value_kind::marshaled:
      return std::all_of(v.data.begin(), v.data.end(), [](std::uint8_t b) { return b == 0; });
    case value_kind::list: return t.kind == type_kind::slice && v.items.empty();
    case value_kind::map: return v.items.empty();
    case value_kind::structure: return false;
  }
  return false;
}

result<void> put_value(const type_def& t, const value& v, bytes& out, const type_ids& ids);

result<void> put_struct(const type_def& t, const value& v, bytes& out, const type_ids& ids) {
  // Every name in the value must be a field of the type (catches caller typos).
  for (const auto& n : v.names) {
    const bool known = std::any_of(t.fields.begin(), t.fields.end(),
                                   [&](const field_def& f) { return f.name == n; });
    if (!known) return errc::bad_field;
  }
  std::int64_t last = -1;
  for (std::size_t k = 0; k < t.fields.size(); ++k) {
    const value* fv = v.field(t.fields[k].name);
    if (fv == nullptr || omitted_in_struct(*t.fields[k].type, *fv)) continue;
    put_uint(out, static_cast<std::uint64_t>(static_cast<std::int64_t>(k) - last));
    last = static_cast<std::int64_t>(k);
    if (auto r = put_value(*t.fields[k].type, *fv, out, ids); !r) return r;
  }
  out.push_back(0);
  return {};
}

result<void> put_value(const type_def& t, const value& v, bytes& out, const type_ids& ids) {
  if (!kind_fits(t, v)) return errc::type_mismatch;
  switch (v.kind) {
    case value_kind::absent: return errc::type_mismatch;  // kind_fits never admits it
    case value_kind::boolean: put_bool(out, v.b); return {};
    case value_kind::integer: put_int(out, v.i); return {};
    case value_kind::unsigned_integer: put_uint(out, v.u); return {};
    case value_kind::floating: put_float_bits(out, v.u); return {};
    case value_kind::string:
    case value_kind::byte_string:
    case value_kind::marshaled: put_bytes(out, v.data); return {};
    case value_kind::list:
      put_uint(out, v.items.size());
      for (const auto& e : v.items) {
        if (auto r = put_value(*t.elem, e, out, ids); !r) return r;
      }
      return {};
    case value_kind::map:
      put_uint(out, v.items.size() / 2);
      for (std::size_t k = 0; k + 1 < v.items.size(); k += 2) {
        if (auto r = put_value(*t.key, v.items[k], out, ids); !r) return r;
        if (auto r = put_value(*t.elem, v.items[k + 1], out, ids); !r) return r;
      }
      return {};
    case value_kind::structure: return put_struct(t, v, out, ids);
  }
  return errc::type_mismatch;
}

}  // namespace

void encoder::send_type(const type_def& t, bytes& out, std::unordered_set<type_id>& sent) {
  if (t.kind == type_kind::builtin) return;
  const type_id id = ids_.assign(t);
  if (sent.count(id) != 0) return;
  sent.insert(id);

  bytes body;
  switch (t.kind) {
    case type_kind::builtin: return;
    case type_kind::structure:
      put_uint(body, 3);  // wireType.StructT is field 2
      put_uint(body, 1);  // structType.CommonType
      put_common(body, t.name, id);
      if (!t.fields.empty()) {
        put_uint(body, 1);  // structType.Field
        put_uint(body, t.fields.size());
        for (const auto& f : t.fields) {
          int last = -1;
          if (!f.name.empty()) {
            put_uint(body, 1);
            put_bytes(body, as_bytes(f.name));
            last = 0;
          }
          put_uint(body, static_cast<std::uint64_t>(1 - last));
          put_int(body, ids_.assign(*f.type));
          body.push_back(0);
        }
      }
      body.push_back(0);
      break;
    case type_kind::slice:
      put_uint(body, 2);  // wireType.SliceT is field 1
      put_uint(body, 1);
      put_common(body, t.name, id);
      put_uint(body, 1);
      put_int(body, ids_.assign(*t.elem));
      body.push_back(0);
      break;
    case type_kind::array: {
      put_uint(body, 1);  // wireType.ArrayT is field 0
      put_uint(body, 1);
      put_common(body, t.name, id);
      put_uint(body, 1);
      put_int(body, ids_.assign(*t.elem));
      if (t.length != 0) {
        put_uint(body, 1);
        put_int(body, t.length);
      }
      body.push_back(0);
      break;
    }
    case type_kind::map:
      put_uint(body, 4);  // wireType.MapT is field 3
      put_uint(body, 1);
      put_common(body, t.name, id);
      put_uint(body, 1);
      put_int(body, ids_.assign(*t.key));
      put_uint(body, 1);
      put_int(body, ids_.assign(*t.elem));
      body.push_back(0);
      break;
    case type_kind::gob_encoder:
    case type_kind::binary_marshaler:
    case type_kind::text_marshaler:
      // GobEncoderT, BinaryMarshalerT, TextMarshalerT are wireType fields 4, 5, 6.
      put_uint(body, t.kind == type_kind::gob_encoder ? 5 : t.kind == type_kind::binary_marshaler ? 6 : 7);
      put_uint(body, 1);
      put_common(body, t.name, id);
      body.push_back(0);
      break;
  }
  body.push_back(0);  // end of wireType
  put_message(out, -id, body);

  // Components after the outer type, in field order (Go's sendType recursion).
  if (t.kind == type_kind::structure) {
    for (const auto& f : t.fields) send_type(*f.type, out, sent);
  } else if (t.kind == type_kind::slice || t.kind == type_kind::array) {
    send_type(*t.elem, out, sent);
  } else if (t.kind == type_kind::map) {
    send_type(*t.key, out, sent);
    send_type(*t.elem, out, sent);
  }
}

result<void> encoder::encode(const type_def& t, const value& v, bytes& out) {
  bytes staged;
  std::unordered_set<type_id> sent = sent_;
  const type_id id = ids_.assign(t);
  send_type(t, staged, sent);

  bytes body;
  if (t.kind == type_kind::structure) {
    if (auto r = put_value(t, v, body, ids_); !r) return r;
  } else {
    body.push_back(0);  // Go's singleton "field delta" for a top-level non-struct value
    if (auto r = put_value(t, v, body, ids_); !r) return r;
  }
  put_message(staged, id, body);
  sent_ = std::move(sent);
  out.insert(out.end(), staged.begin(), staged.end());
  return {};
}

result<bytes> encode_fresh(const type_def& t, const value& v, type_id first_id) {
  type_ids ids(first_id);
  encoder enc(ids);
  bytes out;
  if (auto r = enc.encode(t, v, out); !r) return r.error();
  return out;
}

}  // namespace skywire::wire::gob
