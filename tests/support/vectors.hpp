#pragma once
// Test support: golden vectors (tests/vectors/, copied from ../shared/spec/vectors/, see its
// README) loaded with Boost.JSON, and small helpers to pull hex fields out of them.
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "skywire/base/bytes.hpp"

namespace skywire::test {

// Parses a JSON file given relative to the source tree (e.g. "tests/vectors/dmsg-vectors.json").
// Aborts the test binary with a message if it is missing or malformed.
boost::json::value load_json(std::string_view relative_path);

// tests/vectors/dmsg-vectors.json, parsed once per process.
const boost::json::value& dmsg_vectors();

// The value at a dotted path ("keys.client_A.pk"; list indices as numbers: "messages.0.message").
const boost::json::value& at(const boost::json::value& root, std::string_view dotted_path);
std::string str(const boost::json::value& root, std::string_view dotted_path);
// A hex field decoded to bytes.
bytes hex(const boost::json::value& root, std::string_view dotted_path);
// A hex literal decoded to bytes (aborts on bad hex).
bytes unhex(std::string_view hex_text);

// Reads a whole file relative to the source tree.
std::string read_source_file(std::string_view relative_path);

}  // namespace skywire::test
