// Messaging through the running kernel: in-site messages to accounts, organisation subtrees
// and roles; a plugin telling an applicant and publishing to subscribers in the transaction
// of its change; the live stream (Server-Sent Events); e-mail through a real SMTP server
// (aiosmtpd, Debian's python3-aiosmtpd) and SMS through an HTTP gateway, with failed attempts recorded and retried.
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

#include <soci/soci.h>

#include "config/config.hpp"
#include "db/sql_database.hpp"
#include "events/event_bus.hpp"
#include "messaging/message_service.hpp"
#include "support.hpp"
#include "test_pki.hpp"
#include "util/logging.hpp"

using namespace wbtest;

namespace {

const char* kXihu = "d0000000-0000-4000-8000-000000000004";
const char* kShangcheng = "d0000000-0000-4000-8000-000000000005";
const char* kClerk = "d1000000-0000-4000-8000-000000000002";
const char* kAuditor = "d1000000-0000-4000-8000-000000000004";

struct MessagingKernel {
  testpki::Key root_key = testpki::sm2_key();
  testpki::Cert root = testpki::issue({"网办测试根CA", "", -10, 3650, true, "", 1}, root_key.get(), root_key.get(), nullptr);
  testpki::Key person_key = testpki::sm2_key();
  testpki::Cert person = testpki::issue({"王小明", "11010519491231002X", -1, 365, false, "digitalSignature", 2},
                                        person_key.get(), root_key.get(), root.get());
  fs::path dir = fs::temp_directory_path() / ("wangban-msg-" + wangban::testing::random_suffix());
  PluginFolder folder{{"greeting", "casebook"}};
  std::unique_ptr<KernelProcess> k;

  explicit MessagingKernel(std::map<std::string, std::string> env = {}) {
    fs::create_directories(dir);
    std::ofstream(dir / "root.pem") << testpki::pem(root.get());
    auto o = options(folder, {"greeting", "casebook"});
    o.demo_data = true;
    o.env["WANGBAN_IDENTITY_TRUST_ANCHORS"] = (dir / "root.pem").string();
    o.env["WANGBAN_MESSAGING_DELIVERY_INTERVAL_MS"] = "100";
    o.env["WANGBAN_MESSAGING_DELIVERY_RETRY_SECONDS"] = "1";
    o.env["WANGBAN_MESSAGING_DELIVERY_TIMEOUT_SECONDS"] = "5";
    o.env["WANGBAN_SERVER_PUBLIC_URL"] = "https://zwfw.example.gov.cn";
    for (auto& [key, v] : env) o.env[key] = v;
    k = std::make_unique<KernelProcess>(o);
    auto role = k->client(true).Put("/api/admin/roles/clerk",
                                    R"({"title":"受理人员","permissions":["casebook.case.accept","casebook.case.read"]})",
                                    "application/json");
    REQUIRE(role);
    REQUIRE(role->status == 204);
  }
  ~MessagingKernel() { fs::remove_all(dir); }

