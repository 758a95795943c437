// End to end with the real binary: a local deployment (dmsg discovery, one dmsg server, an
// address resolver in local mode, a transport discovery) and two `skywire visor` processes
// driven by `skywire cli visor info` and `skywire cli tp …` through their local APIs. A
// transport of every type (stcp, stcpr, sudph, dmsg) is made from A to B; both visors list it,
// the transport discovery has it, removing it on one side removes it on the other and in the
// discovery, and both visors stop gracefully. Routes: with a route finder and a setup node
// added, three visors in a line A–B–C find the 2-hop path, ping over it, and no rule is left
// on the middle hop afterwards; a ping without --min-hops makes the automatic direct transport;
// rules added by hand on the middle hop. Also: the visor's refusals (a non-loopback API address,
// request bodies that are not JSON objects) and its config generation when it has none.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <set>
#include <string>

#include "binary_test.hpp"

namespace {

namespace json = boost::json;
using namespace skywire::test;

class visor_cli : public binary_test {
 protected:
  struct visor_proc {
    std::string pk;
    std::string rpc;  // 127.0.0.1:port of its local API
    std::uint16_t stcp_port = 0;
    pid_t pid = -1;
  };

  // dmsg discovery, one dmsg server, AR (--local), TPD; with `routing` also a route finder and a
  // setup node, which the visors trust; writes services.json.
  void start_deployment(bool routing = false) {
    const auto disc_port = free_port();
    disc_ = "http://127.0.0.1:" + std::to_string(disc_port);
    background("disc", {"dmsg", "disc", "-t", "-a", "127.0.0.1:" + std::to_string(disc_port)});
    wait_port(disc_port);
    const auto srv_port = free_port(), srv_health = free_port();
    const std::string srv = "127.0.0.1:" + std::to_string(srv_port);
    ASSERT_EQ(run({"dmsg", "server", "config", "gen", "-o", (dir_ / "server.json").string(), "--disc", disc_,
                   "--public-address", srv, "--local-address", srv, "--health-address",
                   "127.0.0.1:" + std::to_string(srv_health)})
                  .exit_code,
              0);
    background("server", {"dmsg", "server", "start", (dir_ / "server.json").string()});
    wait_port(srv_health);
    const auto ar_port = free_port(), tpd_port = free_port();
    background("ar", {"svc", "ar", "-a", "127.0.0.1:" + std::to_string(ar_port), "--local"});
    background("tpd", {"svc", "tpd", "-a", "127.0.0.1:" + std::to_string(tpd_port)});
    wait_port(ar_port);
    wait_port(tpd_port);
    tpd_ = "http://127.0.0.1:" + std::to_string(tpd_port);
    std::string rf, setup_nodes;
    if (routing) {
      const auto rf_port = free_port();
      rf = "http://127.0.0.1:" + std::to_string(rf_port);
      background("rf", {"svc", "rf", "-a", "127.0.0.1:" + std::to_string(rf_port), "--tpd", tpd_});
      wait_port(rf_port);
      const auto sn_cfg = (dir_ / "sn.json").string();
      ASSERT_EQ(run({"svc", "sn", "--gen-config", sn_cfg, "--dmsg-disc", disc_}).exit_code, 0);
      setup_nodes = "\"" + std::string(json::parse(slurp(sn_cfg)).at("public_key").as_string()) + "\"";
      background("sn", {"svc", "sn", "-c", sn_cfg});
    }
    std::ofstream(dir_ / "services.json")
        << R"({"prod":{"dmsg_discovery":")" << disc_ << R"(","transport_discovery":")" << tpd_
        << R"(","address_resolver":"http://127.0.0.1:)" << ar_port << R"(","route_finder":")" << rf
        << R"(","route_setup_nodes":[)" << setup_nodes
        << R"(],"transport_setup":[],"survey_whitelist":[],"stun_servers":[]}})";
  }

