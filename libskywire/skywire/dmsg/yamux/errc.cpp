#include "skywire/dmsg/yamux/errc.hpp"

#include <string>

namespace skywire::dmsg::yamux {
namespace {

// boost::system::error_category has a protected non-virtual destructor by design (categories
// are never deleted through a base pointer); -Wnon-virtual-dtor cannot know that.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "skywire.yamux"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::bad_version: return "yamux: invalid protocol version";
      case errc::bad_type: return "yamux: invalid message type";
      case errc::window_exceeded: return "yamux: receive window exceeded";
      case errc::duplicate_stream: return "yamux: duplicate stream id";
      case errc::bad_stream_id: return "yamux: invalid stream id";
      case errc::peer_protocol_error: return "yamux: peer reported a protocol error";
      case errc::peer_internal_error: return "yamux: peer reported an internal error";
      case errc::peer_go_away: return "yamux: unexpected go away received";
      case errc::keepalive_timeout: return "yamux: keepalive timeout";
      case errc::open_timeout: return "yamux: stream open timed out";
      case errc::write_timeout: return "yamux: connection write timeout";
      case errc::output_overflow: return "yamux: output queue overflow";
      case errc::session_closed: return "yamux: session shutdown";
      case errc::remote_go_away: return "yamux: remote end is not accepting connections";
      case errc::too_many_streams: return "yamux: too many streams";
      case errc::streams_exhausted: return "yamux: streams exhausted";
      case errc::unknown_stream: return "yamux: unknown stream";
      case errc::stream_closed: return "yamux: stream closed";
      case errc::stream_reset: return "yamux: stream reset";
    }
    return "yamux: unknown error";
  }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& category() noexcept {
  static const category_impl instance;
  return instance;
}

}  // namespace skywire::dmsg::yamux