  httplib::Client as(const std::string& token) {
    auto c = k->client();
    c.set_bearer_token_auth(token);
    return c;
  }
  std::string staff(const std::string& user) {
    auto r = k->client().Post("/api/auth/login",
                              json{{"username", user}, {"password", kDemoPassword}, {"mode", "bearer"}}.dump(),
                              "application/json");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return json::parse(r->body)["token"];
  }
  std::string applicant() {
    std::string nonce = body_of(k->client().Post("/api/auth/cert/challenge", "", "application/json"))["nonce"];
    json body = {{"certificate_chain", {testpki::pem(person.get())}}, {"nonce", nonce},
                 {"signature", testpki::base64(testpki::sign(person_key.get(), nonce))}, {"mode", "bearer"}};
    auto r = k->client().Post("/api/auth/cert/login", body.dump(), "application/json");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return json::parse(r->body)["token"];
  }
  httplib::Result send(const json& to, const std::string& title, json extra = json::object()) {
    json body = {{"to", to}, {"title", title}, {"body", "正文：" + title}};
    body.update(extra);
    return k->client(true).Post("/api/admin/messages", body.dump(), "application/json");
  }
  json inbox(const std::string& token, const std::string& query = "") {
    return body_of(as(token).Get("/api/messages" + query));
  }
  // The accepted case of a fresh applicant: filed by the person, accepted by the clerk.
  std::string accepted_case(const std::string& person_token) {
    auto filed = as(person_token).Post("/api/casebook/cases",
                                       json{{"title", "个体工商户登记"}, {"org_path", "/d0000000-0000-4000-8000-000000000001/"
                                             "d0000000-0000-4000-8000-000000000002/d0000000-0000-4000-8000-000000000003/"
                                             "d0000000-0000-4000-8000-000000000004/"}}.dump(),
                                       "application/json");
    REQUIRE(filed);
    REQUIRE(filed->status == 201);
    std::string id = json::parse(filed->body)["id"];
    auto accepted = as(staff("clerk")).Post("/api/casebook/cases/" + id + "/accept", "{}", "application/json");
    REQUIRE(accepted);
    INFO(accepted->body);
    REQUIRE(accepted->status == 200);
    return id;
  }
  json deliveries(const std::string& query = "") {
    return body_of(k->client(true).Get("/api/admin/deliveries" + query))["deliveries"];
  }
};

std::vector<std::string> titles(const json& inbox) {
  std::vector<std::string> out;
  for (auto& m : inbox["messages"]) out.push_back(m["title"]);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// A process started for a test and killed with it.
struct Child {
  pid_t pid = -1;
  explicit Child(const std::vector<std::string>& argv) {
    pid = ::fork();
    if (pid == 0) {
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execvp(args[0], args.data());
      ::_exit(127);
    }
  }
  ~Child() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

}  // namespace

TEST_CASE("in-site messages reach an account, an organisation subtree and the holders of a role, once each") {
  MessagingKernel t;
  REQUIRE(t.send({{"kind", "org_unit"}, {"id", kXihu}}, "西湖区全体通知")->status == 201);
  REQUIRE(t.send({{"kind", "role"}, {"id", "clerk"}}, "全体受理人员")->status == 201);
  REQUIRE(t.send({{"kind", "role"}, {"id", "clerk"}, {"org_unit_id", kShangcheng}}, "上城区受理人员")->status == 201);
  REQUIRE(t.send({{"kind", "account"}, {"id", kAuditor}}, "给审计员")->status == 201);

  auto clerk = t.staff("clerk"), clerk2 = t.staff("clerk2"), approver = t.staff("approver"), auditor = t.staff("auditor");
  auto of_clerk = titles(t.inbox(clerk)), of_clerk2 = titles(t.inbox(clerk2)), of_approver = titles(t.inbox(approver)),
       of_auditor = titles(t.inbox(auditor));
  CHECK(of_clerk == std::vector<std::string>{"全体受理人员", "西湖区全体通知"});  // newest first
  CHECK(of_clerk2 == std::vector<std::string>{"上城区受理人员", "全体受理人员"});
  CHECK(of_approver == std::vector<std::string>{"西湖区全体通知"});
  CHECK(of_auditor == std::vector<std::string>{"给审计员"});

  // Read marks and the unread count are per person.
  auto box = t.inbox(clerk);
  CHECK(box["unread"] == 2);
  std::string first = box["messages"][0]["id"];
  CHECK(t.as(clerk).Post("/api/messages/" + first + "/read", "", "application/json")->status == 204);
  CHECK(t.inbox(clerk)["unread"] == 1);
  CHECK(t.inbox(clerk, "?unread=1")["messages"].size() == 1);
  CHECK(t.inbox(clerk2)["unread"] == 2);  // not touched by the clerk's read
  CHECK(t.as(clerk2).Post("/api/messages/" + first + "/read", "", "application/json")->status == 204);  // also theirs
  auto approver_read = t.as(approver).Post("/api/messages/" + first + "/read", "", "application/json");
  REQUIRE(approver_read);
  CHECK(approver_read->status == 404);  // not in the approver's inbox
  CHECK(body_of(t.as(clerk).Post("/api/messages/read-all", "", "application/json"))["marked"] == 1);
  CHECK(t.inbox(clerk)["unread"] == 0);

  // Bad input is refused and nothing is stored.
  auto unknown = t.send({{"kind", "account"}, {"id", "no-such-account"}}, "不存在");
  REQUIRE(unknown);
  CHECK(json::parse(unknown->body)["code"] == "message.unknown_recipient");
  auto script = t.send({{"kind", "account"}, {"id", kAuditor}}, "链接", {{"link", "javascript:alert(1)"}});
  REQUIRE(script);
  CHECK(json::parse(script->body)["code"] == "message.bad_link");
  CHECK(titles(t.inbox(auditor)) == std::vector<std::string>{"给审计员"});
  CHECK(t.as(clerk).Post("/api/admin/messages", R"({"to":{"kind":"account","id":"x"},"title":"t"})", "application/json")
            ->status == 403);

  // Senders pick recipients from the directory without holding the account administration.
  REQUIRE(t.k->client(true).Put("/api/admin/roles/sender", R"({"title":"发信人","permissions":["messages.send"]})",
                                "application/json")->status == 204);
  REQUIRE(t.k->client(true).Post("/api/admin/assignments",
                                 json{{"account_id", kAuditor}, {"role", "sender"}, {"org_unit_id", kXihu}}.dump(),
                                 "application/json")->status == 204);
  auto directory = body_of(t.as(t.staff("auditor")).Get("/api/messages/directory"));
  CHECK(directory["accounts"].size() == 5);
  CHECK(std::any_of(directory["roles"].begin(), directory["roles"].end(), [](const json& r) { return r["name"] == "clerk"; }));
  CHECK(directory["org_units"].size() == 6);
  CHECK(t.as(clerk).Get("/api/messages/directory")->status == 403);
}

TEST_CASE("a plugin tells the applicant and publishes to subscribers in the transaction of its change") {
  MessagingKernel t;
  auto person = t.applicant();
  auto approver = t.staff("approver"), clerk2 = t.staff("clerk2"), auditor = t.staff("auditor");
  auto sub = [&](const std::string& token, const std::string& topic) {
    return t.as(token).Put("/api/messages/subscriptions", json{{"topic", topic}, {"channels", {"inbox"}}}.dump(),
                           "application/json");
  };
  CHECK(sub(approver, "casebook.case.accepted")->status == 204);
  CHECK(sub(clerk2, "casebook.*")->status == 204);
  CHECK(sub(clerk2, "casebook.case.accepted")->status == 204);  // covered twice: gets it once
  CHECK(sub(auditor, "other.topic")->status == 204);
  auto bad = sub(auditor, "Casebook..x");
  REQUIRE(bad);
  CHECK(json::parse(bad->body)["code"] == "message.bad_topic");
  auto listed = body_of(t.as(clerk2).Get("/api/messages/subscriptions"))["subscriptions"];
  REQUIRE(listed.size() == 2);
  CHECK(listed[0]["topic"] == "casebook.*");

  auto id = t.accepted_case(person);
  auto mine = t.inbox(person)["messages"];
  REQUIRE(mine.size() == 1);
  CHECK(mine[0]["title"] == "您的申请已受理");
  CHECK(mine[0]["link"] == "/cases/" + id);
  CHECK(mine[0]["sender"] == "casebook");
  CHECK(titles(t.inbox(approver)) == std::vector<std::string>{"案件已受理：个体工商户登记"});
  CHECK(titles(t.inbox(clerk2)) == std::vector<std::string>{"案件已受理：个体工商户登记"});
  CHECK(t.inbox(auditor)["messages"].empty());

  // Unsubscribed: the next publication does not come.
  CHECK(t.as(approver).Delete("/api/messages/subscriptions/casebook.case.accepted")->status == 204);
  CHECK(t.as(approver).Delete("/api/messages/subscriptions/casebook.case.accepted")->status == 404);
  t.accepted_case(person);
  CHECK(t.inbox(approver)["messages"].size() == 1);
  CHECK(t.inbox(clerk2)["messages"].size() == 2);
}

TEST_CASE("the live stream pushes a message the moment it is sent, and Last-Event-ID replays what was missed") {
  MessagingKernel t;
  auto clerk = t.staff("clerk");
  std::mutex m;
  std::string received;
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    auto c = t.as(clerk);
    c.set_read_timeout(30, 0);
    c.Get("/api/messages/stream", [&](const httplib::Response& head) { return head.status == 200; },
          [&](const char* data, std::size_t n) {
            std::lock_guard lock(m);
            received.append(data, n);
            return !stop.load();
          });
  });
  auto got = [&](const std::string& needle) {
    return wait_until([&] {
      std::lock_guard lock(m);
      return received.find(needle) != std::string::npos;
    }, std::chrono::seconds(10));
  };
  CHECK(got("event: unread\ndata: {\"unread\":0}"));
  REQUIRE(t.send({{"kind", "account"}, {"id", kClerk}}, "实时推送一")->status == 201);
  CHECK(got("实时推送一"));
  REQUIRE(t.send({{"kind", "role"}, {"id", "clerk"}}, "实时推送二")->status == 201);
  CHECK(got("实时推送二"));
  {
    std::lock_guard lock(m);
    CHECK(received.find("event: message") != std::string::npos);
  }
  stop = true;
  t.send({{"kind", "account"}, {"id", kClerk}}, "让读者醒来");  // the reader notices `stop` on its next chunk
  reader.join();

