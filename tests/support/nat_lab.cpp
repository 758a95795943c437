#include "nat_lab.hpp"

#include <stdexcept>

namespace skywire::test {

namespace {

void must(int status, const std::string& what) {
  if (status != 0) throw std::runtime_error("nat_lab: cannot " + what);
}

}  // namespace

nat_lab::nat_lab(const std::string& base) : base_(base), wan_(std::make_unique<netns>(base + "-wan")) {
  must(wan_->exec("ip addr add " + wan_ip() + "/32 dev lo && sysctl -qw net.ipv4.ip_forward=1"), "set up the wan");
}

nat_lab::~nat_lab() {
  // Hosts and routers first, then the wan (each netns destructor deletes its namespace).
  sites_.clear();
  wan_.reset();
}

nat_site& nat_lab::add_public(const std::string& name) {
  return add_site(name, false, mapping::endpoint_independent, false);
}

nat_site& nat_lab::add_natted(const std::string& name, mapping m, bool reject_unsolicited) {
  return add_site(name, true, m, reject_unsolicited);
}

nat_site& nat_lab::add_site(const std::string& name, bool natted, mapping m, bool reject_unsolicited) {
  const int k = static_cast<int>(sites_.size()) + 1;
  if (k > 250) throw std::runtime_error("nat_lab: too many sites");
  const std::string link = "198.18." + std::to_string(k) + ".";
  auto& s = sites_.emplace_back();
  s.host = std::make_unique<netns>(base_ + "-" + name);
  if (!natted) {
    veth up(*wan_, link + "1/24", *s.host, link + "2/24");
    s.wan_if = up.a_if;
    s.host_ip = s.public_ip = link + "2";
    must(s.host->exec("ip route add default via " + link + "1"), "route " + name);
    return s;
  }
  const std::string priv = "198.19." + std::to_string(k) + ".";
  s.router = std::make_unique<netns>(base_ + "-" + name + "-nat");
  veth up(*wan_, link + "1/24", *s.router, link + "2/24");
  veth inside(*s.router, priv + "1/24", *s.host, priv + "2/24");
  s.wan_if = up.a_if;
  s.public_ip = link + "2";
  s.host_ip = priv + "2";
  const std::string masquerade = "iptables -t nat -A POSTROUTING -o " + up.b_if + " -j MASQUERADE" +
                                 (m == mapping::random_port ? " --random" : "");
  // A home router's input filter: what the wan sends to the router itself uncalled for is
  // rejected (TCP: RST, else ICMP port unreachable). Rejected packets leave no conntrack entry;
  // accepted ones would (see the header: that entry makes the NAT remap the next flow).
  const std::string uncalled = "iptables -A INPUT -i " + up.b_if + " -m conntrack --ctstate NEW,INVALID ";
  const std::string filter = uncalled + "-p tcp -j REJECT --reject-with tcp-reset && " + uncalled + "-j REJECT";
  must(s.router->exec("sysctl -qw net.ipv4.ip_forward=1 && ip route add default via " + link + "1 && " + masquerade +
                      (reject_unsolicited ? " && " + filter : std::string())),
       "make " + name + "'s router masquerade");
  must(s.host->exec("ip route add default via " + priv + "1"), "route " + name);
  return s;
}

void nat_lab::cut(const nat_site& s) const { must(wan_->exec("ip link set " + s.wan_if + " down"), "cut " + s.wan_if); }

void nat_lab::restore(const nat_site& s) const {
  must(wan_->exec("ip link set " + s.wan_if + " up"), "restore " + s.wan_if);
}

}  // namespace skywire::test
