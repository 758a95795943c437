#pragma once
// strong_id<Tag, T>: a number that cannot be mixed up with another kind of number (a route id
// with a port, a stream id with a sequence). Comparison and hashing only; no arithmetic.
#include <compare>
#include <functional>

namespace skywire::base {

template <class Tag, class T>
class strong_id {
 public:
  using value_type = T;
  constexpr strong_id() = default;
  constexpr explicit strong_id(T v) noexcept : v_(v) {}
  constexpr T value() const noexcept { return v_; }
  friend constexpr auto operator<=>(const strong_id&, const strong_id&) = default;

 private:
  T v_{};
};

}  // namespace skywire::base

template <class Tag, class T>
struct std::hash<skywire::base::strong_id<Tag, T>> {
  std::size_t operator()(const skywire::base::strong_id<Tag, T>& id) const noexcept {
    return std::hash<T>{}(id.value());
  }
};
