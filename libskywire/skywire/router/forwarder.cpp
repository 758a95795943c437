#include "skywire/router/forwarder.hpp"

#include <set>
#include <utility>

namespace skywire::router {

namespace asio = boost::asio;

struct forwarder::state {
  struct queue {
    std::deque<skywire::bytes> packets;
    std::size_t size = 0;                       // bytes queued
    std::set<wire::transport::uuid> paused;     // incoming transports held back for this queue
  };

  // Lets every transport this queue paused read again.
  void release(queue& q) {
    if (tm) {
      for (const auto& id : q.paused) tm->resume_reading(id);
    }
    q.paused.clear();
  }
  transport::manager* tm;  // null after stop()
  net::task_group* tasks;
  std::size_t max_queue_bytes;
  std::map<wire::transport::uuid, queue> queues;  // non-empty queues only, each with its drain task
  std::size_t total_bytes = 0;
  std::uint64_t dropped_write_error = 0;
};

forwarder::forwarder(transport::manager& tm, net::task_group& tasks, std::size_t max_queue_bytes)
    : st_(std::make_shared<state>(state{&tm, &tasks, max_queue_bytes, {}, 0, 0})) {}

forwarder::~forwarder() { stop(); }

forwarder::outcome forwarder::push(const wire::transport::uuid& next, bytes packet, const wire::transport::uuid& from) {
  auto& st = *st_;
  if (!st.tm || !st.tm->find(next)) return outcome::no_transport;
  auto it = st.queues.find(next);
  const bool idle = it == st.queues.end();
  const std::size_t queued = idle ? 0 : it->second.size;
  // One packet always fits an empty queue, so a bound below the packet size cannot wedge it.
  if (queued > 0 && queued + packet.size() > st.max_queue_bytes) return outcome::queue_full;
  const std::size_t n = packet.size();
  if (idle) {
    // Queue first: a spawned task may start running inside spawn() (Asio dispatches inline
    // when called from this executor), and it must find its packet.
    it = st.queues.emplace(next, state::queue{}).first;
    it->second.packets.push_back(std::move(packet));
    it->second.size = n;
    st.total_bytes += n;
    auto spawned = st.tasks->spawn(drain(st_, next));
    if (!spawned) {  // the router's task bound: treat as congestion
      auto q = st.queues.find(next);
      if (q != st.queues.end()) {
        st.total_bytes -= q->second.size;
        st.queues.erase(q);
      }
      return outcome::queue_full;
    }
    return outcome::queued;
  }
  it->second.size += n;
  st.total_bytes += n;
  it->second.packets.push_back(std::move(packet));
  // Above the high-water mark the transport this came from stops reading until the queue has
  // drained to the low-water mark: the sender is slowed down instead of losing packets.
  if (it->second.size >= st.max_queue_bytes / 2 && it->second.paused.insert(from).second) st.tm->pause_reading(from);
  return outcome::queued;
}

asio::awaitable<void> forwarder::drain(std::shared_ptr<state> st, wire::transport::uuid id) {
  for (;;) {
    auto it = st->queues.find(id);
    if (it == st->queues.end() || !st->tm) co_return;
    if (it->second.packets.empty()) {
      st->release(it->second);
      st->queues.erase(it);
      co_return;
    }
    bytes packet = std::move(it->second.packets.front());
    it->second.packets.pop_front();
    it->second.size -= packet.size();
    st->total_bytes -= packet.size();
    if (it->second.size <= st->max_queue_bytes / 4) st->release(it->second);
    auto write = st->tm->write_packet(id, packet);
    auto w = co_await std::move(write);
    if (!st->tm) co_return;  // stopped while we waited
    if (!w) {
      auto q = st->queues.find(id);
      if (q != st->queues.end()) {
        st->release(q->second);
        st->dropped_write_error += 1 + q->second.packets.size();
        st->total_bytes -= q->second.size;
        st->queues.erase(q);
      }
      co_return;
    }
  }
}

void forwarder::stop() {
  if (!st_) return;
  for (auto& [id, q] : st_->queues) st_->release(q);
  st_->tm = nullptr;
  st_->queues.clear();
  st_->total_bytes = 0;
}

std::uint64_t forwarder::dropped_write_error() const noexcept { return st_->dropped_write_error; }

std::size_t forwarder::queued_bytes() const noexcept { return st_->total_bytes; }

}  // namespace skywire::router
