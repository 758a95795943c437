// `skywire cli tp …`: the running visor's transports through its local API (docs/visor-api.md;
// Go: `skywire-cli visor tp`). Tables for people, --json for scripts.
//
//   tp type                       the transport types this visor has
//   tp ls [-t TYPES] [-p PKS]     its transports, optionally filtered
//   tp add PK [-t TYPE] [-o SECS] make one (no -t: stcpr, then sudph, then dmsg)
//   tp rm -i ID | -a              remove one, or all
//   tp id -i ID                   one transport of the visor
//   tp id PK -t TYPE              the transport id of this visor and PK for that type (offline)
//   tp disc --pk PK | --id ID     what the transport discovery knows
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <boost/json/serialize.hpp>

#include "commands/api_client.hpp"
#include "commands/commands.hpp"
#include "commands/table.hpp"
#include "skywire/visor/api_json.hpp"
#include "skywire/wire/transport/transport_id.hpp"

namespace skywire::cli {
namespace {

namespace json = boost::json;
using net::http_method;

struct tp_flags {
  std::string rpc = default_rpc_address;
  bool json = false;
  std::vector<std::string> types;
  std::vector<std::string> pks;
  std::string pk;
  std::string type;
  unsigned timeout = 30;
  std::string id;
  bool all = false;
  std::string disc_pk;
  std::string disc_id;
};

int fail(const std::string& message, int code = 1) {
  std::cerr << "error: " << message << "\n";
  return code;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

std::string age(base::clock::wall_time since) {
  const auto now = std::chrono::system_clock::now();
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(now - since).count();
  return human_duration(secs > 0 ? static_cast<std::uint64_t>(secs) : 0);
}

// Prints transports (a JSON array or one object) as a table, or the JSON itself with --json.
int print_transports(const tp_flags& f, const json::value& v) {
  if (f.json) {
    std::cout << json::serialize(v) << "\n";
    return 0;
  }
  std::vector<json::value> items;
  if (v.is_array()) items.assign(v.get_array().begin(), v.get_array().end());
  else items.push_back(v);
  std::vector<table_row> rows;
  for (const auto& item : items) {
    auto t = visor::transport_info_from_json(item);
    if (!t) return fail("the visor's answer does not have the expected shape");
    rows.push_back({t->id.to_string(), t->type, t->remote_pk.to_hex(), t->label, t->initiator ? "out" : "in",
                    age(t->since), human_bytes(t->bytes_received), human_bytes(t->bytes_sent)});
  }
  print_table(std::cout, {"ID", "TYPE", "REMOTE", "LABEL", "DIR", "UP", "RECV", "SENT"}, rows);
  return 0;
}

int run_type(const tp_flags& f) {
  auto v = call_visor(f.rpc, http_method::get, "/api/v1/transport-types");
  if (!v) return fail(v.error());
  if (f.json) {
    std::cout << json::serialize(*v) << "\n";
    return 0;
  }
  if (!v->is_array()) return fail("the visor's answer does not have the expected shape");
  for (const auto& t : v->get_array()) {
    if (t.is_string()) std::cout << t.get_string() << "\n";
  }
  return 0;
}

int run_ls(const tp_flags& f) {
  std::string path = "/api/v1/transports";
  std::string query;
  if (!f.types.empty()) query += "types=" + join(f.types);
  if (!f.pks.empty()) query += (query.empty() ? "" : "&") + std::string("pks=") + join(f.pks);
  if (!query.empty()) path += "?" + query;
  auto v = call_visor(f.rpc, http_method::get, path);
  if (!v) return fail(v.error());
  return print_transports(f, *v);
}

int run_add(const tp_flags& f) {
  auto pk = crypto::public_key::from_text(f.pk);
  if (!pk || pk->is_null()) return fail("'" + f.pk + "' is not a public key", 2);
  json::object body{{"remote_pk", pk->to_hex()}, {"timeout_seconds", f.timeout}};
  if (!f.type.empty()) body["type"] = f.type;
  // A try per type when none is given: allow for all three.
  const unsigned budget = (f.type.empty() ? 3 : 1) * f.timeout + 5;
  auto v = call_visor(f.rpc, http_method::post, "/api/v1/transports", json::serialize(body), budget);
  if (!v) return fail(v.error());
  return print_transports(f, *v);
}

int run_rm(const tp_flags& f) {
  if (f.all == !f.id.empty()) return fail("give either -i ID or -a", 2);
  std::string path = "/api/v1/transports";
  if (!f.all) {
    if (!wire::transport::uuid::from_text(f.id)) return fail("'" + f.id + "' is not a transport id (a UUID)", 2);
    path += "/" + f.id;
  }
  auto v = call_visor(f.rpc, http_method::delete_, path);
  if (!v) return fail(v.error());
  if (f.json) {
    std::cout << json::serialize(*v) << "\n";
    return 0;
  }
  const auto* removed = v->is_object() ? v->get_object().if_contains("removed") : nullptr;
  const std::size_t n = removed && removed->is_array() ? removed->get_array().size() : 0;
  std::cout << "removed " << n << " transport" << (n == 1 ? "" : "s") << "\n";
  return 0;
}

int run_id(const tp_flags& f) {
  if (!f.id.empty()) {
    if (!wire::transport::uuid::from_text(f.id)) return fail("'" + f.id + "' is not a transport id (a UUID)", 2);
    auto v = call_visor(f.rpc, http_method::get, "/api/v1/transports/" + f.id);
    if (!v) return fail(v.error());
    return print_transports(f, *v);
  }
  if (f.pk.empty() || f.type.empty()) return fail("give -i ID, or PK and -t TYPE", 2);
  auto pk = crypto::public_key::from_text(f.pk);
  if (!pk || pk->is_null()) return fail("'" + f.pk + "' is not a public key", 2);
  auto info = call_visor(f.rpc, http_method::get, "/api/v1/info");
  if (!info) return fail(info.error());
  auto self = visor::visor_info_from_json(*info);
  if (!self) return fail("the visor's answer does not have the expected shape");
  std::cout << wire::transport::make_transport_id(self->pk, *pk, f.type).to_string() << "\n";
  return 0;
}

int run_disc(const tp_flags& f) {
  if (f.disc_pk.empty() == f.disc_id.empty()) return fail("give either --pk PK or --id ID", 2);
  const std::string path = "/api/v1/discovery/transports?" +
                           (f.disc_pk.empty() ? "id=" + f.disc_id : "pk=" + f.disc_pk);
  auto v = call_visor(f.rpc, http_method::get, path, {}, 20);
  if (!v) return fail(v.error());
  if (f.json) {
    std::cout << json::serialize(*v) << "\n";
    return 0;
  }
  if (!v->is_array()) return fail("the visor's answer does not have the expected shape");
  std::vector<table_row> rows;
  for (const auto& item : v->get_array()) {
    auto e = visor::entry_from_json(item);
    if (!e) return fail("the transport discovery's entry does not have the expected shape");
    rows.push_back({e->id.to_string(), e->type, e->edges[0].to_hex(), e->edges[1].to_hex(), e->label});
  }
  print_table(std::cout, {"ID", "TYPE", "EDGE 1", "EDGE 2", "LABEL"}, rows);
  return 0;
}

}  // namespace

void register_cli_tp(CLI::App& cli, run_state& state) {
  auto f = std::make_shared<tp_flags>();
  CLI::App* tp = cli.add_subcommand("tp", "The running visor's transports (its local API at --rpc)");
  tp->require_subcommand(1);
  tp->fallthrough();
  tp->add_option("--rpc", f->rpc, "the visor's local API address (its cli_addr)")->capture_default_str();
  tp->add_flag("--json", f->json, "print JSON instead of a table");
  const auto run = [f, &state](int (*fn)(const tp_flags&)) { return [f, &state, fn] { state.exit_code = fn(*f); }; };

  tp->add_subcommand("type", "The transport types this visor has")->callback(run(run_type));

  CLI::App* ls = tp->add_subcommand("ls", "List the visor's transports");
  ls->add_option("-t,--types", f->types, "only these types (comma-separated or repeated)")->delimiter(',');
  ls->add_option("-p,--pks", f->pks, "only transports to these public keys")->delimiter(',');
  ls->callback(run(run_ls));

  CLI::App* add = tp->add_subcommand(
      "add", "Make a transport to a visor (without -t: stcpr, then sudph, then dmsg, the first that works)");
  add->add_option("pk", f->pk, "the remote visor's public key")->required();
  add->add_option("-t,--type", f->type, "transport type: stcp, stcpr, sudph or dmsg");
  add->add_option("-o,--timeout", f->timeout, "seconds to wait for each type tried")
      ->capture_default_str()
      ->check(CLI::Range(1u, 600u));
  add->callback(run(run_add));

  CLI::App* rm = tp->add_subcommand("rm", "Remove a transport (it is also deleted from the transport discovery)");
  rm->add_option("-i,--id", f->id, "the transport id");
  rm->add_flag("-a,--all", f->all, "remove every transport");
  rm->callback(run(run_rm));

  CLI::App* id = tp->add_subcommand(
      "id", "Show one transport (-i ID), or compute the transport id this visor has with PK for -t TYPE");
  id->add_option("-i,--id", f->id, "the transport id");
  id->add_option("pk", f->pk, "the remote visor's public key (with -t)");
  id->add_option("-t,--type", f->type, "transport type (with PK)");
  id->callback(run(run_id));

  CLI::App* disc = tp->add_subcommand("disc", "Look transports up in the transport discovery");
  disc->add_option("--pk", f->disc_pk, "every transport with this public key as an edge");
  disc->add_option("--id", f->disc_id, "the transport with this id");
  disc->callback(run(run_disc));
}

}  // namespace skywire::cli
