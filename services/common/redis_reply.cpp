// The reader keeps hiredis for RESP parsing but builds our redis_reply tree through its object
// callbacks, which is also where the element and byte bounds are enforced: a callback that
// refuses returns NULL, hiredis then reports an error and frees the partial tree with
// free_object (the root only; children are owned by their parent's vector).
#include "redis_reply.hpp"

#include <hiredis/hiredis.h>
#include <hiredis/read.h>

#include <climits>

namespace skywire::svc::common {

struct redis_reader::state {
  redis_limits limits;
  redisReader* reader = nullptr;
  std::size_t bytes = 0;     // string payload bytes of the reply being read
  std::size_t elements = 0;  // array elements of the reply being read
  bool too_large = false;    // a callback refused because of a bound
  bool failed = false;
};

namespace {

using state = redis_reader::state;

state* of(const redisReadTask* task) { return static_cast<state*>(task->privdata); }

// Puts `v` in its parent's (preallocated) slot, or on the heap for a root reply.
void* place(const redisReadTask* task, redis_reply&& v) {
  if (task->parent == nullptr) return new redis_reply(std::move(v));
  auto* parent = static_cast<redis_reply*>(task->parent->obj);
  if (parent == nullptr || parent->type != redis_type::array || task->idx < 0 ||
      static_cast<std::size_t>(task->idx) >= parent->elements.size())
    return nullptr;
  auto& slot = parent->elements[static_cast<std::size_t>(task->idx)];
  slot = std::move(v);
  return &slot;
}

void* create_string(const redisReadTask* task, char* str, size_t len) {
  state* st = of(task);
  // hiredis 0.14 computes the bulk end without overflow checks: a huge length can arrive here
  // with `str` pointing past its buffer. Refuse before touching it.
  if (len > st->limits.max_bytes || st->bytes + len > st->limits.max_bytes) {
    st->too_large = true;
    return nullptr;
  }
  st->bytes += len;
  redis_reply r;
  switch (task->type) {
    case REDIS_REPLY_ERROR: r.type = redis_type::error; break;
    case REDIS_REPLY_STATUS: r.type = redis_type::status; break;
    case REDIS_REPLY_STRING: r.type = redis_type::string; break;
    default: return nullptr;
  }
  r.str.assign(str, len);
  return place(task, std::move(r));
}

void* create_array(const redisReadTask* task, int elements) {
  state* st = of(task);
  if (elements < 0) return nullptr;  // only -1 (nil) is valid, and hiredis handles it itself
  const auto n = static_cast<std::size_t>(elements);
  if (n > st->limits.max_elements || st->elements + n > st->limits.max_elements) {
    st->too_large = true;
    return nullptr;
  }
  st->elements += n;
  redis_reply r;
  r.type = redis_type::array;
  r.elements.resize(n);
  return place(task, std::move(r));
}

void* create_integer(const redisReadTask* task, long long value) {
  redis_reply r;
  r.type = redis_type::integer;
  r.integer = value;
  return place(task, std::move(r));
}

void* create_nil(const redisReadTask* task) {
  redis_reply r;
  r.type = redis_type::nil;
  return place(task, std::move(r));
}

void free_object(void* obj) { delete static_cast<redis_reply*>(obj); }

// hiredis keeps a pointer to this table (C API, hence not const); it is never modified.
redisReplyObjectFunctions reply_functions = {create_string, create_array, create_integer, create_nil,
                                             free_object};

error_code failure(const state& st) {
  return st.too_large ? redis_errc::reply_too_large : redis_errc::protocol_error;
}

}  // namespace

redis_reader::redis_reader(redis_limits limits) : st_(std::make_unique<state>()) {
  st_->limits = limits;
  st_->reader = redisReaderCreateWithFunctions(&reply_functions);
  if (st_->reader == nullptr) throw std::bad_alloc();
  st_->reader->privdata = st_.get();
}

redis_reader::~redis_reader() { redisReaderFree(st_->reader); }

std::size_t redis_reader::buffered() const noexcept {
  const redisReader* r = st_->reader;
  return r->buf != nullptr && r->len > r->pos ? r->len - r->pos : 0;
}

result<void> redis_reader::feed(std::string_view data) {
  if (st_->failed) return failure(*st_);
  // The reply being read is buffered whole before hiredis hands out its strings: bound it
  // (framing allowance: a few bytes per element and a little for headers).
  const std::size_t allowance = st_->limits.max_bytes + 16 * st_->limits.max_elements + 64 * 1024;
  if (buffered() + data.size() > allowance) {
    st_->failed = true;
    st_->too_large = true;
    return redis_errc::reply_too_large;
  }
  if (data.empty()) return {};
  if (redisReaderFeed(st_->reader, data.data(), data.size()) != REDIS_OK) {
    st_->failed = true;
    return failure(*st_);
  }
  return {};
}

result<std::optional<redis_reply>> redis_reader::next() {
  if (st_->failed) return failure(*st_);
  void* obj = nullptr;
  if (redisReaderGetReply(st_->reader, &obj) != REDIS_OK) {
    st_->failed = true;
    return failure(*st_);
  }
  if (obj == nullptr) return std::optional<redis_reply>{};
  std::unique_ptr<redis_reply> owned(static_cast<redis_reply*>(obj));
  st_->bytes = 0;
  st_->elements = 0;
  return std::optional<redis_reply>(std::move(*owned));
}

std::string format_command(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  char* out = nullptr;
  const int n = redisFormatCommandArgv(&out, static_cast<int>(args.size()), argv.data(), lens.data());
  if (n < 0 || out == nullptr) throw std::bad_alloc();  // hiredis fails only on allocation
  std::string cmd(out, static_cast<std::size_t>(n));
  redisFreeCommand(out);
  return cmd;
}

}  // namespace skywire::svc::common