  // A reconnecting browser sends the last id it saw and gets what came after.
  auto box = t.inbox(clerk);
  long long seen = box["messages"][1]["seq"];  // "实时推送二" is [1], "让读者醒来" [0]
  std::string replay;
  auto c = t.as(clerk);
  c.Get("/api/messages/stream", httplib::Headers{{"Last-Event-ID", std::to_string(seen)}},
        [&](const httplib::Response&) { return true; },
        [&](const char* data, std::size_t n) {
          replay.append(data, n);
          return replay.find("让读者醒来") == std::string::npos;  // hang up once it came
        });
  CHECK(replay.find("让读者醒来") != std::string::npos);
  CHECK(replay.find("实时推送二") == std::string::npos);
  CHECK(t.k->client().Get("/api/messages/stream")->status == 401);
}

TEST_CASE("e-mail goes through a real SMTP server: attempts while it is down are recorded and retried") {
  int port = KernelProcess::pick_port();
  MessagingKernel t({{"WANGBAN_MESSAGING_SMTP_URL", "smtp://127.0.0.1:" + std::to_string(port)},
                     {"WANGBAN_MESSAGING_SMTP_FROM", "noreply@zwfw.example.gov.cn"}});
  auto clerk = t.staff("clerk");
  REQUIRE(t.as(clerk).Put("/api/auth/profile", R"({"email":"zhangsan@xihu.example.gov.cn"})", "application/json")->status ==
          204);
  REQUIRE(t.send({{"kind", "account"}, {"id", kClerk}}, "办件提醒：请于今日处理", {{"channels", {"email"}}, {"link", "/work"}})
              ->status == 201);
  // Nothing listens yet: the first attempts fail and are kept.
  REQUIRE(wait_until([&] {
    auto d = t.deliveries("?status=queued");
    return !d.empty() && d[0]["attempts"] >= 1;
  }, std::chrono::seconds(15)));
  auto failing = t.deliveries()[0];
  CHECK(failing["channel"] == "email");
  CHECK(failing["address"] == "zhangsan@xihu.example.gov.cn");
  CHECK(failing["attempt_log"][0]["outcome"] == "failed");
  CHECK_FALSE(failing["last_error"].get<std::string>().empty());

  // The SMTP server comes up: the next attempt delivers.
  fs::path maildir = t.dir / "maildir";
  Child smtp({"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + std::to_string(port), "-c",
              "aiosmtpd.handlers.Mailbox", maildir.string()});
  bool delivered = wait_until([&] { return t.deliveries("?status=sent").size() == 1; }, std::chrono::seconds(30));
  INFO(t.deliveries().dump());
  REQUIRE(delivered);
  auto sent = t.deliveries()[0];
  auto log = sent["attempt_log"];
  REQUIRE(log.size() >= 2);
  CHECK(log[0]["outcome"] == "failed");
  CHECK(log[log.size() - 1]["outcome"] == "sent");
  CHECK(sent["attempts"] == log.size());

  std::string mail;
  for (auto& sub : {"new", "cur"})
    if (fs::exists(maildir / sub))
      for (auto& f : fs::directory_iterator(maildir / sub)) mail = (std::ostringstream() << std::ifstream(f.path()).rdbuf()).str();
  REQUIRE_FALSE(mail.empty());
  CHECK(mail.find("To: zhangsan@xihu.example.gov.cn") != std::string::npos);
  CHECK(mail.find("Subject: =?UTF-8?B?") != std::string::npos);
  CHECK(mail.find("Content-Type: text/plain; charset=UTF-8") != std::string::npos);
  // The body is base64: decode the part after the blank line and look for the text and the link.
  auto blank = mail.find("\n\n");
  REQUIRE(blank != std::string::npos);
  std::string b64;
  for (char ch : mail.substr(blank + 2))
    if (!std::isspace(static_cast<unsigned char>(ch))) b64 += ch;
  auto [decoded, rc] = run_command("printf '%s' '" + b64 + "' | base64 -d");
  CHECK(decoded.find("正文：办件提醒：请于今日处理") != std::string::npos);
  CHECK(decoded.find("https://zwfw.example.gov.cn/work") != std::string::npos);
}

