#pragma once
// dmsg_dialer: a net::stream_dialer whose "host" is a dmsg public key in hex, so that
// net::http_client can reach dmsg://<pk>:<port> services (http://<pk>:<port>/… URLs with this
// dialer). The client must outlive the dialer's streams' use. Errors: crypto::errc for a host
// that is not a public key, then client::dial's.
#include <memory>

#include "skywire/dmsg/client.hpp"
#include "skywire/net/stream.hpp"

namespace skywire::dmsg {

std::shared_ptr<net::stream_dialer> make_dialer(client& c);

}  // namespace skywire::dmsg
