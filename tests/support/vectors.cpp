#include "vectors.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "skywire/base/hex.hpp"

namespace skywire::test {
namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "test support: %s\n", what.c_str());
  std::abort();
}

}  // namespace

std::string read_source_file(std::string_view relative_path) {
  const std::string path = std::string(SKYWIRE_SOURCE_DIR) + "/" + std::string(relative_path);
  std::ifstream in(path, std::ios::binary);
  if (!in) die("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

boost::json::value load_json(std::string_view relative_path) {
  boost::system::error_code ec;
  auto v = boost::json::parse(read_source_file(relative_path), ec);
  if (ec) die("bad JSON in " + std::string(relative_path) + ": " + ec.message());
  return v;
}

const boost::json::value& dmsg_vectors() {
  static const boost::json::value v = load_json("tests/vectors/dmsg-vectors.json");
  return v;
}

const boost::json::value& at(const boost::json::value& root, std::string_view dotted_path) {
  const boost::json::value* cur = &root;
  std::size_t start = 0;
  while (start <= dotted_path.size()) {
    const std::size_t dot = dotted_path.find('.', start);
    const std::string_view part =
        dotted_path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (cur->is_object()) {
      const auto* next = cur->as_object().if_contains(part);
      if (!next) die("no key '" + std::string(part) + "' in path " + std::string(dotted_path));
      cur = next;
    } else if (cur->is_array()) {
      const std::size_t idx = std::stoul(std::string(part));
      if (idx >= cur->as_array().size()) die("index out of range in " + std::string(dotted_path));
      cur = &cur->as_array()[idx];
    } else {
      die("path goes through a scalar: " + std::string(dotted_path));
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return *cur;
}

std::string str(const boost::json::value& root, std::string_view dotted_path) {
  const auto& v = at(root, dotted_path);
  if (!v.is_string()) die("not a string: " + std::string(dotted_path));
  return std::string(v.as_string());
}

bytes unhex(std::string_view hex_text) {
  auto b = base::from_hex(hex_text);
  if (!b) die("bad hex: " + std::string(hex_text.substr(0, 40)));
  return *b;
}

bytes hex(const boost::json::value& root, std::string_view dotted_path) {
  return unhex(str(root, dotted_path));
}

}  // namespace skywire::test
