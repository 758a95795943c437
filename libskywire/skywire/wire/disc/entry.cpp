#include "skywire/wire/disc/entry.hpp"

#include "skywire/wire/json/writer.hpp"

namespace skywire::wire::disc {
namespace {

// Field order and omitempty rules of pkg/disc.Entry; see spec/dmsg.md §7.2.
std::string serialise(const entry& e, bool with_signature) {
  json::writer w{json::dialect::jsoniter_fastest};
  w.begin_object();
  w.key("version").string(e.version);
  w.key("sequence").uint64(e.sequence);
  w.key("timestamp").int64(e.timestamp);
  w.key("static").string(e.static_pk.to_hex());
  if (e.client) {
    w.key("client").begin_object().key("delegated_servers");
    if (e.client->delegated_servers) {
      w.begin_array();
      for (const auto& pk : *e.client->delegated_servers) w.string(pk.to_hex());
      w.end_array();
    } else {
      w.null();
    }
    w.end_object();
  }
  if (!e.client_type.empty()) w.key("client_type").string(e.client_type);
  if (e.server) {
    w.key("server").begin_object();
    w.key("address").string(e.server->address);
    w.key("availableSessions").int64(e.server->available_sessions);
    if (!e.server->server_type.empty()) w.key("serverType").string(e.server->server_type);
    w.end_object();
  }
  if (with_signature && !e.signature.empty()) w.key("signature").string(e.signature);
  w.end_object();
  return std::move(w).take();
}

}  // namespace

std::string to_json(const entry& e) { return serialise(e, true); }

std::string signing_payload(const entry& e) { return serialise(e, false); }

void sign(entry& e, const crypto::secret_key& sk) {
  e.signature.clear();
  const std::string payload = signing_payload(e);
  e.signature = crypto::sign_payload(as_bytes(payload), sk).to_hex();
}

result<void> verify_signature(const entry& e) {
  auto sig = crypto::signature::from_text(e.signature);
  if (!sig) return sig.error();
  const std::string payload = signing_payload(e);
  return crypto::verify_payload(e.static_pk, as_bytes(payload), *sig);
}

entry make_client_entry(const crypto::public_key& pk, std::uint64_t sequence, std::int64_t timestamp,
                        std::optional<std::vector<crypto::public_key>> delegated_servers) {
  entry e;
  e.version = std::string(current_version);
  e.sequence = sequence;
  e.timestamp = timestamp;
  e.static_pk = pk;
  e.client = client_info{std::move(delegated_servers)};
  return e;
}

entry make_server_entry(const crypto::public_key& pk, std::uint64_t sequence, std::int64_t timestamp,
                        std::string address, std::int64_t available_sessions) {
  entry e;
  e.version = std::string(current_version);
  e.sequence = sequence;
  e.timestamp = timestamp;
  e.static_pk = pk;
  e.server = server_info{std::move(address), available_sessions, {}};
  return e;
}

}  // namespace skywire::wire::disc
