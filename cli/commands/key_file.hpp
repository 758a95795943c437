#pragma once
// Key files and secret-key text for the CLI.
//
// A key file, as `skywire cli config gen-keys -o FILE` writes it, is two lines: the public key
// (66 hex digits) and the secret key (64 hex digits), the same two lines Go's
// `skywire-cli config gen-keys` prints. It is created with mode 0600 and never overwritten
// unless asked. A file (or stdin) holding only the secret key's 64 hex digits is accepted too.
//
// Errors are values carrying a user-facing message (never the secret itself). Inputs are
// bounded: at most max_key_text bytes are read from a file or stdin.
#include <cstddef>
#include <istream>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

#include "skywire/crypto/keys.hpp"

namespace skywire::cli {

template <class T>
using cli_result = boost::system::result<T, std::string>;

inline constexpr std::size_t max_key_text = 4096;

// Exactly 64 hex digits forming a valid scalar; the message says which rule failed.
cli_result<crypto::secret_key> parse_secret_key_hex(std::string_view text);

// Key file contents: "<sk>" or "<pk>\n<sk>" (surrounding whitespace ignored). With both lines
// the public key must belong to the secret key.
cli_result<crypto::secret_key> parse_key_text(std::string_view text);

// Reads up to max_key_text bytes (more is an error) and parses them with parse_key_text.
cli_result<crypto::secret_key> read_key_file(const std::string& path);
cli_result<crypto::secret_key> read_key_stream(std::istream& in);

// Writes "<pk>\n<sk>\n" to a new file with mode 0600. Refuses an existing path unless
// overwrite is set (then the old file is removed and a fresh 0600 file is created).
cli_result<void> write_key_file(const std::string& path, const crypto::key_pair& kp,
                                bool overwrite);

}  // namespace skywire::cli