  // A config for visor `name` (its own API port, stcp port and local path), optionally with an
  // stcp peer.
  visor_proc make_visor(const std::string& name, const std::string& stcp_peer = "") {
    visor_proc v;
    v.stcp_port = free_port();
    const auto api_port = free_port();
    v.rpc = "127.0.0.1:" + std::to_string(api_port);
    const fs::path cfg = dir_ / (name + ".json");
    std::vector<std::string> gen{"cli", "config", "gen", "--svcconf", (dir_ / "services.json").string(), "-o",
                                 cfg.string(), "-y", "--minsess", "1", "--cli-addr", v.rpc, "--stcp-listen",
                                 "127.0.0.1:" + std::to_string(v.stcp_port)};
    if (!stcp_peer.empty()) {
      gen.push_back("--stcp-peer");
      gen.push_back(stcp_peer);
    }
    const auto r = run(gen);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto c = json::parse(slurp(cfg));
    v.pk = std::string(c.at("pk").as_string());
    c.as_object()["local_path"] = (dir_ / name).string();
    c.at("transport").as_object()["log_store"].as_object()["location"] = (dir_ / name / "transport_logs").string();
    std::ofstream(cfg, std::ios::trunc) << json::serialize(c);
    return v;
  }

  void start_visor(visor_proc& v, const std::string& name) {
    v.pid = background(name, {"visor", "-c", (dir_ / (name + ".json")).string()});
    wait_port(static_cast<std::uint16_t>(std::stoi(v.rpc.substr(v.rpc.find(':') + 1))));
  }

  json::value cli_json(std::vector<std::string> args) {
    args.insert(args.begin(), "cli");
    args.push_back("--json");
    const auto r = run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    error_code ec;
    auto v = json::parse(r.out, ec);
    EXPECT_FALSE(ec) << r.out;
    return v;
  }

  using error_code = boost::system::error_code;
  std::string disc_;
  std::string tpd_;
};

TEST_F(visor_cli, TransportsOfEveryTypeBetweenTwoVisors) {
  start_deployment();
  auto b = make_visor("b");
  auto a = make_visor("a", b.pk + "=127.0.0.1:" + std::to_string(b.stcp_port));
  start_visor(b, "b");
  start_visor(a, "a");

  const auto info = run({"cli", "visor", "info", "--rpc", a.rpc});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find(a.pk), std::string::npos);
  for (const char* type : {"stcp", "stcpr", "sudph", "dmsg"}) EXPECT_NE(info.out.find(type), std::string::npos) << type;

  std::set<std::string> ids;
  for (const char* type : {"stcp", "stcpr", "sudph", "dmsg"}) {
    const auto added = cli_json({"tp", "add", b.pk, "-t", type, "--rpc", a.rpc});
    ASSERT_TRUE(added.is_object()) << type;
    EXPECT_EQ(added.at("type").as_string(), type);
    EXPECT_EQ(added.at("remote_pk").as_string(), b.pk);
    EXPECT_TRUE(added.at("initiator").as_bool());
    ids.insert(std::string(added.at("id").as_string()));
  }
  ASSERT_EQ(ids.size(), 4u);

  // B sees the same four transports, incoming from A.
  auto on_b = cli_json({"tp", "ls", "--rpc", b.rpc});
  ASSERT_TRUE(on_b.is_array());
  std::set<std::string> b_ids;
  for (const auto& t : on_b.as_array()) {
    EXPECT_EQ(t.at("remote_pk").as_string(), a.pk);
    EXPECT_FALSE(t.at("initiator").as_bool());
    b_ids.insert(std::string(t.at("id").as_string()));
  }
  EXPECT_EQ(b_ids, ids);

  // The responder (B) registered each one in the transport discovery.
  auto disc = cli_json({"tp", "disc", "--pk", a.pk, "--rpc", b.rpc});
  ASSERT_TRUE(disc.is_array());
  std::set<std::string> disc_ids;
  for (const auto& e : disc.as_array()) disc_ids.insert(std::string(e.at("t_id").as_string()));
  EXPECT_EQ(disc_ids, ids);

  // The table for people names every type.
  const auto table = run({"cli", "tp", "ls", "--rpc", a.rpc});
  EXPECT_NE(table.out.find("REMOTE"), std::string::npos);
  EXPECT_NE(table.out.find("sudph"), std::string::npos);

  // Removing the stcpr transport on A closes it on B and deletes it from the discovery.
  std::string stcpr_id;
  const auto stcpr_only = cli_json({"tp", "ls", "-t", "stcpr", "--rpc", a.rpc});
  for (const auto& t : stcpr_only.as_array()) stcpr_id = std::string(t.at("id").as_string());
  ASSERT_FALSE(stcpr_id.empty());
  ASSERT_EQ(run({"cli", "tp", "rm", "-i", stcpr_id, "--rpc", a.rpc}).exit_code, 0);
  bool gone_on_b = false;
  for (int i = 0; i < 100 && !gone_on_b; ++i) {
    gone_on_b = cli_json({"tp", "ls", "-t", "stcpr", "--rpc", b.rpc}).as_array().empty();
    if (!gone_on_b) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(gone_on_b) << "B noticed the closed transport";
  const auto lookup = run({"cli", "tp", "disc", "--id", stcpr_id, "--rpc", a.rpc});
  EXPECT_NE(lookup.exit_code, 0) << "deleted from the transport discovery: " << lookup.out;

  // Bad input is refused with a message, not a crash.
  const auto bad = run({"cli", "tp", "add", "nonsense", "--rpc", a.rpc});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("public key"), std::string::npos);
  const auto self = run({"cli", "tp", "add", a.pk, "--rpc", a.rpc});
  EXPECT_NE(self.exit_code, 0);

  EXPECT_EQ(stop(a.pid), 0) << "SIGTERM stops visor A gracefully";
  EXPECT_EQ(stop(b.pid), 0) << "SIGTERM stops visor B gracefully";
  const std::string log = slurp(dir_ / "a.log");
  EXPECT_NE(log.find("visor stopped"), std::string::npos);
}

