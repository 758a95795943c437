// The deployment endpoints of spec/skywire.md §8.3 (services-config.json at v1.3.20).
#include "skywire/visor/config.hpp"

#include <initializer_list>

namespace skywire::visor {

namespace {

std::vector<crypto::public_key> pks(std::initializer_list<std::string_view> hex) {
  std::vector<crypto::public_key> out;
  for (auto h : hex) out.push_back(*crypto::public_key::from_text(h));
  return out;
}

}  // namespace

services prod_services() {
  services s;
  s.dmsg_discovery = "http://dmsgd.skywire.skycoin.com";
  s.transport_discovery = "http://tpd.skywire.skycoin.com";
  s.address_resolver = "http://ar.skywire.skycoin.com";
  s.route_finder = "http://rf.skywire.skycoin.com";
  s.route_setup_nodes = pks({"0324579f003e6b4048bae2def4365e634d8e0e3054a20fc7af49daf2a179658557",
                             "024fbd3997d4260f731b01abcfce60b8967a6d4c6a11d1008812810ea1437ce438",
                             "03b87c282f6e9f70d97aeea90b07cf09864a235ef718725632d067873431dd1015"});
  s.transport_setup = pks({"03530b786c670fc7f5ab9021478c7ec9cd06a03f3ea1416c50c4a8889ef5bba80e",
                           "03271c0de223b80400d9bd4b7722b536a245eb6c9c3176781ee41e7bac8f9bad21",
                           "03a792e6d960c88c6fb2184ee4f16714c58b55f0746840617a19f7dd6e021699d9",
                           "0313efedc579f57f05d4f5bc3fbf0261f31e51cdcfde7e568169acf92c78868926",
                           "025c7bbf23e3441a36d7e8a1e9d717921e2a49a2ce035680fec4808a048d244c8a",
                           "030eb6967f6e23e81db0d214f925fc5ce3371e1b059fb8379ae3eb1edfc95e0b46",
                           "02e582c0a5e5563aad47f561b272e4c3a9f7ac716258b58e58eb50afd83c286a7f",
                           "02ddc6c749d6ed067bb68df19c9bcb1a58b7587464043b1707398ffa26a9746b26",
                           "03aa0b1c4e23616872058c11c6efba777c130a85eaf909945d697399a1eb08426d",
                           "03adb2c924987d8deef04d02bd95236c5ae172fe5dfe7273e0461d96bf4bc220be"});
  s.uptime_tracker = "http://ut.skywire.skycoin.com";
  s.service_discovery = "http://sd.skycoin.com";
  s.stun_servers = {"192.53.117.238:3478", "170.187.228.44:3478",  "192.53.117.237:3478", "192.53.117.146:3478",
                    "192.53.117.60:3478",  "192.53.117.124:3478", "170.187.228.178:3478", "170.187.225.246:3478"};
  s.dns_server = "1.1.1.1";
  s.survey_whitelist = pks({"02b5ee5333aa6b7f5fc623b7d5f35f505cb7f974e98a70751cf41962f84c8c4637",
                            "03714c8bdaee0fb48f47babbc47c33e1880752b6620317c9d56b30f3b0ff58a9c3",
                            "020d35bbaf0a5abc8ec0ba33cde219fde734c63e7202098e1f9a6cf9daaeee55a9",
                            "027f7dec979482f418f01dfabddbd750ad036c579a16422125dd9a313eaa59c8e1",
                            "031d4cf1b7ab4c789b56c769f2888e4a61c778dfa5fe7e5cd0217fc41660b2eb65",
                            "0327e2cf1d2e516ecbfdbd616a87489cc92a73af97335d5c8c29eafb5d8882264a",
                            "03abbb3eff140cf3dce468b3fa5a28c80fa02c6703d7b952be6faaf2050990ebf4"});
  return s;
}

services test_services() {
  services s = prod_services();
  s.dmsg_discovery = "http://dmsgd.skywire.dev";
  s.transport_discovery = "http://tpd.skywire.dev";
  s.address_resolver = "http://ar.skywire.dev";
  s.route_finder = "http://rf.skywire.dev";
  s.route_setup_nodes = pks({"026c2a3e92d6253c5abd71a42628db6fca9dd9aa037ab6f4e3a31108558dfd87cf"});
  s.uptime_tracker = "http://ut.skywire.dev";
  s.service_discovery = "http://sd.skywire.dev";
  return s;
}

std::vector<app_config> default_apps() {
  return {
      {"vpn-client", "skywire", {"app", "vpn-client", "--dns", "1.1.1.1"}, false, 43},
      {"skychat", "skywire", {"app", "skychat", "--addr", ":8001"}, true, 1},
      {"skysocks", "skywire", {"app", "skysocks"}, true, 3},
      {"skysocks-client", "skywire", {"app", "skysocks-client", "--addr", ":1080"}, false, 13},
      {"vpn-server", "skywire", {"app", "vpn-server"}, false, 44},
  };
}

config make_base_config(const services& svc, std::string version) {
  config c;
  c.version = std::move(version);
  c.dmsg.discovery = svc.dmsg_discovery;
  c.transport.discovery = svc.transport_discovery;
  c.transport.address_resolver = svc.address_resolver;
  c.transport.transport_setup = svc.transport_setup;
  c.routing.route_setup_nodes = svc.route_setup_nodes;
  c.routing.route_finder = svc.route_finder;
  c.uptime_tracker = svc.uptime_tracker;
  c.launcher.service_discovery = svc.service_discovery;
  c.launcher.apps = default_apps();
  c.survey_whitelist = svc.survey_whitelist;
  c.stun_servers = svc.stun_servers;
  return c;
}

}  // namespace skywire::visor
