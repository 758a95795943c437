#include "skywire/transport/detail/udp_batch.hpp"

#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include <boost/asio/error.hpp>

namespace skywire::transport::detail {

namespace {

// Larger than any UDP payload (65507) and than any GRO run the kernel builds (64 KiB).
constexpr std::size_t slot_size = 65536;
// Per sendmmsg call: messages (UIO_MAXIOV allows 1024) and datagrams (iovecs) in them; a flush
// rarely has more than a window.
constexpr std::size_t max_messages = 16;
constexpr std::size_t max_iovecs = 256;
// One GSO buffer: at most 64 segments (the kernel's UDP_MAX_SEGMENTS was 64 before 6.x) and a
// UDP payload's 65507 bytes.
constexpr std::size_t max_gso_segments = 64;
constexpr std::size_t max_gso_bytes = 65507;

error_code last_error() noexcept { return error_code(errno, boost::system::system_category()); }

}  // namespace

bool enable_gro(int fd) noexcept {
  const int on = 1;
  return ::setsockopt(fd, SOL_UDP, UDP_GRO, &on, sizeof(on)) == 0;
}

struct datagram_receiver::native {
  explicit native(std::size_t n) : msgs(n), iovs(n), addrs(n), controls(n) {}
  struct control {
    alignas(cmsghdr) unsigned char bytes[CMSG_SPACE(sizeof(int))];
  };
  std::vector<mmsghdr> msgs;
  std::vector<iovec> iovs;
  std::vector<sockaddr_storage> addrs;
  std::vector<control> controls;
};

datagram_receiver::datagram_receiver(std::size_t slots) : slots_count_(std::max<std::size_t>(slots, 1)) {}

datagram_receiver::~datagram_receiver() = default;

result<std::size_t> datagram_receiver::receive(int fd) {
  got_.clear();
  if (!slots_) {
    slots_.reset(new std::uint8_t[slots_count_ * slot_size]);  // uninitialised on purpose (see header)
    native_ = std::make_unique<native>(slots_count_);
    sources_.resize(slots_count_);
  }
  auto& n = *native_;
  for (std::size_t i = 0; i < slots_count_; ++i) {
    n.iovs[i] = {slots_.get() + i * slot_size, slot_size};
    std::memset(&n.msgs[i], 0, sizeof(mmsghdr));
    n.msgs[i].msg_hdr.msg_name = &n.addrs[i];
    n.msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    n.msgs[i].msg_hdr.msg_iov = &n.iovs[i];
    n.msgs[i].msg_hdr.msg_iovlen = 1;
    n.msgs[i].msg_hdr.msg_control = n.controls[i].bytes;
    n.msgs[i].msg_hdr.msg_controllen = sizeof(n.controls[i].bytes);
  }
  int count;
  do {
    count = ::recvmmsg(fd, n.msgs.data(), static_cast<unsigned>(slots_count_), MSG_DONTWAIT, nullptr);
  } while (count < 0 && errno == EINTR);
  if (count < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return std::size_t{0};
    return last_error();
  }
  for (std::size_t i = 0; i < static_cast<std::size_t>(count); ++i) {
    auto& ep = sources_[i];
    const auto& h = n.msgs[i].msg_hdr;
    const auto len = std::min<std::size_t>(h.msg_namelen, ep.capacity());
    std::memcpy(ep.data(), &n.addrs[i], len);
    ep.resize(len);
    // GRO: the run's datagram size; absent, the slot holds one datagram.
    std::size_t seg = 0;
    for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(const_cast<msghdr*>(&h), c)) {
      if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
        int v = 0;
        std::memcpy(&v, CMSG_DATA(c), sizeof(v));
        if (v > 0) seg = static_cast<std::size_t>(v);
      }
    }
    const std::size_t total = std::min<std::size_t>(n.msgs[i].msg_len, slot_size);
    const std::uint8_t* base = slots_.get() + i * slot_size;
    // Truncated (not expected: a slot exceeds any UDP payload): hand it on whole, which the
    // caller drops as oversized, rather than guess where its datagrams were cut.
    if (seg == 0 || seg >= total || (n.msgs[i].msg_hdr.msg_flags & MSG_TRUNC) != 0) {
      got_.push_back({byte_view(base, total), i});
      continue;
    }
    for (std::size_t off = 0; off < total; off += seg)
      got_.push_back({byte_view(base + off, std::min(seg, total - off)), i});
  }
  return got_.size();
}

std::size_t datagram_sender::send(int fd, const boost::asio::ip::udp::endpoint& to, std::span<const bytes> datagrams,
                                  error_code& ec) noexcept {
  ec.clear();
  mmsghdr msgs[max_messages];
  iovec iovs[max_iovecs];
  std::size_t counts[max_messages];  // datagrams in each message
  alignas(cmsghdr) unsigned char controls[max_messages][CMSG_SPACE(sizeof(std::uint16_t))];
  std::size_t sent = 0;
  while (sent < datagrams.size()) {
    std::size_t m = 0, iov = 0, next = sent;
    while (next < datagrams.size() && m < max_messages && iov < max_iovecs) {
      // A run: datagrams of the first one's size, the last possibly shorter, within GSO's bounds.
      const std::size_t seg = datagrams[next].size();
      std::size_t count = 0, total = 0;
      while (next + count < datagrams.size() && iov + count < max_iovecs && count < max_gso_segments &&
             (count == 0 || gso_)) {
        const std::size_t len = datagrams[next + count].size();
        if (count > 0 && (len > seg || total + len > max_gso_bytes)) break;
        iovs[iov + count] = {const_cast<std::uint8_t*>(datagrams[next + count].data()), len};
        total += len;
        ++count;
        if (len < seg) break;  // a shorter datagram ends the run
      }
      auto& h = msgs[m];
      std::memset(&h, 0, sizeof(h));
      h.msg_hdr.msg_name = const_cast<sockaddr*>(to.data());
      h.msg_hdr.msg_namelen = static_cast<socklen_t>(to.size());
      h.msg_hdr.msg_iov = &iovs[iov];
      h.msg_hdr.msg_iovlen = count;
      if (count > 1) {
        h.msg_hdr.msg_control = controls[m];
        h.msg_hdr.msg_controllen = sizeof(controls[m]);
        cmsghdr* c = CMSG_FIRSTHDR(&h.msg_hdr);
        c->cmsg_level = SOL_UDP;
        c->cmsg_type = UDP_SEGMENT;
        c->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
        const auto size = static_cast<std::uint16_t>(seg);
        std::memcpy(CMSG_DATA(c), &size, sizeof(size));
      }
      counts[m] = count;
      iov += count;
      next += count;
      ++m;
    }
    int n;
    do {
      n = ::sendmmsg(fd, msgs, static_cast<unsigned>(m), MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      const int err = errno;
      if (gso_ && counts[0] > 1 && (err == EIO || err == EINVAL || err == ENOPROTOOPT || err == EOPNOTSUPP)) {
        gso_ = false;  // this route cannot segment: one datagram per message from now on
        continue;
      }
      ec = error_code(err, boost::system::system_category());
      return sent;
    }
    if (n == 0) {  // not for a non-empty batch; never spin on it
      ec = boost::asio::error::would_block;
      return sent;
    }
    // A short count means the next message would fail (sendmmsg reports that error only on a
    // call that sent nothing): go round once more to learn it.
    for (int i = 0; i < n; ++i) sent += counts[i];
  }
  return sent;
}

}  // namespace skywire::transport::detail