TEST_F(visor_cli, PingOverATwoHopRouteLeavesNoRuleBehind) {
  start_deployment(/*routing=*/true);
  auto c = make_visor("c");
  auto b = make_visor("b");
  auto a = make_visor("a");
  start_visor(c, "c");
  start_visor(b, "b");
  start_visor(a, "a");
  ASSERT_TRUE(cli_json({"tp", "add", b.pk, "-t", "stcpr", "--rpc", a.rpc}).is_object());
  ASSERT_TRUE(cli_json({"tp", "add", c.pk, "-t", "stcpr", "--rpc", b.rpc}).is_object());

  // The route finder knows the line A–B–C: one path of two hops each way.
  const auto paths = cli_json({"route", "rtfind", c.pk, "--rpc", a.rpc});
  ASSERT_TRUE(paths.is_object()) << json::serialize(paths);
  ASSERT_EQ(paths.as_object().size(), 2u);
  const auto& there = paths.at(a.pk + ":" + c.pk).as_array();
  ASSERT_FALSE(there.empty());
  ASSERT_EQ(there[0].as_array().size(), 2u);
  EXPECT_EQ(there[0].as_array()[0].at("To").as_string(), b.pk);

  // A 2-hop route set up by the setup node; C's sky-ping answers every try.
  const auto ping = cli_json({"visor", "ping", c.pk, "--min-hops", "2", "-t", "3", "--rpc", a.rpc});
  ASSERT_TRUE(ping.is_object()) << json::serialize(ping);
  ASSERT_EQ(ping.at("tries").as_array().size(), 3u);
  for (const auto& t : ping.at("tries").as_array()) EXPECT_GT(t.at("latency_ms").to_number<double>(), 0.0);
  const auto before = cli_json({"tp", "ls", "--rpc", a.rpc});
  for (const auto& t : before.as_array()) {
    EXPECT_NE(t.at("remote_pk").as_string(), c.pk) << "a 2-hop dial makes no direct transport";
  }
  // Without --min-hops the dial first makes a direct transport to C (the route-setup hook: C is
  // bound for stcpr in the address resolver), labelled "automatic", and the route is 1 hop.
  const auto table = run({"cli", "visor", "ping", c.pk, "--rpc", a.rpc});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("min/avg/max"), std::string::npos) << table.out;
  std::string auto_type;
  std::uint64_t auto_sent = 0;
  const auto after = cli_json({"tp", "ls", "--rpc", a.rpc});
  for (const auto& t : after.as_array()) {
    if (t.at("remote_pk").as_string() == c.pk && t.at("label").as_string() == "automatic") {
      auto_type = std::string(t.at("type").as_string());
      auto_sent = t.at("log").at("sent").to_number<std::uint64_t>();
    }
  }
  EXPECT_EQ(auto_type, "stcpr");
  EXPECT_GT(auto_sent, 2048u) << "the ping's 1-hop route went over the automatic transport";

  // The routes closed with the pings: no rule is left on the hop in the middle or at the ends.
  bool clean = false;
  for (int i = 0; i < 50 && !clean; ++i) {
    clean = cli_json({"route", "ls", "--rpc", b.rpc}).as_array().empty() &&
            cli_json({"route", "ls", "--rpc", a.rpc}).as_array().empty();
    if (!clean) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(clean) << "rules left behind";
  EXPECT_TRUE(cli_json({"route", "groups", "--rpc", a.rpc}).as_array().empty());

  // More hops than the network has: the route finder's 404 comes back as a clear error.
  const auto too_far = run({"cli", "visor", "ping", c.pk, "--min-hops", "3", "--rpc", a.rpc});
  EXPECT_EQ(too_far.exit_code, 1);
  EXPECT_FALSE(too_far.err.empty());
  const auto bad = run({"cli", "visor", "ping", "nonsense", "--rpc", a.rpc});
  EXPECT_EQ(bad.exit_code, 2);

  // Rules by hand on B (Go's `visor route add-rule`): route id 0 has B pick one; the rule is
  // listed, shown alone, and removed. Bad fields are named; ids B never handed out are refused.
  std::string b_to_c;
  const auto b_tps = cli_json({"tp", "ls", "--rpc", b.rpc});
  for (const auto& t : b_tps.as_array()) {
    if (t.at("remote_pk").as_string() == c.pk) b_to_c = std::string(t.at("id").as_string());
  }
  ASSERT_FALSE(b_to_c.empty());
  const auto fwd = cli_json({"route", "add-rule", "--keep-alive", "1m", "intfwd", "0", "7", b_to_c, "--rpc", b.rpc});
  ASSERT_TRUE(fwd.is_object()) << json::serialize(fwd);
  const auto key = fwd.at("key_route_id").to_number<std::uint64_t>();
  EXPECT_GT(key, 0u);
  EXPECT_EQ(fwd.at("keep_alive").to_number<std::int64_t>(), 60'000'000'000);
  EXPECT_EQ(fwd.at("intermediary_forward_fields").at("next_tid").as_string(), b_to_c);
  const auto app = cli_json({"route", "add-rule", "app", "0", a.pk, "49153", c.pk, "44", "--rpc", b.rpc});
  ASSERT_TRUE(app.is_object()) << json::serialize(app);
  EXPECT_EQ(app.at("app_fields").at("route_descriptor").at("dst_pk").as_string(), c.pk);
  EXPECT_EQ(cli_json({"route", "ls", "--rpc", b.rpc}).as_array().size(), 2u);
  const auto one = run({"cli", "route", "rule", std::to_string(key), "--rpc", b.rpc});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.out.find(b_to_c), std::string::npos) << one.out;
  const auto typo = run({"cli", "route", "add-rule", "app", "0", "nonsense", "1", c.pk, "2", "--rpc", b.rpc});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("local-pk"), std::string::npos) << typo.err;
  const auto forged = run({"cli", "route", "add-rule", "intfwd", "4000000", "7", b_to_c, "--rpc", b.rpc});
  EXPECT_EQ(forged.exit_code, 1);
  EXPECT_NE(forged.err.find("not a route id reserved"), std::string::npos) << forged.err;
  ASSERT_EQ(run({"cli", "route", "rm", "-a", "--rpc", b.rpc}).exit_code, 0);
  EXPECT_TRUE(cli_json({"route", "ls", "--rpc", b.rpc}).as_array().empty());

  EXPECT_EQ(stop(a.pid), 0);
  EXPECT_EQ(stop(b.pid), 0);
  EXPECT_EQ(stop(c.pid), 0);
}

