#pragma once
// Test support: network namespaces and veth pairs that a test creates itself (DESIGN.md §5:
// tests run over real sockets in namespaces they own, and clean up what they create).
//
//   test::netns srv("srv"), cli("cli");            // unique names (pid appended), deleted on exit
//   test::veth link(srv, "10.77.0.1/24", cli, "10.77.0.2/24");
//   std::thread t([&] { srv.enter_this_thread(); ... sockets made here live in srv ... });
//   cli.exec("ip link set " + link.b_if + " down");  // cut the wire
//
// A thread moved into a namespace with enter_this_thread() creates its sockets there, so one
// test process can run a server in one namespace and a client in another, each on its own
// io_context thread. Needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN) and iproute2; netns_available()
// says whether both are there. Failures to set up throw std::runtime_error (a test bug or a
// machine that cannot run the test), never leave a half-built namespace behind.
#include <string>

namespace skywire::test {

// Runs `cmd` with /bin/sh; returns its exit status (-1 if it could not run).
int sh(const std::string& cmd);

// Root and iproute2 present: the netns tests can run.
bool netns_available();

// netns_available() and iptables with the nat table usable: masquerading NAT namespaces
// (nat_lab.hpp) can be built.
bool iptables_available();

class netns {
 public:
  // Creates namespace "sw-<base>-<pid>" with its loopback up.
  explicit netns(const std::string& base);
  ~netns();
  netns(const netns&) = delete;
  netns& operator=(const netns&) = delete;

  const std::string& name() const noexcept { return name_; }
  // Runs a shell command inside the namespace; returns its exit status.
  int exec(const std::string& cmd) const;
  // Moves the calling thread into the namespace (setns); throws if it cannot.
  void enter_this_thread() const;

 private:
  std::string name_;
};

// A veth pair between two namespaces, addressed and up; removed with the namespaces.
struct veth {
  veth(const netns& a, const std::string& a_cidr, const netns& b, const std::string& b_cidr);
  std::string a_if, b_if;
};

}  // namespace skywire::test
