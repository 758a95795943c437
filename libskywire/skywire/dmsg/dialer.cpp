#include "skywire/dmsg/dialer.hpp"

namespace skywire::dmsg {
namespace {

class dmsg_dialer final : public net::stream_dialer {
 public:
  explicit dmsg_dialer(client& c) : client_(c) {}
  boost::asio::awaitable<result<std::unique_ptr<net::stream>>> dial(std::string host, std::uint16_t port) override {
    auto pk = crypto::public_key::from_text(host);
    if (!pk) co_return pk.error();
    auto s = co_await client_.dial(*pk, port);
    if (!s) co_return s.error();
    co_return std::unique_ptr<net::stream>(std::move(*s));
  }

 private:
  client& client_;
};

}  // namespace

std::shared_ptr<net::stream_dialer> make_dialer(client& c) { return std::make_shared<dmsg_dialer>(c); }

}  // namespace skywire::dmsg
