#include "skywire/net/http_parser.hpp"

#include "skywire/net/errc.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace skywire::net {
namespace {

// Feeds `wire` in pieces of `step` bytes the way the client does (keeping unconsumed bytes).
result<http_response> parse(std::string_view wire, std::size_t step, http_limits limits = {},
                            bool head = false, bool eof = true) {
  http_response_parser p(limits, head);
  std::string pending;
  for (std::size_t i = 0; i < wire.size() && !p.done(); i += step) {
    pending += wire.substr(i, step);
    std::size_t off = 0;
    while (off < pending.size() && !p.done()) {
      auto used = p.put(as_bytes(std::string_view(pending).substr(off)));
      if (!used) return used.error();
      if (*used == 0) break;
      off += *used;
    }
    pending.erase(0, off);
  }
  if (!p.done() && eof) {
    auto e = p.put_eof();
    if (!e) return e.error();
  }
  if (!p.done()) return errc::closed;
  return p.release();
}

constexpr std::string_view simple =
    "HTTP/1.1 201 Created\r\nContent-Length: 5\r\nX-A: 1\r\nx-a: 2\r\n\r\nhello";

TEST(http_parser, whole_and_bytewise) {
  for (std::size_t step : {std::size_t{1}, std::size_t{3}, simple.size()}) {
    auto r = parse(simple, step);
    ASSERT_TRUE(r.has_value()) << step;
    EXPECT_EQ(r->status, 201u);
    EXPECT_EQ(r->body, "hello");
    EXPECT_EQ(r->header("x-a"), "1");  // first of repeated fields, case-insensitive
    EXPECT_EQ(r->headers.size(), 3u);
  }
}

TEST(http_parser, chunked) {
  auto r = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", 2);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body, "abcde");
}

// An empty chunked body fed byte by byte trips a Beast 345 assertion unless the parser holds
// back short chunk-header input (see http_parser.cpp).
TEST(http_parser, empty_chunked_body_bytewise) {
  for (std::size_t step : {std::size_t{1}, std::size_t{2}, std::size_t{4}}) {
    auto r = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", step);
    ASSERT_TRUE(r.has_value()) << step;
    EXPECT_TRUE(r->body.empty());
    auto t = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\nX: y\r\n\r\n", step);
    ASSERT_TRUE(t.has_value()) << step;
    EXPECT_EQ(t->body, "ab");
  }
  EXPECT_EQ(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n", 1).error(), errc::closed);
}

TEST(http_parser, limits) {
  const std::string big_header = "HTTP/1.1 200 OK\r\nX: " + std::string(2000, 'a') + "\r\n\r\n";
  EXPECT_EQ(parse(big_header, 100, {.max_header = 1024, .max_body = 10}).error(), errc::header_too_large);
  EXPECT_EQ(parse("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n", 100, {.max_header = 1024, .max_body = 10})
                .error(),
            errc::body_too_large);
  EXPECT_EQ(parse("HTTP/1.1 200 OK\r\n\r\n" + std::string(11, 'z'), 4, {.max_header = 1024, .max_body = 10})
                .error(),
            errc::body_too_large);
}

TEST(http_parser, hostile) {
  EXPECT_EQ(parse("garbage\r\n\r\n", 100).error(), errc::bad_response);
  EXPECT_EQ(parse("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 100).error(), errc::bad_response);
  EXPECT_EQ(parse("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", 100).error(),
            errc::bad_response);
  EXPECT_EQ(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffffff\r\n", 100).error(),
            errc::bad_response);
  EXPECT_EQ(parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 100).error(), errc::closed);
  EXPECT_EQ(parse("", 1).error(), errc::closed);
}

TEST(http_parser, head_response_ignores_content_length) {
  auto r = parse("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n", 7, {}, true, false);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->body.empty());
}

struct recording_sink final : http_body_sink {
  std::string log;  // "begin <status> <length|->" then the body pieces
  result<void> begin(unsigned status, const http_headers&, std::optional<std::uint64_t> length) override {
    log += "begin " + std::to_string(status) + " " + (length ? std::to_string(*length) : "-") + "|";
    return {};
  }
  result<void> write(byte_view piece) override {
    log.append(reinterpret_cast<const char*>(piece.data()), piece.size());
    return {};
  }
};

// The sink sees begin() exactly once, before the body, for every framing, including bodies
// Beast never opens a body reader for (empty Content-Length and HEAD-like 204s).
TEST(http_parser, sink_gets_begin_then_the_body) {
  const struct {
    std::string_view wire;
    std::string_view expect;
  } cases[] = {
      {simple, "begin 201 5|hello"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", "begin 200 -|abcde"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "begin 200 0|"},
      {"HTTP/1.1 204 No Content\r\n\r\n", "begin 204 0|"},
      {"HTTP/1.1 200 OK\r\n\r\nuntil-eof", "begin 200 -|until-eof"},
  };
  for (const auto& c : cases) {
    for (std::size_t step : {std::size_t{1}, std::size_t{7}, c.wire.size()}) {
      recording_sink sink;
      http_response_parser p(http_limits{}, false, &sink);
      std::string pending;
      for (std::size_t i = 0; i < c.wire.size() && !p.done(); i += step) {
        pending += c.wire.substr(i, step);
        std::size_t off = 0;
        while (off < pending.size() && !p.done()) {
          auto used = p.put(as_bytes(std::string_view(pending).substr(off)));
          ASSERT_TRUE(used.has_value());
          if (*used == 0) break;
          off += *used;
        }
        pending.erase(0, off);
      }
      if (!p.done()) {
        ASSERT_TRUE(p.put_eof().has_value());
      }
      ASSERT_TRUE(p.done());
      EXPECT_EQ(sink.log, c.expect) << c.wire << " step " << step;
      EXPECT_TRUE(p.release().body.empty());
    }
  }
}

}  // namespace
}  // namespace skywire::net