TEST_CASE("SMS goes to the HTTP gateway with the signature, an error is retried, and no address is recorded, not tried") {
  std::mutex m;
  std::vector<json> posts;
  std::atomic<int> calls{0};
  httplib::Server gateway;
  gateway.Post("/sms", [&](const httplib::Request& req, httplib::Response& res) {
    bool first = calls++ == 0;
    if (req.get_header_value("Authorization") != "Bearer gateway-token") {
      res.status = 401;
      return;
    }
    if (first) {  // the gateway is busy the first time
      res.status = 503;
      res.set_content("busy", "text/plain");
      return;
    }
    std::lock_guard lock(m);
    posts.push_back(json::parse(req.body));
    res.set_content(R"({"ok":true})", "application/json");
  });
  int port = gateway.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { gateway.listen_after_bind(); });
  {
    MessagingKernel t({{"WANGBAN_MESSAGING_SMS_GATEWAY_URL", "http://127.0.0.1:" + std::to_string(port) + "/sms"},
                       {"WANGBAN_MESSAGING_SMS_GATEWAY_TOKEN", "gateway-token"}});
    auto person = t.applicant();
    REQUIRE(t.as(person).Put("/api/auth/profile", R"({"mobile":"13800138000"})", "application/json")->status == 204);
    t.accepted_case(person);  // the plugin asks for e-mail and SMS
    REQUIRE(wait_until([&] { return t.deliveries("?status=sent").size() == 1; }, std::chrono::seconds(20)));
    auto all = t.deliveries();
    REQUIRE(all.size() == 2);
    for (auto& d : all) {
      if (d["channel"] == "sms") {
        CHECK(d["status"] == "sent");
        CHECK(d["attempt_log"].size() == 2);
        CHECK(d["attempt_log"][0]["detail"].get<std::string>().find("503") != std::string::npos);
      } else {
        CHECK(d["channel"] == "email");
        CHECK(d["status"] == "no_address");  // the person gave no e-mail address
        CHECK(d["attempt_log"].empty());
      }
    }
    std::lock_guard lock(m);
    REQUIRE(posts.size() == 1);
    CHECK(posts[0]["to"] == "13800138000");
    CHECK(posts[0]["text"].get<std::string>().starts_with("【网办】您的申请已受理："));
  }
  gateway.stop();
  serving.join();
}

