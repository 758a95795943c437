#include "netns.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>

namespace skywire::test {

int sh(const std::string& cmd) {
  const int status = std::system(cmd.c_str());
  if (status == -1) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool netns_available() {
  return ::geteuid() == 0 && sh("ip netns list >/dev/null 2>&1") == 0;
}

bool iptables_available() {
  if (!netns_available() || sh("command -v iptables >/dev/null 2>&1") != 0) return false;
  // The nat table needs kernel support (nf_nat): ask for it in a throwaway namespace.
  try {
    netns probe("ipt-probe");
    return probe.exec("iptables -t nat -L POSTROUTING -n >/dev/null 2>&1") == 0;
  } catch (const std::exception&) {
    return false;
  }
}

netns::netns(const std::string& base) : name_("sw-" + base + "-" + std::to_string(::getpid())) {
  sh("ip netns del " + name_ + " 2>/dev/null");  // a leftover of a crashed run
  if (sh("ip netns add " + name_) != 0) throw std::runtime_error("cannot create netns " + name_);
  if (exec("ip link set lo up") != 0) {
    sh("ip netns del " + name_);
    throw std::runtime_error("cannot bring up lo in " + name_);
  }
}

netns::~netns() { sh("ip netns del " + name_ + " 2>/dev/null"); }

int netns::exec(const std::string& cmd) const { return sh("ip netns exec " + name_ + " sh -c '" + cmd + "'"); }

void netns::enter_this_thread() const {
  const std::string path = "/var/run/netns/" + name_;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open " + path);
  const int r = ::setns(fd, CLONE_NEWNET);
  ::close(fd);
  if (r != 0) throw std::runtime_error("setns into " + name_ + " failed");
}

veth::veth(const netns& a, const std::string& a_cidr, const netns& b, const std::string& b_cidr) {
  // Interface names are limited to 15 characters; the pid keeps parallel test runs apart.
  static std::atomic<int> counter{0};
  const std::string id = std::to_string(::getpid() % 100000) + "x" + std::to_string(counter++);
  a_if = "va" + id;
  b_if = "vb" + id;
  if (sh("ip link add " + a_if + " netns " + a.name() + " type veth peer name " + b_if + " netns " + b.name()) != 0)
    throw std::runtime_error("cannot create veth " + a_if);
  if (a.exec("ip addr add " + a_cidr + " dev " + a_if + " && ip link set " + a_if + " up") != 0 ||
      b.exec("ip addr add " + b_cidr + " dev " + b_if + " && ip link set " + b_if + " up") != 0)
    throw std::runtime_error("cannot address veth " + a_if);
}

}  // namespace skywire::test
