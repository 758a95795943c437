#include "skywire/wire/errc.hpp"

namespace skywire::wire {
namespace {

// boost::system::error_category has a protected non-virtual destructor by design (categories
// are never deleted through a base pointer); -Wnon-virtual-dtor cannot know that.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "skywire.wire"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::truncated: return "input truncated";
      case errc::too_long: return "length or count exceeds limit";
      case errc::too_deep: return "nesting too deep";
      case errc::too_many_types: return "too many type definitions";
      case errc::bad_type_id: return "invalid type id";
      case errc::duplicate_type: return "duplicate type definition";
      case errc::unknown_type: return "reference to an undefined type";
      case errc::bad_type_definition: return "malformed type definition";
      case errc::unsupported_type: return "type outside the supported gob subset";
      case errc::type_mismatch: return "wire type does not match the expected type";
      case errc::bad_field: return "invalid struct field number";
      case errc::missing_field: return "required field missing";
      case errc::invalid_value: return "field value violates protocol rules";
      case errc::bad_message: return "malformed message";
      case errc::trailing_bytes: return "unexpected trailing bytes";
      case errc::too_short: return "object too short";
      case errc::bad_json: return "invalid JSON";
      case errc::disc_no_version: return "entry has no version";
      case errc::disc_no_signature: return "entry has no signature";
      case errc::disc_nil_keys: return "entry Keys is nil";
      case errc::disc_no_client_or_server: return "entry has neither client or server field";
      case errc::disc_empty_server_address: return "server address cannot be empty";
      case errc::disc_outdated_timestamp: return "advertised entry has outdated timestamp";
      case errc::disc_wrong_sequence: return "sequence field of new entry is not sequence of old entry + 1";
      case errc::disc_wrong_time: return "advertised entry timestamp is not greater than previous";
      case errc::disc_loopback_address:
        return "advertising localhost listening address is not allowed in production mode";
      case errc::disc_invalid_signature: return "invalid signature";
    }
    return "unknown wire error";
  }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& category() noexcept {
  static const category_impl instance;
  return instance;
}

}  // namespace skywire::wire
