#include "skywire/wire/gob/decoder.hpp"

#include <algorithm>
#include <limits>

#include "skywire/base/byte_reader.hpp"
#include "skywire/wire/gob/primitives.hpp"

namespace skywire::wire::gob {
namespace {

// Inside a framed message, running out of bytes means the message lied about its content:
// that is bad_message, not "wait for more" (truncated is reserved for the framing layer).
error_code inner(error_code ec) {
  if (ec == errc::truncated) return errc::bad_message;
  return ec;
}

result<std::uint64_t> uint_in(base::byte_reader& r) {
  auto v = read_uint(r);
  if (!v) return inner(v.error());
  return *v;
}

result<std::int64_t> int_in(base::byte_reader& r) {
  auto v = read_int(r);
  if (!v) return inner(v.error());
  return *v;
}

// A gob byte string: length checked against what the message still holds and against max.
result<byte_view> bytes_in(base::byte_reader& r, std::size_t max) {
  auto n = uint_in(r);
  if (!n) return n.error();
  if (*n > max) return errc::too_long;
  if (*n > r.remaining()) return errc::bad_message;
  auto b = r.take(static_cast<std::size_t>(*n));
  if (!b) return errc::bad_message;
  return *b;
}

// A type id referenced from a definition: a builtin we know of, or a user id (>= 64).
result<type_id> type_ref_in(base::byte_reader& r) {
  auto id = int_in(r);
  if (!id) return id.error();
  if ((*id >= bool_id && *id <= interface_id) || *id >= first_user_id) return *id;
  return errc::bad_type_id;
}

// Walks a gob struct value with statically known fields 0..max_field: calls on_field(n) for
// each field present, which must consume the field's value.
template <class F>
result<void> for_each_field(base::byte_reader& r, std::uint64_t max_field, F&& on_field) {
  std::uint64_t field = static_cast<std::uint64_t>(-1);  // -1: the first delta lands on 0
  for (;;) {
    auto d = uint_in(r);
    if (!d) return d.error();
    if (*d == 0) return {};
    if (*d > max_field + 1) return errc::bad_type_definition;
    field += *d;
    if (field > max_field) return errc::bad_type_definition;
    if (auto res = on_field(field); !res) return res;
  }
}

result<void> common_in(base::byte_reader& r, wire_type& t, const limits& l) {
  return for_each_field(r, 1, [&](std::uint64_t f) -> result<void> {
    if (f == 0) {
      auto name = bytes_in(r, l.max_name_length);
      if (!name) return name.error();
      t.name.assign(as_chars(*name));
      return {};
    }
    // CommonType.Id: informational (Go keys types by the message's id, and so do we).
    auto id = int_in(r);
    if (!id) return id.error();
    return {};
  });
}

result<wire_type> wire_type_in(base::byte_reader& r, const limits& l) {
  wire_type t;
  bool have_kind = false;
  auto res = for_each_field(r, 6, [&](std::uint64_t kind_field) -> result<void> {
    if (have_kind) return errc::bad_type_definition;  // a wireType holds exactly one kind
    have_kind = true;
    switch (kind_field) {
      case 0:  // ArrayT{CommonType; Elem; Len}
        t.kind = type_kind::array;
        return for_each_field(r, 2, [&](std::uint64_t f) -> result<void> {
          if (f == 0) return common_in(r, t, l);
          if (f == 1) {
            auto e = type_ref_in(r);
            if (!e) return e.error();
            t.elem = *e;
            return {};
          }
          auto n = int_in(r);
          if (!n) return n.error();
          if (*n < 0) return errc::bad_type_definition;
          if (static_cast<std::uint64_t>(*n) > l.max_elements) return errc::too_long;
          t.length = *n;
          return {};
        });
      case 1:  // SliceT{CommonType; Elem}
        t.kind = type_kind::slice;
        return for_each_field(r, 1, [&](std::uint64_t f) -> result<void> {
          if (f == 0) return common_in(r, t, l);
          auto e = type_ref_in(r);
          if (!e) return e.error();
          t.elem = *e;
          return {};
        });
      case 2:  // StructT{CommonType; Field []fieldType{Name; Id}}
        t.kind = type_kind::structure;
        return for_each_field(r, 1, [&](std::uint64_t f) -> result<void> {
          if (f == 0) return common_in(r, t, l);
          auto n = uint_in(r);
          if (!n) return n.error();
          if (*n > l.max_fields) return errc::too_long;
          if (*n > r.remaining()) return errc::bad_message;  // each field takes >= 1 byte
          t.fields.reserve(static_cast<std::size_t>(*n));
          for (std::uint64_t k = 0; k < *n; ++k) {
            std::pair<std::string, type_id> field;
            auto fr = for_each_field(r, 1, [&](std::uint64_t ff) -> result<void> {
              if (ff == 0) {
                auto name = bytes_in(r, l.max_name_length);
                if (!name) return name.error();
                field.first.assign(as_chars(*name));
                return {};
              }
              auto id = type_ref_in(r);
              if (!id) return id.error();
              field.second = *id;
              return {};
            });
            if (!fr) return fr;
            if (field.second == 0) return errc::bad_type_definition;  // field without a type
            t.fields.push_back(std::move(field));
          }
          return {};
        });
      case 3:  // MapT{CommonType; Key; Elem}
        t.kind = type_kind::map;
        return for_each_field(r, 2, [&](std::uint64_t f) -> result<void> {
          if (f == 0) return common_in(r, t, l);
          auto id = type_ref_in(r);
          if (!id) return id.error();
          (f == 1 ? t.key : t.elem) = *id;
          return {};
        });
      default:  // 4 GobEncoderT, 5 BinaryMarshalerT, 6 TextMarshalerT: {CommonType}
        t.kind = kind_field == 4 ? type_kind::gob_encoder
                 : kind_field == 5 ? type_kind::binary_marshaler
                                   : type_kind::text_marshaler;
        return for_each_field(r, 0, [&](std::uint64_t) { return common_in(r, t, l); });
    }
  });
  if (!res) return res.error();
  if (!have_kind) return errc::bad_type_definition;
  if ((t.kind == type_kind::slice || t.kind == type_kind::array) && t.elem == 0) {
    return errc::bad_type_definition;
  }
  if (t.kind == type_kind::map && (t.key == 0 || t.elem == 0)) return errc::bad_type_definition;
  return t;
}

class value_reader {
 public:
  value_reader(const std::unordered_map<type_id, wire_type>& types, const limits& l)
      : types_(types), limits_(l) {}

