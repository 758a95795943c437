#pragma once
// Test support: `tc netem loss P% delay D` on one interface's egress, for kernels built without
// sch_netem. An iptables rule hands every packet leaving the interface to an NFQUEUE; a thread
// inside the namespace drops each with probability `loss` and lets the others go `delay` after
// they were queued, in order — what netem does with the same two parameters (no jitter, no
// reordering, no duplication).
//
//   test::impaired_egress a_out(a_ns, link.a_if, 0.05, 100ms);  // from here on: lossy and slow
//   test::impaired_egress b_out(b_ns, link.b_if, 0.05, 100ms);  // (netem too is per direction)
//
// Each instance takes its own queue number. Packets the thread has not released when it is
// destroyed are dropped by the kernel with the queue. Needs root, iptables with the NFQUEUE
// target and the kernel's nfnetlink_queue: nfqueue_available() says whether all are there.
// Setup failures throw std::runtime_error.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <string>
#include <thread>

#include "netns.hpp"

namespace skywire::test {

bool nfqueue_available();

class impaired_egress {
 public:
  impaired_egress(const netns& ns, std::string iface, double loss, std::chrono::milliseconds delay);
  ~impaired_egress();
  impaired_egress(const impaired_egress&) = delete;
  impaired_egress& operator=(const impaired_egress&) = delete;

  // Packets let through and dropped so far (for the test's log: proof the impairment acted).
  std::uint64_t passed() const noexcept { return passed_; }
  std::uint64_t dropped() const noexcept { return dropped_; }

 private:
  void run(std::promise<void>& bound);

  const netns& ns_;
  std::string rule_;
  std::uint16_t queue_;
  double loss_;
  std::chrono::milliseconds delay_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> passed_{0}, dropped_{0};
  std::thread thread_;
};

}  // namespace skywire::test