TEST_F(visor_cli, RefusesAnApiAddressOffLoopback) {
  start_deployment();
  make_visor("a");
  auto c = json::parse(slurp(dir_ / "a.json"));
  c.as_object()["cli_addr"] = "0.0.0.0:3435";
  std::ofstream(dir_ / "a.json", std::ios::trunc) << json::serialize(c);
  const auto r = run({"visor", "-c", (dir_ / "a.json").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("loopback"), std::string::npos) << r.err;
}

// The reply to one HTTP/1.1 POST with `body`, the whole of it as text (the API closes after it).
std::string raw_post(const std::string& hostport, const std::string& path, const std::string& body) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(std::stoi(hostport.substr(hostport.find(':') + 1))));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return "connect failed";
  }
  const std::string req = "POST " + path + " HTTP/1.1\r\nHost: " + hostport + "\r\nContent-Type: application/json\r\n" +
                          "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    ::close(fd);
    return "send failed";
  }
  std::string reply;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) reply.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return reply;
}

TEST_F(visor_cli, ApiRefusesBodiesThatAreNotJsonObjects) {
  start_deployment();
  auto a = make_visor("a");
  start_visor(a, "a");
  for (const char* path : {"/api/v1/transports", "/api/v1/routes", "/api/v1/routes/find", "/api/v1/ping"}) {
    for (const char* body : {"", "[1]", "{bad", "\"x\"", "7"}) {
      const auto reply = raw_post(a.rpc, path, body);
      EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0U) << path << " " << body << ": " << reply;
      EXPECT_NE(reply.find("body: expected a JSON object"), std::string::npos) << path << " " << body << ": " << reply;
    }
  }
  // The visor is still serving.
  const auto info = run({"cli", "visor", "info", "--rpc", a.rpc});
  EXPECT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find(a.pk), std::string::npos);
  EXPECT_EQ(stop(a.pid), 0);
}

