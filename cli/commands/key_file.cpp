#include "commands/key_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "skywire/crypto/hash.hpp"

namespace skywire::cli {
namespace {

bool is_hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Whitespace-separated tokens (views into text).
std::vector<std::string_view> tokens(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

// Wipes a buffer that held key text before it is released.
void wipe_string(std::string& s) {
  crypto::wipe(mutable_byte_view(reinterpret_cast<std::uint8_t*>(s.data()), s.size()));
  s.clear();
}

std::string os_error(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

}  // namespace

cli_result<crypto::secret_key> parse_secret_key_hex(std::string_view text) {
  if (text.size() != 2 * crypto::secret_key::size) {
    return "secret key must be 64 hex digits (32 bytes), got " + std::to_string(text.size()) +
           " characters";
  }
  if (!std::all_of(text.begin(), text.end(), is_hex_digit)) {
    return std::string("secret key is not valid hex");
  }
  auto sk = crypto::secret_key::from_text(text);
  if (!sk) {
    return std::string(
        "secret key is not a valid secp256k1 scalar (it must be greater than zero and less than "
        "the group order)");
  }
  return *sk;
}

cli_result<crypto::secret_key> parse_key_text(std::string_view text) {
  const auto t = tokens(text);
  if (t.size() == 1) return parse_secret_key_hex(t[0]);
  if (t.size() == 2) {
    auto pk = crypto::public_key::from_text(t[0]);
    if (!pk || pk->is_null()) {
      return std::string("first line of the key file is not a valid public key (66 hex digits)");
    }
    auto sk = parse_secret_key_hex(t[1]);
    if (!sk) return sk.error();
    if (!crypto::key_pair_matches(*pk, *sk)) {
      return std::string("the key file's public key does not belong to its secret key");
    }
    return *sk;
  }
  return std::string(
      "expected a secret key (64 hex digits), or a public key line followed by a secret key "
      "line");
}

cli_result<crypto::secret_key> read_key_stream(std::istream& in) {
  std::string text(max_key_text + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  const auto got = static_cast<std::size_t>(in.gcount());
  if (in.bad()) {
    wipe_string(text);
    return std::string("cannot read key input");
  }
  if (got > max_key_text) {
    wipe_string(text);
    return "key input is longer than " + std::to_string(max_key_text) + " bytes";
  }
  auto sk = parse_key_text(std::string_view(text).substr(0, got));
  wipe_string(text);
  return sk;
}

cli_result<crypto::secret_key> read_key_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return os_error("cannot open key file", path);
  auto sk = read_key_stream(in);
  if (!sk) return path + ": " + sk.error();
  return sk;
}

cli_result<void> write_key_file(const std::string& path, const crypto::key_pair& kp,
                                bool overwrite) {
  if (overwrite && ::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return os_error("cannot replace", path);
  }
  // O_EXCL: never write through an existing file or symlink, so the mode below is the only one
  // the secret ever has.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return path + " already exists (use --force to overwrite it)";
    return os_error("cannot create", path);
  }
  std::string text = kp.pk.to_hex() + "\n" + kp.sk.reveal_hex() + "\n";
  bool ok = ::fchmod(fd, 0600) == 0;  // exactly 0600 whatever the umask
  std::size_t done = 0;
  while (ok && done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ok = false;
    else done += static_cast<std::size_t>(n);
  }
  wipe_string(text);
  ok = ok && ::fsync(fd) == 0;
  const int saved = errno;
  ok = (::close(fd) == 0) && ok;
  if (!ok) {
    ::unlink(path.c_str());
    errno = saved;
    return os_error("cannot write", path);
  }
  return {};
}

}  // namespace skywire::cli
