#pragma once
// A compact JSON document writer that reproduces Go's bytes: no whitespace, members in the
// order they are written (callers follow Go's struct field order), integers in plain decimal,
// strings escaped by the chosen dialect (escape.hpp). Boost.JSON is used only for parsing:
// its serializer neither keeps Go's escaping nor lets us pin it.
//
// Usage: writer w{dialect::jsoniter_fastest}; w.begin_object(); w.key("a"); w.int64(1);
// w.end_object(); std::string s = std::move(w).take();
// The writer trusts its caller (our own code builds every document): structural misuse (a
// value where a key is due, unbalanced begin/end) is a bug and asserts in debug builds; it is
// not input validation. Keys are escaped with the same dialect as values, as Go does.
// newline() appends the "\n" that json.Encoder.Encode writes after a value (Marshal does not).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "skywire/wire/json/escape.hpp"

namespace skywire::wire::json {

enum class dialect {
  go_json,           // encoding/json (options in go_json_options)
  jsoniter_fastest,  // json-iterator ConfigFastest (dmsg discovery)
};

class writer {
 public:
  explicit writer(dialect d, go_json_options go_opts = {}) : dialect_(d), go_opts_(go_opts) {}

  writer& begin_object();
  writer& end_object();
  writer& begin_array();
  writer& end_array();
  writer& key(std::string_view k);
  writer& string(std::string_view v);
  writer& int64(std::int64_t v);
  writer& uint64(std::uint64_t v);
  writer& boolean(bool v);
  writer& null();
  // A pre-encoded JSON value, inserted verbatim (e.g. a nested document from another writer).
  writer& raw_value(std::string_view json_text);
  writer& newline();

  const std::string& str() const noexcept { return out_; }
  std::string take() && { return std::move(out_); }

 private:
  void before_value();
  void append_string(std::string_view s);

  dialect dialect_;
  go_json_options go_opts_;
  std::string out_;
  // One entry per open container: whether a member/element has been written already.
  std::vector<bool> has_member_;
  bool after_key_ = false;
};

}  // namespace skywire::wire::json
