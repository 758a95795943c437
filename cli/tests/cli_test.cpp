// End-to-end tests of the `skywire` binary's key commands: the binary is spawned with
// posix_spawn, stdin/stdout/stderr redirected to files in a private temporary directory.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "skywire/crypto/keys.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;

struct run_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class cli : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/skywire_cli_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  run_result run(std::vector<std::string> args, const std::string& stdin_text = "") {
    const fs::path in = dir_ / "stdin", out = dir_ / "stdout", err = dir_ / "stderr";
    std::ofstream(in, std::ios::binary) << stdin_text;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, in.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    args.insert(args.begin(), SKYWIRE_CLI_BINARY);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    run_result r;
    const int rc = ::posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
      ADD_FAILURE() << "posix_spawn failed: " << rc;
      return r;
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
  }

  fs::path dir_;
};

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
           {"cli", "config", "pk", "--help"}}) {
    const auto r = run(args);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << r.out;
  }
  EXPECT_NE(run({"cli", "config", "gen-keys", "--help"}).out.find("0600"), std::string::npos);
  EXPECT_NE(run({"cli", "config", "--help"}).out.find("gen-keys"), std::string::npos);
  EXPECT_NE(run({}).exit_code, 0);                            // a subcommand is required
  EXPECT_NE(run({"cli", "config", "pk", "--sk", "a", "--file", "b"}).exit_code, 0);
}

}  // namespace
