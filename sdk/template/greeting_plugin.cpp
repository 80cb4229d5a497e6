// The greeting plugin: the SDK's template, showing each part a plugin has.
//
// - a public route and a protected route with a JSON Schema for its body,
// - a migration (migrations/001_greetings.sql) and demo data (demo/),
// - a durable event published in the same transaction as the insert,
// - an event handler that keeps a count, idempotent by construction,
// - a config section with a default (salutation).
// Copy this folder to start a plugin of your own (see sdk/README.md).
#include <nlohmann/json.hpp>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <wangban/context.hpp>
#include <wangban/database.hpp>
#include <wangban/events.hpp>
#include <wangban/http.hpp>
#include <wangban/plugin.hpp>
#include <wangban/problem.hpp>

namespace greeting {

using json = nlohmann::json;

class GreetingPlugin final : public wangban::Plugin {
 public:
  void start(wangban::Context& ctx) override {
    ctx_ = &ctx;
    salutation_ = ctx.config().value("salutation", "你好");

    ctx.routes().add({"GET", "/hello", std::string(wangban::kPublic), "问候 (a greeting, no login needed)", "",
                      R"({"type":"object","required":["message"],"properties":{"message":{"type":"string"}}})",
                      [this](const wangban::Request& req) {
                        auto who = req.query("name").value_or("世界");
                        return wangban::Response::json({{"message", salutation_ + "，" + who}});
                      },
                      /*blocking=*/false});  // answers from memory: may run on the event loop

    ctx.routes().add({"POST", "/greetings", "greeting.write", "记录一条问候 (store a greeting and publish an event)",
                      R"({"type":"object","required":["name"],"additionalProperties":false,
                          "properties":{"name":{"type":"string","minLength":1,"maxLength":50}}})",
                      "", [this](const wangban::Request& req) { return create(req); }});

    ctx.routes().add({"GET", "/greetings/{id}", std::string(wangban::kPublic), "读取一条问候 (one greeting)", "", "",
                      [this](const wangban::Request& req) { return read(req.param("id")); }});

    ctx.routes().add({"GET", "/stats", std::string(wangban::kPublic), "事件处理计数 (greetings seen by the event handler)",
                      "", "", [this](const wangban::Request&) {
                        auto s = ctx_->database().session();
                        long long seen = 0;
                        *s << "SELECT COUNT(*) FROM greeting_seen", soci::into(seen);
                        return wangban::Response::json({{"seen", seen}});
                      }});

    // Runs in the kernel's transaction: the insert and the "processed" mark commit together.
    ctx.events().subscribe("count-greetings", "greeting.created", [](const wangban::Event& e, soci::session& tx) {
      auto payload = json::parse(e.payload);
      long long id = payload.at("id").get<long long>();
      tx << "INSERT INTO greeting_seen (greeting_id, event_id) VALUES (:g, :e)", soci::use(id), soci::use(e.id);
    });
    ctx.logger()->info("greeting plugin ready, salutation {}", salutation_);
  }

 private:
  wangban::Response create(const wangban::Request& req) {
    std::string name = req.json().at("name").get<std::string>();
    auto s = ctx_->database().session();
    wangban::WriteTransaction tx(*s, ctx_->database().dialect());
    *s << "INSERT INTO greetings (name) VALUES (:n)", soci::use(name);
    long long id = 0;
    *s << "SELECT MAX(id) FROM greetings", soci::into(id);
    ctx_->events().publish(*s, "greeting.created", {{"id", id}, {"name", name}});
    tx.commit();
    return wangban::Response::json({{"id", id}, {"message", salutation_ + "，" + name}}, 201);
  }

  wangban::Response read(const std::string& id_text) {
    long long id = 0;
    try {
      id = std::stoll(id_text);
    } catch (const std::exception&) {
      throw wangban::Problem::bad_request("greeting.bad_id", "编号必须是数字 (the id must be a number)");
    }
    auto s = ctx_->database().session();
    std::string name;
    soci::indicator ind = soci::i_null;
    *s << "SELECT name FROM greetings WHERE id = :id", soci::use(id), soci::into(name, ind);
    if (!s->got_data() || ind != soci::i_ok)
      throw wangban::Problem::not_found("greeting.not_found", "没有这条问候 (no greeting " + id_text + ")");
    return wangban::Response::json({{"id", id}, {"name", name}});
  }

  wangban::Context* ctx_ = nullptr;
  std::string salutation_;
};

}  // namespace greeting

WANGBAN_PLUGIN(greeting::GreetingPlugin, "greeting", "1.0.0", "", "问候示例插件 (SDK template)",
               R"({"type":"object","additionalProperties":false,
                   "properties":{"salutation":{"type":"string","default":"你好","description":"word put before the name"}}})")
