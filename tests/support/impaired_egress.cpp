#include "impaired_egress.hpp"

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <poll.h>
#include <sys/socket.h>

#include <libnetfilter_queue/libnetfilter_queue.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <random>
#include <stdexcept>

namespace skywire::test {
namespace {

using steady = std::chrono::steady_clock;

// The thread's view of one queue: what the kernel handed over and when each may leave.
struct queue_state {
  struct held_packet {
    std::uint32_t id;
    steady::time_point due;
  };
  queue_state(double l, std::chrono::milliseconds d, std::atomic<std::uint64_t>& counter)
      : loss(l), delay(d), dropped(counter) {}

  double loss;
  std::chrono::milliseconds delay;
  std::atomic<std::uint64_t>& dropped;
  std::minstd_rand rng{std::random_device{}()};
  std::deque<held_packet> held;  // due times only grow: the front is always the next to go
};

int on_packet(nfq_q_handle* qh, nfgenmsg*, nfq_data* packet, void* data) {
  auto& st = *static_cast<queue_state*>(data);
  const nfqnl_msg_packet_hdr* hdr = nfq_get_msg_packet_hdr(packet);
  if (hdr == nullptr) return 0;
  const std::uint32_t id = ntohl(hdr->packet_id);
  if (std::uniform_real_distribution<double>(0, 1)(st.rng) < st.loss) {
    nfq_set_verdict(qh, id, NF_DROP, 0, nullptr);
    ++st.dropped;
    return 0;
  }
  st.held.push_back({id, steady::now() + st.delay});
  return 0;
}

}  // namespace

bool nfqueue_available() {
  if (!netns_available() || sh("command -v iptables >/dev/null 2>&1") != 0) return false;
  try {
    netns probe("nfq-probe");
    impaired_egress lo(probe, "lo", 0, std::chrono::milliseconds(0));
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

impaired_egress::impaired_egress(const netns& ns, std::string iface, double loss, std::chrono::milliseconds delay)
    : ns_(ns), loss_(loss), delay_(delay) {
  static std::atomic<std::uint16_t> next_queue{0};
  queue_ = static_cast<std::uint16_t>(1000 + next_queue++ % 60000);
  std::promise<void> bound;
  auto ready = bound.get_future();
  thread_ = std::thread([this, &bound] { run(bound); });
  try {
    ready.get();
  } catch (...) {
    thread_.join();
    throw;
  }
  // Only now that a reader is bound: packets queued to an unbound queue are dropped.
  rule_ = "OUTPUT -o " + iface + " -j NFQUEUE --queue-num " + std::to_string(queue_);
  if (ns_.exec("iptables -A " + rule_ + " 2>/dev/null") != 0) {
    stop_ = true;
    thread_.join();
    throw std::runtime_error("iptables has no NFQUEUE target in " + ns_.name());
  }
}

impaired_egress::~impaired_egress() {
  ns_.exec("iptables -D " + rule_ + " 2>/dev/null");
  stop_ = true;
  thread_.join();
}

void impaired_egress::run(std::promise<void>& bound) {
  queue_state st(loss_, delay_, dropped_);
  nfq_handle* h = nullptr;
  nfq_q_handle* qh = nullptr;
  try {
    ns_.enter_this_thread();  // the netlink socket, and so the queue, belong to the namespace
    h = nfq_open();
    if (h == nullptr) throw std::runtime_error("nfq_open failed (no nfnetlink_queue?)");
    qh = nfq_create_queue(h, queue_, &on_packet, &st);
    if (qh == nullptr) throw std::runtime_error("cannot bind NFQUEUE " + std::to_string(queue_));
    // The verdict needs only the packet id: ask for metadata, not the payload.
    if (nfq_set_mode(qh, NFQNL_COPY_META, 0) < 0) throw std::runtime_error("nfq_set_mode failed");
    // A bulk transfer under 100 ms of delay keeps thousands of packets in flight.
    nfq_set_queue_maxlen(qh, 16384);
    nfnl_rcvbufsiz(nfq_nfnlh(h), 16 << 20);
  } catch (...) {
    if (qh != nullptr) nfq_destroy_queue(qh);
    if (h != nullptr) nfq_close(h);
    bound.set_exception(std::current_exception());
    return;
  }
  bound.set_value();

  const int fd = nfq_fd(h);
  alignas(8) char buf[65536];
  while (!stop_) {
    // Wake for the next release, and at least every 20 ms to notice stop_.
    auto wait = std::chrono::milliseconds(20);
    if (!st.held.empty()) {
      wait = std::clamp(std::chrono::ceil<std::chrono::milliseconds>(st.held.front().due - steady::now()),
                        std::chrono::milliseconds(0), wait);
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) > 0) {
      for (;;) {
        const auto n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n >= 0) {
          nfq_handle_packet(h, buf, static_cast<int>(n));
        } else if (errno != ENOBUFS) {  // ENOBUFS: the kernel dropped what did not fit: loss
          break;
        }
      }
    }
    const auto now = steady::now();
    while (!st.held.empty() && st.held.front().due <= now) {
      nfq_set_verdict(qh, st.held.front().id, NF_ACCEPT, 0, nullptr);
      st.held.pop_front();
      ++passed_;
    }
  }
  nfq_destroy_queue(qh);
  nfq_close(h);
}

}  // namespace skywire::test
