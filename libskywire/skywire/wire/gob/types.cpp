#include "skywire/wire/gob/types.hpp"

#include <stdexcept>

namespace skywire::wire::gob {
namespace {

type_def make_builtin(type_id id, const char* name) {
  type_def t;
  t.kind = type_kind::builtin;
  t.builtin_id = id;
  t.name = name;
  return t;
}

}  // namespace

bool is_marshaler(type_kind k) noexcept {
  return k == type_kind::gob_encoder || k == type_kind::binary_marshaler ||
         k == type_kind::text_marshaler;
}

const type_def& bool_type() {
  static const type_def t = make_builtin(bool_id, "bool");
  return t;
}
const type_def& int_type() {
  static const type_def t = make_builtin(int_id, "int");
  return t;
}
const type_def& uint_type() {
  static const type_def t = make_builtin(uint_id, "uint");
  return t;
}
const type_def& float_type() {
  static const type_def t = make_builtin(float_id, "float");
  return t;
}
const type_def& bytes_type() {
  static const type_def t = make_builtin(bytes_id, "bytes");
  return t;
}
const type_def& string_type() {
  static const type_def t = make_builtin(string_id, "string");
  return t;
}

type_def& schema::add_struct(std::string name, std::vector<field_def> fields) {
  type_def& t = defs_.emplace_back();
  t.kind = type_kind::structure;
  t.name = std::move(name);
  t.fields = std::move(fields);
  return t;
}

const type_def& schema::add_slice(std::string name, const type_def& elem) {
  type_def& t = defs_.emplace_back();
  t.kind = type_kind::slice;
  t.name = std::move(name);
  t.elem = &elem;
  return t;
}

const type_def& schema::add_array(std::string name, const type_def& elem, std::int64_t length) {
  type_def& t = defs_.emplace_back();
  t.kind = type_kind::array;
  t.name = std::move(name);
  t.elem = &elem;
  t.length = length;
  return t;
}

const type_def& schema::add_map(std::string name, const type_def& key, const type_def& elem) {
  type_def& t = defs_.emplace_back();
  t.kind = type_kind::map;
  t.name = std::move(name);
  t.key = &key;
  t.elem = &elem;
  return t;
}

const type_def& schema::add_marshaler(type_kind kind, std::string name) {
  if (!is_marshaler(kind)) throw std::logic_error("gob::schema::add_marshaler: not a marshaler kind");
  type_def& t = defs_.emplace_back();
  t.kind = kind;
  t.name = std::move(name);
  return t;
}

type_id type_ids::take_next() {
  while (used_.count(next_) != 0) ++next_;  // skip ids pinned by hand
  used_.insert(next_);
  return next_++;
}

std::optional<type_id> type_ids::find(const type_def& t) const {
  if (t.kind == type_kind::builtin) return t.builtin_id;
  auto it = ids_.find(&t);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

void type_ids::pin(const type_def& t, type_id id) {
  if (t.kind == type_kind::builtin || id < first_user_id || used_.count(id) != 0 ||
      ids_.count(&t) != 0) {
    throw std::logic_error("gob::type_ids::pin: builtin type, id < 64, or id/type already used");
  }
  ids_.emplace(&t, id);
  used_.insert(id);
}

type_id type_ids::assign(const type_def& t) {
  if (auto found = find(t)) return *found;
  switch (t.kind) {
    case type_kind::builtin:
      return t.builtin_id;  // unreachable: find() answered
    case type_kind::structure:
    case type_kind::gob_encoder:
    case type_kind::binary_marshaler:
    case type_kind::text_marshaler: {
      // Go (newStructType, newGobEncoderType): the id is set before the components'.
      const type_id id = take_next();
      ids_.emplace(&t, id);
      for (const auto& f : t.fields) assign(*f.type);
      return id;
    }
    case type_kind::slice:
    case type_kind::array:
    case type_kind::map: {
      // Go sets these ids after building the components ("historical aside" in type.go);
      // a component that leads back here while we build it gets the id on the spot, as
      // Go's "if gt.id() == 0 { setTypeId(gt) }" does.
      if (building_.count(&t) != 0) {
        const type_id id = take_next();
        ids_.emplace(&t, id);
        return id;
      }
      building_.insert(&t);
      if (t.key != nullptr) assign(*t.key);
      assign(*t.elem);
      building_.erase(&t);
      if (auto found = find(t)) return *found;
      const type_id id = take_next();
      ids_.emplace(&t, id);
      return id;
    }
  }
  return 0;
}

}  // namespace skywire::wire::gob
