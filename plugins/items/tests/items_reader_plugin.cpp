// items-reader: a plugin for the items tests that sees the catalogue the way the hall, approval and
// the archive will — only through the contract "items.catalogue" — and records the items plugin's
// events (item.*), exposing both over HTTP for the tests to compare with the items plugin's own API.
#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include <wangban/context.hpp>
#include <wangban/contracts.hpp>
#include <wangban/contracts/items.hpp>
#include <wangban/database.hpp>
#include <wangban/events.hpp>
#include <wangban/http.hpp>
#include <wangban/plugin.hpp>
#include <wangban/problem.hpp>

namespace reader {

using json = nlohmann::json;
using wangban::contracts::ItemsCatalogue;

json limit_json(const wangban::contracts::TimeLimit& l) { return {{"value", l.value}, {"unit", l.unit}}; }

class ReaderPlugin final : public wangban::Plugin {
 public:
  void start(wangban::Context& ctx) override {
    ctx_ = &ctx;
    ctx.events().subscribe("record-item-events", "item.*", [](const wangban::Event& e, soci::session& tx) {
      int seq = 0;
      tx << "SELECT COUNT(*) FROM items_reader_events", soci::into(seq);
      tx << "INSERT INTO items_reader_events (event_id, topic, payload, seq) VALUES (:i, :t, :p, :s)", soci::use(e.id),
          soci::use(e.topic), soci::use(e.payload), soci::use(seq);
    });
    auto add = [&](std::string method, std::string path, wangban::Handler h, std::string schema = "") {
      ctx.routes().add({std::move(method), std::move(path), std::string(wangban::kPublic), "items-reader (tests)", std::move(schema), "",
                        std::move(h)});
    };
    add("GET", "/item/{code}", [this](const wangban::Request& req) {
      auto item = catalogue()->item(req.param("code"), req.query("date").value_or(""));
      if (!item) throw wangban::Problem::not_found("reader.not_found", "not in force");
      json materials = json::array();
      for (auto& m : item->materials)
        materials.push_back({{"id", m.id}, {"name", m.name}, {"kind", m.kind}, {"mandatory", m.mandatory}, {"archived", m.archived},
                             {"retention", m.retention}, {"use_permission", m.use_permission}, {"storage_term", m.storage_term},
                             {"replaceable_by_certificate", m.replaceable_by_certificate}, {"routing", m.routing}, {"local", m.local}});
      return wangban::Response::json({{"implementation_code", item->implementation_code}, {"basic_code", item->basic_code},
                                      {"name", item->name}, {"item_type", item->item_type}, {"level", item->level},
                                      {"exercise_level", item->exercise_level}, {"body_credit_code", item->body_credit_code},
                                      {"case_type", item->case_type}, {"statutory_limit", limit_json(item->statutory_limit)},
                                      {"promised_limit", limit_json(item->promised_limit)}, {"fully_online", item->fully_online},
                                      {"materials", materials}, {"form_schema", json::parse(item->form_schema)},
                                      {"guide", json::parse(item->guide_json)}, {"base_version", item->base_version},
                                      {"implementation_version", item->implementation_version},
                                      {"effective_from", item->effective_from}});
    });
    add("GET", "/find", [this](const wangban::Request& req) {
      wangban::contracts::ItemQuery q;
      q.text = req.query("q").value_or("");
      q.theme = req.query("theme").value_or("");
      q.fully_online_only = req.query("online").value_or("") == "1";
      q.limit = 500;
      json out = json::array();
      for (auto& s : catalogue()->find(q)) out.push_back(s.implementation_code);
      return wangban::Response::json(out);
    });
    add("GET", "/bundle/{code}", [this](const wangban::Request& req) {
      auto b = catalogue()->bundle(req.param("code"), req.query("date").value_or(""));
      if (!b) throw wangban::Problem::not_found("reader.not_found", "not in force");
      json members = json::array();
      for (auto& m : b->members) members.push_back({{"code", m.implementation_code}, {"department", m.department_id}, {"fields", m.field_mapping.size()}});
      return wangban::Response::json({{"name", b->name}, {"members", members}, {"materials", b->materials.size()}, {"version", b->version}});
    });
    add("GET", "/online", [this](const wangban::Request& req) {
      int version = 0;
      auto codes = catalogue()->online_list(req.query("date").value_or(""), &version);
      return wangban::Response::json({{"version", version}, {"codes", codes}});
    });
    add("POST", "/check/{code}", [this](const wangban::Request& req) {
      json out = json::array();
      for (auto& e : catalogue()->check_application(req.param("code"), req.json().dump())) out.push_back({{"pointer", e.pointer}, {"message", e.message}});
      return wangban::Response::json({{"errors", out}});
    }, R"({"type":"object"})");
    add("GET", "/events", [this](const wangban::Request&) {
      auto s = ctx_->database().session();
      json out = json::array();
      soci::rowset<soci::row> rows = (s->prepare << "SELECT topic, payload FROM items_reader_events ORDER BY seq");
      for (auto& r : rows) out.push_back({{"topic", r.get<std::string>(0)}, {"payload", json::parse(r.get<std::string>(1))}});
      return wangban::Response::json(out);
    });
  }

 private:
  std::shared_ptr<ItemsCatalogue> catalogue() {
    auto c = ctx_->contracts().find<ItemsCatalogue>();
    if (!c) throw wangban::Problem::unavailable("reader.no_catalogue", "the items plugin is not running");
    return c;
  }
  wangban::Context* ctx_ = nullptr;
};

}  // namespace reader

WANGBAN_PLUGIN(reader::ReaderPlugin, "items-reader", "1.0.0", "items >=1.0 <2", "事项目录契约的测试读者 (tests only)", "")