  result<value> read(base::byte_reader& r, type_id id, std::size_t depth) {
    if (depth > limits_.max_depth) return errc::too_deep;
    if (++nodes_ > limits_.max_elements) return errc::too_long;
    value v;
    v.type = id;
    switch (id) {
      case bool_id: {
        auto u = uint_in(r);
        if (!u) return u.error();
        v.kind = value_kind::boolean;
        v.b = *u != 0;  // Go: SetBool(decodeUint() != 0)
        return v;
      }
      case int_id: {
        auto i = int_in(r);
        if (!i) return i.error();
        v.kind = value_kind::integer;
        v.i = *i;
        return v;
      }
      case uint_id:
      case float_id: {
        auto u = uint_in(r);
        if (!u) return u.error();
        v.kind = id == uint_id ? value_kind::unsigned_integer : value_kind::floating;
        v.u = id == uint_id ? *u : float_bits_from_wire(*u);
        return v;
      }
      case bytes_id:
      case string_id: {
        auto b = bytes_in(r, limits_.max_message_size);
        if (!b) return b.error();
        v.kind = id == bytes_id ? value_kind::byte_string : value_kind::string;
        v.data.assign(b->begin(), b->end());
        return v;
      }
      case complex_id:
      case interface_id:
        return errc::unsupported_type;
      default:
        break;
    }
    if (id < first_user_id) return errc::bad_type_id;
    auto it = types_.find(id);
    if (it == types_.end()) return errc::unknown_type;
    const wire_type& t = it->second;

    switch (t.kind) {
      case type_kind::builtin:
        return errc::bad_type_definition;  // never registered
      case type_kind::gob_encoder:
      case type_kind::binary_marshaler:
      case type_kind::text_marshaler: {
        auto b = bytes_in(r, limits_.max_message_size);
        if (!b) return b.error();
        v.kind = value_kind::marshaled;
        v.marshaler = t.kind;
        v.data.assign(b->begin(), b->end());
        return v;
      }
      case type_kind::structure: {
        v.kind = value_kind::structure;
        std::uint64_t field = static_cast<std::uint64_t>(-1);
        for (;;) {
          auto d = uint_in(r);
          if (!d) return d.error();
          if (*d == 0) return v;
          if (*d > t.fields.size()) return errc::bad_field;
          field += *d;
          if (field >= t.fields.size()) return errc::bad_field;
          const auto& [name, fid] = t.fields[static_cast<std::size_t>(field)];
          auto fv = read(r, fid, depth + 1);
          if (!fv) return fv.error();
          v.names.push_back(name);
          v.items.push_back(std::move(*fv));
        }
      }
      case type_kind::slice:
      case type_kind::array:
      case type_kind::map: {
        auto n = uint_in(r);
        if (!n) return n.error();
        if (t.kind == type_kind::array && *n != static_cast<std::uint64_t>(t.length)) {
          return errc::type_mismatch;  // Go: "length mismatch in decodeArray"
        }
        const std::uint64_t per = t.kind == type_kind::map ? 2 : 1;
        // Every element takes at least one byte: a count the message cannot hold is a lie,
        // and is rejected before anything is reserved.
        if (*n > r.remaining() / per) return errc::bad_message;
        if (*n * per > limits_.max_elements - nodes_) return errc::too_long;
        v.kind = t.kind == type_kind::map ? value_kind::map : value_kind::list;
        v.items.reserve(static_cast<std::size_t>(*n * per));
        for (std::uint64_t k = 0; k < *n; ++k) {
          if (t.kind == type_kind::map) {
            auto kv = read(r, t.key, depth + 1);
            if (!kv) return kv.error();
            v.items.push_back(std::move(*kv));
          }
          auto ev = read(r, t.elem, depth + 1);
          if (!ev) return ev.error();
          v.items.push_back(std::move(*ev));
        }
        return v;
      }
    }
    return errc::bad_type_definition;
  }

