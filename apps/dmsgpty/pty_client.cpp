#include "dmsgpty/pty_client.hpp"

#include "skywire/rpc/codec.hpp"

namespace skywire::dmsgpty {
namespace {

namespace asio = boost::asio;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "skywire.dmsgpty"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::rejected: return "request rejected by remote dmsgpty-host";  // Go's text
      case errc::bad_reply: return "unexpected reply type from dmsgpty-host";
    }
    return "unknown dmsgpty error";
  }
};
#pragma GCC diagnostic pop

std::string method(const char* m) { return std::string(rpc_service) + "." + m; }

}  // namespace

const boost::system::error_category& category() noexcept {
  static const category_impl instance;
  return instance;
}

asio::awaitable<result<std::unique_ptr<pty_client>>> pty_client::open(asio::any_io_executor ex,
                                                                      std::unique_ptr<net::stream> s) {
  auto req = encode_request(pty_uri);
  if (auto w = co_await s->write_all(*req); !w) co_return w.error();
  std::uint8_t resp = 0;
  auto n_op = s->read_some(mutable_byte_view(&resp, 1));
  auto n = co_await std::move(n_op);
  if (!n) co_return n.error();
  if (resp != accept_byte) co_return errc::rejected;
  co_return std::make_unique<pty_client>(std::move(ex), std::move(s));
}

asio::awaitable<result<std::string>> pty_client::start(command_req req) {
  auto v = to_value(req);
  auto r_op = rpc_.call(method("Start"), *types().command_req, std::move(v));
  auto r = co_await std::move(r_op);
  if (!r) co_return r.error();
  co_return std::move(r->error);
}

asio::awaitable<result<outcome<bytes>>> pty_client::read(std::int64_t max) {
  auto r_op = rpc_.call(method("Read"), gob::int_type(), gob::make_int(max));
  auto r = co_await std::move(r_op);
  if (!r) co_return r.error();
  if (!r->error.empty()) co_return outcome<bytes>{{}, std::move(r->error)};
  if (r->body.kind != gob::value_kind::byte_string) co_return errc::bad_reply;
  co_return outcome<bytes>{std::move(r->body.data), {}};
}

asio::awaitable<result<outcome<std::int64_t>>> pty_client::write(bytes data) {
  auto v = gob::make_bytes(data);
  auto r_op = rpc_.call(method("Write"), gob::bytes_type(), std::move(v));
  auto r = co_await std::move(r_op);
  if (!r) co_return r.error();
  if (!r->error.empty()) co_return outcome<std::int64_t>{0, std::move(r->error)};
  if (r->body.kind != gob::value_kind::integer) co_return errc::bad_reply;
  co_return outcome<std::int64_t>{r->body.i, {}};
}

asio::awaitable<result<std::string>> pty_client::set_size(win_size w) {
  auto v = to_value(w);
  auto r_op = rpc_.call(method("SetPtySize"), *types().win_size, std::move(v));
  auto r = co_await std::move(r_op);
  if (!r) co_return r.error();
  co_return std::move(r->error);
}

asio::awaitable<result<std::string>> pty_client::stop() {
  auto r_op = rpc_.call(method("Stop"), rpc::empty_struct_type(), rpc::empty_struct());
  auto r = co_await std::move(r_op);
  if (!r) co_return r.error();
  co_return std::move(r->error);
}

}  // namespace skywire::dmsgpty