TEST_F(visor_cli, GeneratesAConfigWhenThereIsNone) {
  start_deployment();
  const fs::path cfg = dir_ / "new.json";
  // The generated config has the local deployment's endpoints; the visor is stopped as soon as
  // the file is there (its default ports may be taken on a shared machine, which is not tested here).
  const pid_t p = background("new", {"visor", "-c", cfg.string(), "--svcconf", (dir_ / "services.json").string()});
  for (int i = 0; i < 100 && !fs::exists(cfg); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(fs::exists(cfg));
  EXPECT_EQ(fs::status(cfg).permissions() & fs::perms::group_read, fs::perms::none) << "the config holds the secret key";
  const auto c = json::parse(slurp(cfg));
  EXPECT_EQ(c.at("transport").at("discovery").as_string(), tpd_);
  EXPECT_EQ(c.at("dmsg").at("discovery").as_string(), disc_);
  stop(p);
}

TEST_F(visor_cli, HelpNamesTheCommands) {
  const auto visor = run({"visor", "--help"});
  EXPECT_EQ(visor.exit_code, 0);
  EXPECT_NE(visor.out.find("--config"), std::string::npos);
  const auto tp = run({"cli", "tp", "--help"});
  EXPECT_EQ(tp.exit_code, 0);
  for (const char* sub : {"ls", "add", "rm", "type", "id", "disc"}) EXPECT_NE(tp.out.find(sub), std::string::npos) << sub;
}

TEST_F(visor_cli, NoVisorRunningIsAClearError) {
  const auto r = run({"cli", "visor", "info", "--rpc", "127.0.0.1:" + std::to_string(free_port())});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is it running"), std::string::npos) << r.err;
}

}  // namespace