 private:
  const std::unordered_map<type_id, wire_type>& types_;
  const limits& limits_;
  std::size_t nodes_ = 0;
};

}  // namespace

const wire_type* decoder::find_type(type_id id) const {
  auto it = types_.find(id);
  return it == types_.end() ? nullptr : &it->second;
}

result<decoder::message> decoder::next_message(byte_view in) {
  if (failed_) return failed_;
  auto m = next_message_impl(in);
  if (!m && m.error() != errc::truncated) failed_ = m.error();
  return m;
}

result<decoder::message> decoder::next_message_impl(byte_view in) {
  base::byte_reader frame(in);
  auto len = read_uint(frame);
  if (!len) return len.error();  // truncated (need more) or a >8-byte length (bad_message)
  if (*len == 0) return errc::bad_message;
  if (*len > limits_.max_message_size) return errc::too_long;
  if (frame.remaining() < *len) return errc::truncated;
  const std::size_t consumed = frame.position() + static_cast<std::size_t>(*len);
  if (consumed > limits_.max_total_input - std::min<std::uint64_t>(total_, limits_.max_total_input)) {
    return errc::too_long;
  }
  auto body = frame.take(static_cast<std::size_t>(*len));
  if (!body) return errc::truncated;
  base::byte_reader r(*body);

  auto id = int_in(r);
  if (!id) return id.error();

  message out;
  out.consumed = consumed;
  if (*id < 0) {
    // Range-check on the negative side: -INT64_MIN would overflow.
    if (*id > -first_user_id || *id == std::numeric_limits<std::int64_t>::min()) {
      return errc::bad_type_id;
    }
    const type_id tid = -*id;
    if (types_.count(tid) != 0) return errc::duplicate_type;
    if (types_.size() >= limits_.max_types) return errc::too_many_types;
    auto t = wire_type_in(r, limits_);
    if (!t) return inner(t.error());
    if (!r.empty()) return errc::trailing_bytes;
    types_.emplace(tid, std::move(*t));
  } else {
    if (*id == 0) return errc::bad_type_id;
    value_reader vr(types_, limits_);
    const wire_type* t = find_type(*id);
    if (t == nullptr && *id >= first_user_id) return errc::unknown_type;
    if (t == nullptr || t->kind != type_kind::structure) {
      // Go's decodeSingle: a top-level non-struct value is preceded by a zero field delta.
      auto marker = uint_in(r);
      if (!marker) return marker.error();
      if (*marker != 0) return errc::bad_message;
    }
    auto v = vr.read(r, *id, 0);
    if (!v) return inner(v.error());
    if (!r.empty()) return errc::trailing_bytes;
    out.v = std::move(*v);
  }
  total_ += consumed;
  return out;
}

result<decoder::decoded> decoder::next_value(byte_view in) {
  std::size_t pos = 0;
  for (;;) {
    auto m = next_message(in.subspan(pos));
    if (!m) return m.error();
    pos += m->consumed;
    if (m->v) return decoded{std::move(*m->v), pos};
  }
}

result<value> decode_single(byte_view in, const limits& l) {
  decoder d(l);
  auto r = d.next_value(in);
  if (!r) return r.error();
  if (r->consumed != in.size()) return errc::trailing_bytes;
  return std::move(r->v);
}

}  // namespace skywire::wire::gob
