// Messaging routes: thin HTTP wrappers over MessageService, DeliveryService and LivePush.
#include "messaging/messaging_routes.hpp"

#include <functional>

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "db/sql_database.hpp"
#include "http/query_params.hpp"
#include "http/router.hpp"
#include "messaging/delivery_service.hpp"
#include "messaging/live_push.hpp"
#include "messaging/message_service.hpp"

namespace wangban::kernel {
namespace {

using json = nlohmann::json;

const std::string& account_of(const Request& req) {
  if (req.principal().account_id.empty())
    throw Problem::forbidden("message.no_inbox", "系统管理令牌没有收件箱，请以账号登录");
  return req.principal().account_id;
}

}  // namespace

void register_messaging_routes(Router& router, Database& db, MessageService& messages, DeliveryService& deliveries,
                               LivePush& live) {
  auto add = std::bind_front(&Router::add_kernel, &router);
  const std::string any(kAuthenticated);

  add("GET", "/api/messages", any, "我的站内消息 (my inbox, newest first; ?unread=1, ?before=seq, ?limit=)", "",
      [&messages](const Request& req) {
        return Response::json(messages.inbox(account_of(req), req.query("unread").value_or("") == "1",
                                             query_integer(req, "before", 0, 1LL << 62),
                                             static_cast<int>(query_integer(req, "limit", 50, 200))));
      });
  add("POST", "/api/messages/{id}/read", any, "标记一条消息为已读 (mark a message read)", "",
      [&messages](const Request& req) {
        messages.mark_read(account_of(req), req.param("id"));
        return Response::no_content();
      });
  add("POST", "/api/messages/read-all", any, "全部标为已读 (mark all my messages read)", "", [&messages](const Request& req) {
    return Response::json({{"marked", messages.mark_all_read(account_of(req))}});
  });

  router.add_stream("kernel",
                    Route{"GET", "/api/messages/stream", any,
                          "站内消息实时推送 (Server-Sent Events: event unread, then event message per new message)",
                          "", "", nullptr},
                    [&live](const Request& req) {
                      long long last = 0;
                      if (auto id = req.header("last-event-id"); id && !id->empty() && id->size() < 19 &&
                                                                 id->find_first_not_of("0123456789") == std::string::npos)
                        last = std::stoll(*id);
                      return live.open(account_of(req), last);
                    });

  add("GET", "/api/messages/subscriptions", any, "我的订阅 (topics I subscribe to, with channels)", "",
      [&messages](const Request& req) {
        return Response::json({{"subscriptions", messages.subscriptions(account_of(req))}});
      });
  add("PUT", "/api/messages/subscriptions", any, "订阅主题或修改其渠道 (subscribe to a topic; \"prefix.*\" for a family)",
      R"json({"type":"object","required":["topic","channels"],"additionalProperties":false,"properties":{
          "topic":{"type":"string","minLength":1,"maxLength":200},
          "channels":{"type":"array","maxItems":3,"items":{"enum":["inbox","email","sms"]}}}})json",
      [&messages](const Request& req) {
        const auto& b = req.json();
        messages.subscribe(account_of(req), b["topic"], b["channels"].get<std::vector<std::string>>());
        return Response::no_content();
      });
  add("DELETE", "/api/messages/subscriptions/{topic}", any, "取消订阅 (unsubscribe from a topic)", "",
      [&messages](const Request& req) {
        messages.unsubscribe(account_of(req), req.param("topic"));
        return Response::no_content();
      });

  add("POST", "/api/admin/messages", "messages.send",
      "发送站内消息：给账号、机构（含下级）或角色 (send to an account, an org subtree or a role)",
      R"json({"type":"object","required":["to","title"],"additionalProperties":false,"properties":{
          "to":{"type":"object","required":["kind","id"],"additionalProperties":false,"properties":{
              "kind":{"enum":["account","org_unit","role"]},"id":{"type":"string","minLength":1,"maxLength":200},
              "org_unit_id":{"type":"string","maxLength":36,"description":"for a role: only holders within this subtree"}}},
          "topic":{"type":"string","maxLength":200},
          "title":{"type":"string","minLength":1,"maxLength":200},
          "body":{"type":"string","maxLength":20000},
          "link":{"type":"string","maxLength":1000},
          "channels":{"type":"array","maxItems":2,"items":{"enum":["email","sms"]}}}})json",
      [&messages, &db](const Request& req) {
        const auto& b = req.json();
        const auto& to = b["to"];
        std::string kind = to["kind"];
        Recipient r = kind == "account"    ? Recipient::account(to["id"])
                      : kind == "org_unit" ? Recipient::org_unit(to["id"])
                                           : Recipient::role(to["id"], to.value("org_unit_id", ""));
        Message m{b.value("topic", "notice"), b["title"], b.value("body", ""), b.value("link", ""),
                  b.value("channels", std::vector<std::string>{})};
        const auto& who = req.principal();
        auto s = db.session();
        WriteTransaction tx(*s, db.dialect());
        auto id = messages.send(*s, who.account_id.empty() ? "system" : who.account_id, r, m);
        tx.commit();
        return Response::json({{"id", id}}, 201);
      });

  add("GET", "/api/messages/directory", "messages.send",
      "收件人目录：工作人员账号、机构和角色 (who a sender may address: staff accounts, org units, roles)", "",
      [&db](const Request&) {
        auto s = db.session();
        json accounts = json::array(), units = json::array(), roles = json::array();
        soci::rowset<soci::row> a = (s->prepare << "SELECT a.id, a.display_name, o.name FROM wb_accounts a LEFT JOIN"
                                                   " wb_org_units o ON o.id = a.org_unit_id WHERE a.kind = 'staff'"
                                                   " AND a.disabled = 0 ORDER BY o.path, a.display_name");
        for (auto& r : a)
          accounts.push_back({{"id", r.get<std::string>(0)}, {"display_name", r.get<std::string>(1)},
                              {"org_name", r.get_indicator(2) == soci::i_null ? json(nullptr) : json(r.get<std::string>(2))}});
        soci::rowset<soci::row> o = (s->prepare << "SELECT id, name, level, path FROM wb_org_units ORDER BY path");
        for (auto& r : o)
          units.push_back({{"id", r.get<std::string>(0)}, {"name", r.get<std::string>(1)}, {"level", r.get<std::string>(2)},
                           {"path", r.get<std::string>(3)}});
        soci::rowset<soci::row> ro = (s->prepare << "SELECT name, title FROM wb_roles ORDER BY name");
        for (auto& r : ro) roles.push_back({{"name", r.get<std::string>(0)}, {"title", r.get<std::string>(1)}});
        return Response::json({{"accounts", accounts}, {"org_units", units}, {"roles", roles}});
      });

  add("GET", "/api/admin/deliveries", "messages.deliveries.read",
      "邮件和短信的投递记录及每次尝试 (deliveries with every attempt; ?status=, ?message_id=, ?limit=)", "",
      [&deliveries](const Request& req) {
        return Response::json({{"deliveries", deliveries.list(req.query("status").value_or(""),
                                                              req.query("message_id").value_or(""),
                                                              static_cast<int>(query_integer(req, "limit", 100, 1000)))}});
      });
}

}  // namespace wangban::kernel