TEST_CASE("messages older than the retention period are deleted with their inbox rows and deliveries") {
  MessagingKernel t;
  REQUIRE(t.send({{"kind", "role"}, {"id", "clerk"}}, "旧消息", {{"channels", {"email"}}})->status == 201);
  REQUIRE(t.send({{"kind", "role"}, {"id", "clerk"}}, "新消息")->status == 201);
  REQUIRE(wait_until([&] { return t.deliveries().size() == 2; }, std::chrono::seconds(10)));  // planned from the outbox
  REQUIRE(t.k->terminate() == 0);

  auto config = wangban::kernel::KernelConfig::load(t.k->config_path(), {});
  wangban::kernel::SqlDatabase db(config.database);
  {
    auto s = db.session();
    *s << "UPDATE wb_messages SET created_ms = created_ms - 34560000000 WHERE title = '旧消息'";  // 400 days
  }
  wangban::kernel::EventsConfig events_config;
  events_config.dispatch = false;
  wangban::kernel::EventBus events(db, events_config, wangban::kernel::named_logger("test"));
  wangban::kernel::MessageService messages(db, events);
  CHECK(messages.purge_older_than(365) == 1);
  auto count = [&](const std::string& sql) {
    long long n = 0;
    auto s = db.session();
    *s << sql, soci::into(n);
    return n;
  };
  CHECK(count("SELECT COUNT(*) FROM wb_messages WHERE title IN ('旧消息', '新消息')") == 1);
  CHECK(count("SELECT COUNT(*) FROM wb_inbox") == 2);        // 新消息 for the two clerks (the demo notices had no subscribers)
  CHECK(count("SELECT COUNT(*) FROM wb_deliveries") == 0);   // the old message's e-mail deliveries went with it
  CHECK(messages.purge_older_than(365) == 0);
}
