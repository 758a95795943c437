// End-to-end tests of the `skywire` binary's key commands: the binary is spawned with
// posix_spawn, stdin/stdout/stderr redirected to files in a private temporary directory.
#include <sstream>
#include <string>
#include <vector>

#include "binary_test.hpp"
#include "skywire/crypto/keys.hpp"

namespace {

using namespace skywire::test;

class cli : public binary_test {};

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST_F(cli, gen_keys_prints_pk_then_sk_like_go) {
  const auto r = run({"cli", "config", "gen-keys"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto l = lines(r.out);
  ASSERT_EQ(l.size(), 2u) << r.out;
  ASSERT_EQ(l[0].size(), 66u);
  ASSERT_EQ(l[1].size(), 64u);
  const auto pk = skywire::crypto::public_key::from_text(l[0]).value();
  const auto sk = skywire::crypto::secret_key::from_text(l[1]).value();
  EXPECT_TRUE(skywire::crypto::key_pair_matches(pk, sk));
  EXPECT_EQ(r.out, l[0] + "\n" + l[1] + "\n");
}

TEST_F(cli, gen_keys_file_is_0600_and_pk_reads_it) {
  const fs::path key = dir_ / "visor.key";
  const auto gen = run({"cli", "config", "gen-keys", "-o", key.string()});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  struct stat st {};
  ASSERT_EQ(::stat(key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  const auto file_lines = lines(slurp(key));
  ASSERT_EQ(file_lines.size(), 2u);
  EXPECT_EQ(gen.out, file_lines[0] + "\n");  // only the public key is printed
  EXPECT_EQ(gen.out.find(file_lines[1]), std::string::npos);

  const auto pk = run({"cli", "config", "pk", "--file", key.string()});
  ASSERT_EQ(pk.exit_code, 0) << pk.err;
  EXPECT_EQ(pk.out, file_lines[0] + "\n");

  // The same key as the argument, by --sk and on stdin, and a file holding only the secret key.
  EXPECT_EQ(run({"cli", "config", "pk", file_lines[1]}).out, file_lines[0] + "\n");
  EXPECT_EQ(run({"cli", "config", "pk", "--sk", file_lines[1]}).out, file_lines[0] + "\n");
  EXPECT_EQ(run({"cli", "config", "pk"}, file_lines[1] + "\n").out, file_lines[0] + "\n");
  const fs::path sk_only = dir_ / "sk_only";
  std::ofstream(sk_only) << file_lines[1] << "\n";
  EXPECT_EQ(run({"cli", "config", "pk", "-f", sk_only.string()}).out, file_lines[0] + "\n");
}

TEST_F(cli, gen_keys_refuses_to_overwrite_without_force) {
  const fs::path key = dir_ / "visor.key";
  ASSERT_EQ(run({"cli", "config", "gen-keys", "-o", key.string()}).exit_code, 0);
  const std::string before = slurp(key);
  const auto again = run({"cli", "config", "gen-keys", "-o", key.string()});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
  EXPECT_EQ(slurp(key), before);

  ::chmod(key.c_str(), 0644);
  const auto forced = run({"cli", "config", "gen-keys", "-o", key.string(), "--force"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_NE(slurp(key), before);
  struct stat st {};
  ASSERT_EQ(::stat(key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(cli, pk_of_vector_key) {
  // keys.client_A from the dmsg vectors.
  const auto r = run({"cli", "config", "pk", "--sk",
                      "769c9e31a89fa2c7b35e5a04301cbd78451e4b967eb54b491035d1ba75ce7cfb"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "03626f858616692a2f0a76a17f2c297de5ebc530de0cd118ff91a8abd7283b1757\n");
}

struct bad_case {
  const char* sk;
  const char* message;
};

TEST_F(cli, bad_secret_keys_fail_with_a_message) {
  const bad_case cases[] = {
      {"zz9c9e31a89fa2c7b35e5a04301cbd78451e4b967eb54b491035d1ba75ce7cfb", "not valid hex"},
      {"769c9e31", "64 hex digits"},
      {"769c9e31a89fa2c7b35e5a04301cbd78451e4b967eb54b491035d1ba75ce7cfb00", "64 hex digits"},
      {"0000000000000000000000000000000000000000000000000000000000000000", "scalar"},
      {"fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", "scalar"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sk);
    const auto r = run({"cli", "config", "pk", "--sk", c.sk});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(r.out.empty());
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    // The rejected input is not echoed back.
    EXPECT_EQ(r.err.find(c.sk), std::string::npos) << r.err;
  }
  const auto stdin_bad = run({"cli", "config", "pk"}, "hello\n");
  EXPECT_EQ(stdin_bad.exit_code, 1);
  EXPECT_FALSE(stdin_bad.err.empty());
  const auto missing = run({"cli", "config", "pk", "--file", (dir_ / "nope").string()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("cannot open"), std::string::npos) << missing.err;
}

TEST_F(cli, mismatched_key_file_is_rejected) {
  const fs::path key = dir_ / "mixed.key";
  std::ofstream(key) << "033892ba5a4bbb6cdd45221ab1d1bac9ade55698705691f21b8bc62941ecef7150\n"
                        "769c9e31a89fa2c7b35e5a04301cbd78451e4b967eb54b491035d1ba75ce7cfb\n";
  const auto r = run({"cli", "config", "pk", "--file", key.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("does not belong"), std::string::npos) << r.err;
}

TEST_F(cli, help_at_every_level) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--help"},
           {"cli", "--help"},
           {"cli", "config", "--help"},
           {"cli", "config", "gen-keys", "--help"},
           {"cli", "config", "pk", "--help"},
           {"cli", "config", "gen", "--help"}}) {
    const auto r = run(args);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << r.out;
  }
  EXPECT_NE(run({"cli", "config", "gen-keys", "--help"}).out.find("0600"), std::string::npos);
  EXPECT_NE(run({"cli", "config", "--help"}).out.find("gen-keys"), std::string::npos);
  EXPECT_NE(run({}).exit_code, 0);                            // a subcommand is required
  EXPECT_NE(run({"cli", "config", "pk", "--sk", "a", "--file", "b"}).exit_code, 0);
}

// config gen writes a config the visor config reader accepts, keeps keys with -r, never
// replaces a file silently, and applies the flags users rely on.
TEST_F(cli, config_gen_writes_reads_back_and_regenerates) {
  const std::string cfg = (dir_ / "skywire-config.json").string();
  const std::string sk = "b4f56cab07ea360c16c22ac241738e923b232138b69089fe0134f81a432ffaff";
  const std::string pk = "032ffee44b9554cd3350ee16760688b2fb9d0faae7f3534917ff07e971eb36fd6b";
  const std::string peer = "02c9d0d1faca3c852c307b4391af5f353e63a296cded08c1a819f03b7ae768530b";
  const std::string svc = (dir_ / "services.json").string();
  std::ofstream(svc) << R"({"prod":{"dmsg_discovery":"http://127.0.0.1:9090","transport_discovery":"http://127.0.0.1:9091",)"
                        R"("address_resolver":"http://127.0.0.1:9093","route_setup_nodes":[]}})";

  auto gen = run({"cli", "config", "gen", "-o", cfg, "-s", sk, "--svcconf", svc, "--minsess", "1", "-z", "--stcpr",
                  "7778", "-j", peer, "--stcp-peer", peer + "=127.0.0.1:7777", "--persistent", peer + ":stcp", "-g",
                  "vpn-client,vpn-server"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  EXPECT_NE(gen.err.find(pk), std::string::npos) << gen.err;
  EXPECT_EQ(fs::status(cfg).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  const std::string text = slurp(cfg);
  const std::vector<std::string> wanted{
      "\"sk\": \"" + sk + "\"",
      "\"pk\": \"" + pk + "\"",
      "\"discovery\": \"http://127.0.0.1:9090\"",
      "\"discovery\": \"http://127.0.0.1:9091\"",
      "\"address_resolver\": \"http://127.0.0.1:9093\"",
      "\"route_setup_nodes\": []",
      "\"route_finder\": \"http://rf.skywire.skycoin.com\"",
      "\"sessions_count\": 1",
      "\"is_public\": true",
      "\"stcpr_port\": 7778",
      "\"" + peer + "\": \"127.0.0.1:7777\"",
      "\"pk\": \"" + peer + "\",\n\t\t\t\"type\": \"stcp\""};
  for (const auto& want : wanted) EXPECT_NE(text.find(want), std::string::npos) << want;
  EXPECT_EQ(text.find("vpn-client"), std::string::npos);
  EXPECT_NE(text.find("skychat"), std::string::npos);

  // Never replaced silently; -r keeps the keys, -f makes new ones.
  auto again = run({"cli", "config", "gen", "-o", cfg});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already exists"), std::string::npos);
  EXPECT_EQ(slurp(cfg), text);
  auto regen = run({"cli", "config", "gen", "-o", cfg, "-r", "-t"});
  ASSERT_EQ(regen.exit_code, 0) << regen.err;
  EXPECT_NE(slurp(cfg).find("\"sk\": \"" + sk + "\""), std::string::npos);
  EXPECT_NE(slurp(cfg).find("skywire.dev"), std::string::npos);
  auto forced = run({"cli", "config", "gen", "-o", cfg, "-f"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(slurp(cfg).find(sk), std::string::npos);

  auto out = run({"cli", "config", "gen", "-n"});
  EXPECT_EQ(out.exit_code, 0);
  EXPECT_EQ(out.out.rfind("{\n\t\"version\": \"v1.3.20\"", 0), 0u) << out.out.substr(0, 40);

  // Bad input: named, nothing written.
  const std::string other = (dir_ / "other.json").string();
  for (const auto& bad : std::vector<std::vector<std::string>>{
           {"-j", "nothex"}, {"--persistent", peer + ":tcp"}, {"--stcp-peer", "127.0.0.1:7777"}, {"-g", "nosuchapp"},
           {"--svcconf", (dir_ / "missing.json").string()}, {"-s", "zz"}, {"-r", "-s", sk}}) {
    std::vector<std::string> args{"cli", "config", "gen", "-o", other};
    args.insert(args.end(), bad.begin(), bad.end());
    auto r = run(args);
    EXPECT_NE(r.exit_code, 0) << bad[0];
    EXPECT_NE(r.err.find("error: "), std::string::npos) << bad[0];
    EXPECT_FALSE(fs::exists(other)) << bad[0];
  }
}

}  // namespace
