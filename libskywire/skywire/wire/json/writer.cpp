#include "skywire/wire/json/writer.hpp"

#include <cassert>
#include <charconv>

namespace skywire::wire::json {
namespace {

template <class Int>
void append_int(std::string& out, Int v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

}  // namespace

void writer::append_string(std::string_view s) {
  if (dialect_ == dialect::go_json) append_go_json_string(out_, s, go_opts_);
  else append_jsoniter_fastest_string(out_, s);
}

void writer::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_member_.empty()) {
    if (has_member_.back()) out_ += ',';
    has_member_.back() = true;
  }
}

writer& writer::begin_object() {
  before_value();
  out_ += '{';
  has_member_.push_back(false);
  return *this;
}

writer& writer::end_object() {
  assert(!has_member_.empty() && !after_key_);
  has_member_.pop_back();
  out_ += '}';
  return *this;
}

writer& writer::begin_array() {
  before_value();
  out_ += '[';
  has_member_.push_back(false);
  return *this;
}

writer& writer::end_array() {
  assert(!has_member_.empty() && !after_key_);
  has_member_.pop_back();
  out_ += ']';
  return *this;
}

writer& writer::key(std::string_view k) {
  assert(!has_member_.empty() && !after_key_);
  if (has_member_.back()) out_ += ',';
  has_member_.back() = true;
  append_string(k);
  out_ += ':';
  after_key_ = true;
  return *this;
}

writer& writer::string(std::string_view v) {
  before_value();
  append_string(v);
  return *this;
}

writer& writer::int64(std::int64_t v) {
  before_value();
  append_int(out_, v);
  return *this;
}

writer& writer::uint64(std::uint64_t v) {
  before_value();
  append_int(out_, v);
  return *this;
}

writer& writer::boolean(bool v) {
  before_value();
  out_ += v ? "true" : "false";
  return *this;
}

writer& writer::null() {
  before_value();
  out_ += "null";
  return *this;
}

writer& writer::raw_value(std::string_view json_text) {
  before_value();
  out_ += json_text;
  return *this;
}

writer& writer::newline() {
  out_ += '\n';
  return *this;
}

}  // namespace skywire::wire::json
