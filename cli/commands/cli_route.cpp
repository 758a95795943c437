// `skywire cli route …`: the running visor's routing through its local API (docs/visor-api.md;
// Go: `skywire-cli visor route`, `skywire-cli rtfind`). Tables for people, --json for scripts.
//
//   route ls                          the routing rules of this visor (every kind)
//   route groups                      its route groups (end-to-end connections) with latency
//   route rule ID                     one rule
//   route rm ID… | -a                 remove rules by key route id, or all
//   route add-rule app RID LPK LPORT RPK RPORT                  a rule by hand (Go's argument order;
//   route add-rule fwd RID NRID NTPID LPK LPORT RPK RPORT       RID 0 = the visor picks one),
//   route add-rule intfwd RID NRID NTPID                        --keep-alive 30s
//   route rtfind PK [-n MIN -x MAX]   the route finder's paths from this visor to PK and back
#include <charconv>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <variant>
#include <string>
#include <vector>

#include <boost/json/serialize.hpp>

#include "commands/api_client.hpp"
#include "commands/commands.hpp"
#include "commands/table.hpp"
#include "skywire/routing/rule.hpp"
#include "skywire/wire/json/go_duration.hpp"

namespace skywire::cli {
namespace {

namespace json = boost::json;
using net::http_method;

struct route_flags {
  std::string rpc = default_rpc_address;
  bool json = false;
  std::vector<std::uint32_t> ids;
  bool all = false;
  std::string pk;
  unsigned min_hops = 0;
  unsigned max_hops = 50;
  std::uint32_t id = 0;
  std::vector<std::string> rule_args;  // add-rule's positional arguments
  std::string keep_alive = "30s";
};

int fail(const std::string& message, int code = 1) {
  std::cerr << "error: " << message << "\n";
  return code;
}

bool print_json(const route_flags& f, const json::value& v) {
  if (!f.json) return false;
  std::cout << json::serialize(v) << "\n";
  return true;
}

std::string text_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return "-";
  if (v->is_string()) return std::string(v->get_string());
  return json::serialize(*v);
}

std::string short_pk(const std::string& pk) { return pk.size() > 12 ? pk.substr(0, 12) + "…" : pk; }

// Go's RuleSummary JSON (spec/skywire.md §3.2) as one table row.
table_row rule_row(const json::object& r) {
  static const char* const names[] = {"consume", "forward", "intermediary"};
  const auto type = r.if_contains("rule_type");
  const auto t = type && type->is_int64() ? type->get_int64() : -1;
  table_row row{text_of(r, "key_route_id"), t >= 0 && t <= 2 ? names[t] : "?", "-", "-", "-", "-"};
  const json::object* fields = nullptr;
  for (const char* k : {"app_fields", "forward_fields", "intermediary_forward_fields"}) {
    if (const auto* v = r.if_contains(k); v && v->is_object()) fields = &v->get_object();
  }
  if (fields) {
    if (const auto* d = fields->if_contains("route_descriptor"); d && d->is_object()) {
      const auto& desc = d->get_object();
      row[2] = short_pk(text_of(desc, "src_pk")) + ":" + text_of(desc, "src_port");
      row[3] = short_pk(text_of(desc, "dst_pk")) + ":" + text_of(desc, "dst_port");
    }
    if (fields->contains("next_rid")) row[4] = text_of(*fields, "next_rid");
    if (fields->contains("next_tid")) row[5] = text_of(*fields, "next_tid");
  }
  const auto ka = r.if_contains("keep_alive");
  row.push_back(ka && ka->is_int64() ? std::to_string(ka->get_int64() / 1'000'000'000) + "s" : "-");
  return row;
}

int run_ls(const route_flags& f) {
  auto v = call_visor(f.rpc, http_method::get, "/api/v1/routes");
  if (!v) return fail(v.error());
  if (print_json(f, *v)) return 0;
  if (!v->is_array()) return fail("the visor's answer does not have the expected shape");
  std::vector<table_row> rows;
  for (const auto& r : v->get_array()) {
    if (!r.is_object()) return fail("the visor's answer does not have the expected shape");
    rows.push_back(rule_row(r.get_object()));
  }
  print_table(std::cout, {"ID", "TYPE", "FROM", "TO", "NEXT ID", "NEXT TRANSPORT", "KEEP-ALIVE"}, rows);
  return 0;
}

int run_groups(const route_flags& f) {
  auto v = call_visor(f.rpc, http_method::get, "/api/v1/route-groups");
  if (!v) return fail(v.error());
  if (print_json(f, *v)) return 0;
  if (!v->is_array()) return fail("the visor's answer does not have the expected shape");
  std::vector<table_row> rows;
  for (const auto& g : v->get_array()) {
    if (!g.is_object()) return fail("the visor's answer does not have the expected shape");
    const auto& o = g.get_object();
    rows.push_back({text_of(o, "local"), text_of(o, "remote"), text_of(o, "encrypted"), text_of(o, "latency_ms"),
                    text_of(o, "bytes_sent"), text_of(o, "bytes_received")});
  }
  print_table(std::cout, {"LOCAL", "REMOTE", "ENCRYPTED", "LATENCY (ms)", "SENT", "RECEIVED"}, rows);
  return 0;
}

int print_rules(const route_flags& f, const json::value& v) {
  if (print_json(f, v)) return 0;
  if (!v.is_object()) return fail("the visor's answer does not have the expected shape");
  print_table(std::cout, {"ID", "TYPE", "FROM", "TO", "NEXT ID", "NEXT TRANSPORT", "KEEP-ALIVE"},
              {rule_row(v.get_object())});
  return 0;
}

int run_rule(const route_flags& f) {
  auto v = call_visor(f.rpc, http_method::get, "/api/v1/routes/" + std::to_string(f.id));
  if (!v) return fail("route " + std::to_string(f.id) + ": " + v.error());
  return print_rules(f, *v);
}

// add-rule's arguments, checked here so a typo is named before anything is sent.
struct rule_parser {
  const std::vector<std::string>& args;
  std::string error;

  std::optional<std::uint64_t> number(std::size_t i, const char* what, std::uint64_t max) {
    std::uint64_t n = 0;
    const auto& a = args[i];
    const auto [end, ec] = std::from_chars(a.data(), a.data() + a.size(), n);
    if (ec != std::errc{} || end != a.data() + a.size() || n > max) {
      error = std::string(what) + ": '" + a + "' is not a number from 0 to " + std::to_string(max);
      return std::nullopt;
    }
    return n;
  }
  std::optional<std::string> pk(std::size_t i, const char* what) {
    auto k = crypto::public_key::from_text(args[i]);
    if (!k || k->is_null()) {
      error = std::string(what) + ": '" + args[i] + "' is not a public key";
      return std::nullopt;
    }
    return k->to_hex();
  }
  std::optional<std::string> uuid(std::size_t i, const char* what) {
    auto id = wire::transport::uuid::from_text(args[i]);
    if (!id) {
      error = std::string(what) + ": '" + args[i] + "' is not a transport id";
      return std::nullopt;
    }
    return id->to_string();
  }
  // {"dst_pk","src_pk","dst_port","src_port"} from LPK LPORT RPK RPORT at args[i…].
  std::optional<json::object> descriptor(std::size_t i) {
    auto lpk = pk(i, "local-pk");
    auto lport = lpk ? number(i + 1, "local-port", 0xFFFF) : std::nullopt;
    auto rpk = lport ? pk(i + 2, "remote-pk") : std::nullopt;
    auto rport = rpk ? number(i + 3, "remote-port", 0xFFFF) : std::nullopt;
    if (!rport) return std::nullopt;
    return json::object{{"src_pk", *lpk}, {"src_port", *lport}, {"dst_pk", *rpk}, {"dst_port", *rport}};
  }
  // {"next_rid","next_tid"} from NRID NTPID at args[i…], merged into `fields`.
  bool next_hop(std::size_t i, json::object& fields) {
    auto nrid = number(i, "next-route-id", 0xFFFF'FFFEu);
    auto ntp = nrid ? uuid(i + 1, "next-transport-id") : std::nullopt;
    if (!ntp) return false;
    fields["next_rid"] = *nrid;
    fields["next_tid"] = *ntp;
    return true;
  }
};

// The RuleSummary to post for `kind` (app, fwd or intfwd), or the reason it cannot be built.
std::variant<json::object, std::string> rule_body(const std::string& kind, const route_flags& f) {
  static const std::map<std::string, std::pair<routing::rule_type, std::size_t>> kinds{
      {"app", {routing::rule_type::consume, 5}},
      {"fwd", {routing::rule_type::forward, 7}},
      {"intfwd", {routing::rule_type::intermediary, 3}}};
  const auto& [type, argc] = kinds.at(kind);
  if (f.rule_args.size() != argc) return "expected " + std::to_string(argc) + " arguments after '" + kind + "'";
  const auto keep_alive = wire::json::parse_go_duration(f.keep_alive);
  if (!keep_alive || keep_alive->count() <= 0) return "--keep-alive: '" + f.keep_alive + "' is not a positive duration";
  rule_parser p{f.rule_args, {}};
  auto rid = p.number(0, "route-id", 0xFFFF'FFFEu);
  if (!rid) return p.error;
  json::object rule{{"keep_alive", keep_alive->count()}, {"rule_type", static_cast<int>(type)}, {"key_route_id", *rid}};
  json::object fields;
  const std::size_t desc_at = type == routing::rule_type::consume ? 1 : 3;
  if (type != routing::rule_type::consume && !p.next_hop(1, fields)) return p.error;
  if (type != routing::rule_type::intermediary) {
    auto d = p.descriptor(desc_at);
    if (!d) return p.error;
    fields["route_descriptor"] = std::move(*d);
  }
  static const char* const names[] = {"app_fields", "forward_fields", "intermediary_forward_fields"};
  rule[names[static_cast<int>(type)]] = std::move(fields);
  return rule;
}

int run_add_rule(const std::string& kind, const route_flags& f) {
  auto body = rule_body(kind, f);
  if (auto* why = std::get_if<std::string>(&body)) return fail(*why, 2);
  auto v = call_visor(f.rpc, http_method::post, "/api/v1/routes", json::serialize(std::get<json::object>(body)));
  if (!v) return fail(v.error());
  return print_rules(f, *v);
}

int run_rm(const route_flags& f) {
  if (f.all == !f.ids.empty()) return fail("give route ids or -a", 2);
  json::array removed;
  if (f.all) {
    auto v = call_visor(f.rpc, http_method::delete_, "/api/v1/routes");
    if (!v) return fail(v.error());
    if (print_json(f, *v)) return 0;
    const auto* r = v->is_object() ? v->get_object().if_contains("removed") : nullptr;
    if (r && r->is_array()) removed = r->get_array();
  } else {
    for (auto id : f.ids) {
      auto v = call_visor(f.rpc, http_method::delete_, "/api/v1/routes/" + std::to_string(id));
      if (!v) return fail("route " + std::to_string(id) + ": " + v.error());
      removed.emplace_back(id);
    }
    if (print_json(f, json::object{{"removed", removed}})) return 0;
  }
  std::cout << "removed " << removed.size() << " rule" << (removed.size() == 1 ? "" : "s") << "\n";
  return 0;
}

int run_rtfind(const route_flags& f) {
  auto pk = crypto::public_key::from_text(f.pk);
  if (!pk || pk->is_null()) return fail("'" + f.pk + "' is not a public key", 2);
  if (f.min_hops > f.max_hops) return fail("--min-hops is above --max-hops", 2);
  json::object body{{"pk", pk->to_hex()}, {"min_hops", f.min_hops}, {"max_hops", f.max_hops}};
  auto v = call_visor(f.rpc, http_method::post, "/api/v1/routes/find", json::serialize(body), 20);
  if (!v) return fail(v.error());
  if (print_json(f, *v)) return 0;
  if (!v->is_object()) return fail("the visor's answer does not have the expected shape");
  // {"<src>:<dst>": [[{"TpID","From","To"}, …], …], …} as the route finder answers (§4.1).
  for (const auto& [edge, paths] : v->get_object()) {
    std::cout << "paths " << edge << "\n";
    if (!paths.is_array()) continue;
    std::vector<table_row> rows;
    std::size_t n = 0;
    for (const auto& p : paths.get_array()) {
      ++n;
      if (!p.is_array()) continue;
      std::size_t hop = 0;
      for (const auto& h : p.get_array()) {
        if (!h.is_object()) continue;
        const auto& o = h.get_object();
        rows.push_back({std::to_string(n), std::to_string(++hop), text_of(o, "From"), text_of(o, "To"), text_of(o, "TpID")});
      }
    }
    print_table(std::cout, {"PATH", "HOP", "FROM", "TO", "TRANSPORT"}, rows);
  }
  return 0;
}

}  // namespace

void register_cli_route(CLI::App& cli, run_state& state) {
  auto f = std::make_shared<route_flags>();
  CLI::App* route = cli.add_subcommand("route", "The running visor's routing rules, route groups and paths");
  route->require_subcommand(1);
  route->fallthrough();
  route->add_option("--rpc", f->rpc, "the visor's local API address (its cli_addr)")->capture_default_str();
  route->add_flag("--json", f->json, "print JSON instead of a table");
  const auto run = [f, &state](int (*fn)(const route_flags&)) { return [f, &state, fn] { state.exit_code = fn(*f); }; };

  route->add_subcommand("ls", "List the routing rules (consume, forward, intermediary) with their next hops")
      ->callback(run(run_ls));
  route->add_subcommand("groups", "List the route groups (end-to-end connections) with latency and bytes")
      ->callback(run(run_groups));

  CLI::App* rm = route->add_subcommand("rm", "Remove rules by key route id (a route group using one closes)");
  rm->add_option("ids", f->ids, "key route ids");
  rm->add_flag("-a,--all", f->all, "remove every rule");
  rm->callback(run(run_rm));

  CLI::App* rule = route->add_subcommand("rule", "Show one rule by its key route id");
  rule->add_option("id", f->id, "key route id")->required()->check(CLI::Range(1u, 0xFFFF'FFFEu));
  rule->callback(run(run_rule));

  CLI::App* add = route->add_subcommand(
      "add-rule", "Add a rule by hand (route id 0: the visor picks one; a given id must be one it handed out)");
  add->require_subcommand(1);
  add->fallthrough();
  add->add_option("--keep-alive", f->keep_alive, "idle time before the rule expires (Go duration: 30s, 5m, 1h)")
      ->capture_default_str();
  const std::pair<const char*, const char*> kinds[] = {
      {"app", "consume rule: ROUTE-ID LOCAL-PK LOCAL-PORT REMOTE-PK REMOTE-PORT"},
      {"fwd", "forward rule: ROUTE-ID NEXT-ROUTE-ID NEXT-TRANSPORT-ID LOCAL-PK LOCAL-PORT REMOTE-PK REMOTE-PORT"},
      {"intfwd", "intermediary forward rule: ROUTE-ID NEXT-ROUTE-ID NEXT-TRANSPORT-ID"}};
  for (const auto& [name, help] : kinds) {
    CLI::App* k = add->add_subcommand(name, help);
    k->add_option("args", f->rule_args, "the rule's fields, in the order above")->required();
    const std::string kind = name;
    k->callback([f, &state, kind] { state.exit_code = run_add_rule(kind, *f); });
  }

  CLI::App* find = route->add_subcommand(
      "rtfind", "Ask the route finder for paths from this visor to PK and back (shortest first, at most 5)");
  find->add_option("pk", f->pk, "the remote visor's public key")->required();
  find->add_option("-n,--min-hops", f->min_hops, "fewest hops")->capture_default_str()->check(CLI::Range(0u, 50u));
  find->add_option("-x,--max-hops", f->max_hops, "most hops")->capture_default_str()->check(CLI::Range(1u, 50u));
  find->callback(run(run_rtfind));
}

}  // namespace skywire::cli
