// The bounded RESP reader, command formatting and URL parsing (no sockets).
#include <gtest/gtest.h>

#include <string>

#include "common/redis_reply.hpp"
#include "common/redis_url.hpp"

namespace skywire::svc::common {
namespace {

result<std::optional<redis_reply>> read_one(std::string_view bytes, redis_limits l = {}) {
  redis_reader r(l);
  if (auto f = r.feed(bytes); !f) return f.error();
  return r.next();
}

TEST(RedisReader, Scalars) {
  auto ok = read_one("+OK\r\n");
  ASSERT_TRUE(ok && *ok);
  EXPECT_TRUE((*ok)->is_ok());
  auto err = read_one("-ERR wrong type\r\n");
  ASSERT_TRUE(err && *err);
  EXPECT_TRUE((*err)->is_error());
  EXPECT_EQ((*err)->str, "ERR wrong type");
  auto i = read_one(":-42\r\n");
  ASSERT_TRUE(i && *i);
  EXPECT_EQ((*i)->type, redis_type::integer);
  EXPECT_EQ((*i)->integer, -42);
  auto s = read_one(std::string("$5\r\na\0b\r\n\r\n", 11));
  ASSERT_TRUE(s && *s);
  EXPECT_EQ((*s)->type, redis_type::string);
  EXPECT_EQ((*s)->str, std::string("a\0b\r\n", 5));
  auto nil = read_one("$-1\r\n");
  ASSERT_TRUE(nil && *nil);
  EXPECT_TRUE((*nil)->is_nil());
  auto nil_array = read_one("*-1\r\n");
  ASSERT_TRUE(nil_array && *nil_array);
  EXPECT_TRUE((*nil_array)->is_nil());
}

TEST(RedisReader, NestedArrayByteByByteAndPipelined) {
  const std::string wire = "*3\r\n$1\r\na\r\n*2\r\n:1\r\n$-1\r\n*0\r\n+PONG\r\n";
  redis_reader r;
  std::vector<redis_reply> got;
  for (char c : wire) {
    ASSERT_TRUE(r.feed(std::string_view(&c, 1)));
    for (;;) {
      auto n = r.next();
      ASSERT_TRUE(n);
      if (!*n) break;
      got.push_back(std::move(**n));
    }
  }
  ASSERT_EQ(got.size(), 2u);
  const auto& a = got[0];
  ASSERT_EQ(a.type, redis_type::array);
  ASSERT_EQ(a.elements.size(), 3u);
  EXPECT_EQ(a.elements[0].str, "a");
  ASSERT_EQ(a.elements[1].elements.size(), 2u);
  EXPECT_EQ(a.elements[1].elements[0].integer, 1);
  EXPECT_TRUE(a.elements[1].elements[1].is_nil());
  EXPECT_EQ(a.elements[2].type, redis_type::array);
  EXPECT_TRUE(a.elements[2].elements.empty());
  EXPECT_EQ(got[1].str, "PONG");
  EXPECT_EQ(r.buffered(), 0u);
}

TEST(RedisReader, BoundsAndGarbageAreErrors) {
  const redis_limits small{1000, 4};
  // A bulk longer than max_bytes, complete in the buffer.
  EXPECT_EQ(read_one("$2000\r\n" + std::string(2000, 'x') + "\r\n", small).error(), redis_errc::reply_too_large);
  // A bulk that would need more buffering than the bound allows: refused while feeding.
  {
    redis_reader r(small);
    ASSERT_TRUE(r.feed("$100000000\r\n"));
    auto n = r.next();
    ASSERT_TRUE(n);
    EXPECT_FALSE(*n);
    EXPECT_EQ(r.feed(std::string(100000, 'x')).error(), redis_errc::reply_too_large);
    EXPECT_FALSE(r.next());  // poisoned
  }
  // Lengths hiredis 0.14 would overflow on or calloc blindly.
  {
    redis_reader r(small);
    ASSERT_TRUE(r.feed("$9223372036854775807\r\nabc\r\n"));
    auto n = r.next();
    EXPECT_TRUE(!n || !*n);  // an error or "need more", never a reply
    EXPECT_EQ(r.feed(std::string(100000, 'x')).error(), redis_errc::reply_too_large);
  }
  EXPECT_EQ(read_one("*2147483647\r\n", small).error(), redis_errc::reply_too_large);
  EXPECT_EQ(read_one("*5\r\n", small).error(), redis_errc::reply_too_large);
  EXPECT_FALSE(read_one("*-5\r\n", small));
  // Elements are counted over all nesting levels.
  EXPECT_EQ(read_one("*2\r\n*2\r\n:1\r\n:2\r\n*2\r\n:3\r\n:4\r\n", small).error(), redis_errc::reply_too_large);
  // Garbage and too deep nesting.
  EXPECT_EQ(read_one("hello\r\n").error(), redis_errc::protocol_error);
  std::string deep;
  for (int i = 0; i < 12; ++i) deep += "*1\r\n";
  EXPECT_EQ(read_one(deep + ":1\r\n").error(), redis_errc::protocol_error);
  // Total string bytes over an array.
  EXPECT_EQ(read_one("*2\r\n$600\r\n" + std::string(600, 'a') + "\r\n$600\r\n" + std::string(600, 'b') + "\r\n", small)
                .error(),
            redis_errc::reply_too_large);
}

TEST(RedisCommand, FormatsBinarySafeArrays) {
  EXPECT_EQ(format_command({"SET", "k", "v v"}), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nv v\r\n");
  EXPECT_EQ(format_command({"GET", std::string("a\0\r\n", 4)}), std::string("*2\r\n$3\r\nGET\r\n$4\r\na\0\r\n\r\n", 23));
  EXPECT_EQ(format_command({"X", ""}), "*2\r\n$1\r\nX\r\n$0\r\n\r\n");
}

TEST(RedisUrl, ParsesGoForms) {
  auto a = parse_redis_url("redis://localhost:6379");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "localhost");
  EXPECT_EQ(a->port, 6379);
  EXPECT_EQ(a->db, 0);
  EXPECT_TRUE(a->password.empty());
  auto b = parse_redis_url("redis://:s%40cret@10.0.0.1:7000/3");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host, "10.0.0.1");
  EXPECT_EQ(b->port, 7000);
  EXPECT_EQ(b->password, "s@cret");
  EXPECT_TRUE(b->user.empty());
  EXPECT_EQ(b->db, 3);
  EXPECT_EQ(b->display(), "10.0.0.1:7000/3");
  auto c = parse_redis_url("redis://bob:pw@[::1]/");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, 6379);
  EXPECT_EQ(c->user, "bob");
  EXPECT_EQ(c->display(), "[::1]:6379/0");
  EXPECT_EQ(parse_redis_url("rediss://h:1").error(), redis_errc::unsupported_scheme);
  EXPECT_EQ(parse_redis_url("http://h:1").error(), redis_errc::bad_url);
  EXPECT_EQ(parse_redis_url("redis://h:0").error(), redis_errc::bad_url);
  EXPECT_EQ(parse_redis_url("redis://h:99999").error(), redis_errc::bad_url);
  EXPECT_EQ(parse_redis_url("redis://h:1/x").error(), redis_errc::bad_url);
  EXPECT_EQ(parse_redis_url("redis://h:1/-1").error(), redis_errc::bad_url);
  EXPECT_EQ(parse_redis_url("not a url").error(), redis_errc::bad_url);
}

}  // namespace
}  // namespace skywire::svc::common
