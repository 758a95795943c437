#include "skywire/rpc/codec.hpp"

#include "skywire/rpc/errc.hpp"
#include "skywire/wire/errc.hpp"

namespace skywire::rpc {
namespace {

// Built once, never changed afterwards: the same immutable-constant pattern as gob's builtins.
struct header_types {
  gob::schema s;
  const gob::type_def* request = nullptr;
  const gob::type_def* response = nullptr;
  const gob::type_def* empty = nullptr;

  header_types() {
    request = &s.add_struct("Request", {{"ServiceMethod", &gob::string_type()}, {"Seq", &gob::uint_type()}});
    response = &s.add_struct("Response", {{"ServiceMethod", &gob::string_type()},
                                          {"Seq", &gob::uint_type()},
                                          {"Error", &gob::string_type()}});
    empty = &s.add_struct("", {});
  }
};

const header_types& types() {
  static const header_types t;
  return t;
}

// A header field: absent means zero; present must have the right kind.
bool read_string(const gob::value& v, const char* name, std::string& out) {
  const gob::value* f = v.field(name);
  if (f == nullptr) return true;
  if (f->kind != gob::value_kind::string) return false;
  out = std::string(f->text());
  return true;
}

bool read_seq(const gob::value& v, std::uint64_t& out) {
  const gob::value* f = v.field("Seq");
  if (f == nullptr) return true;
  if (f->kind != gob::value_kind::unsigned_integer) return false;
  out = f->u;
  return true;
}

}  // namespace

const gob::type_def& request_type() { return *types().request; }
const gob::type_def& response_type() { return *types().response; }
const gob::type_def& empty_struct_type() { return *types().empty; }
gob::value empty_struct() { return gob::make_struct({}); }

gob::value to_value(const request_header& h) {
  return gob::make_struct({{"ServiceMethod", gob::make_string(h.service_method)}, {"Seq", gob::make_uint(h.seq)}});
}

gob::value to_value(const response_header& h) {
  return gob::make_struct({{"ServiceMethod", gob::make_string(h.service_method)},
                           {"Seq", gob::make_uint(h.seq)},
                           {"Error", gob::make_string(h.error)}});
}

result<request_header> parse_request(const gob::value& v) {
  if (v.kind != gob::value_kind::structure) return errc::bad_header;
  request_header h;
  if (!read_string(v, "ServiceMethod", h.service_method) || !read_seq(v, h.seq)) return errc::bad_header;
  return h;
}

result<response_header> parse_response(const gob::value& v) {
  if (v.kind != gob::value_kind::structure) return errc::bad_header;
  response_header h;
  if (!read_string(v, "ServiceMethod", h.service_method) || !read_seq(v, h.seq) ||
      !read_string(v, "Error", h.error)) {
    return errc::bad_header;
  }
  return h;
}

boost::asio::awaitable<result<gob::value>> value_reader::next() {
  for (;;) {
    while (begin_ < buf_.size()) {
      auto m = dec_.next_message(byte_view(buf_).subspan(begin_));
      if (!m) {
        if (m.error() == wire::errc::truncated) break;
        co_return m.error();
      }
      begin_ += m->consumed;
      if (m->v) co_return std::move(*m->v);
    }
    // Drop consumed bytes before growing: the buffer holds at most one partial message.
    if (begin_ > 0) {
      buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(begin_));
      begin_ = 0;
    }
    const std::size_t old = buf_.size();
    buf_.resize(old + chunk_);
    auto n_op = s_.read_some(mutable_byte_view(buf_).subspan(old));
    auto n = co_await std::move(n_op);
    if (!n) {
      buf_.resize(old);
      co_return n.error();
    }
    buf_.resize(old + *n);
  }
}

}  // namespace skywire::rpc
