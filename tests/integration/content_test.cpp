// Unified content through the running kernel: the draft → review → publish workflow with four
// eyes, versions, scheduled publishing and withdrawal, attachments in the blob store,
// sanitised HTML, subscribers told, and the search index following what is published.
#include <fstream>

#include "support.hpp"
#include "util/digest.hpp"

using namespace wbtest;

namespace {

const char* kClerk = "d1000000-0000-4000-8000-000000000002";
const char* kApprover = "d1000000-0000-4000-8000-000000000003";
const char* kRoot = "d0000000-0000-4000-8000-000000000001";

struct ContentKernel {
  PluginFolder folder{{"greeting", "casebook"}};
  KernelProcess k{[this] {
    auto o = options(folder, {"greeting", "casebook"});
    o.demo_data = true;
    return o;
  }()};
  std::string clerk, approver;

  ContentKernel() {
    auto admin = k.client(true);
    auto role = [&](const std::string& name, const std::string& perms) {
      auto r = admin.Put("/api/admin/roles/" + name, R"({"title":")" + name + R"(","permissions":)" + perms + "}",
                         "application/json");
      REQUIRE(r);
      REQUIRE(r->status == 204);
    };
    role("editor", R"(["content.read","content.write"])");
    role("reviewer", R"(["content.read","content.write","content.review"])");
    auto assign = [&](const char* account, const char* r) {
      auto a = admin.Post("/api/admin/assignments", json{{"account_id", account}, {"role", r}, {"org_unit_id", kRoot}}.dump(),
                          "application/json");
      REQUIRE(a);
      REQUIRE(a->status == 204);
    };
    assign(kClerk, "editor");
    assign(kApprover, "reviewer");
    clerk = login("clerk");
    approver = login("approver");
  }
  std::string login(const std::string& user) {
    auto token = bearer_login(k, user);
    REQUIRE(!token.empty());
    return token;
  }
  httplib::Client as(const std::string& token) { return client_as(k, token); }
  std::string create(const std::string& type, const std::string& title, const std::string& markdown,
                     json attachments = json::array()) {
    auto r = as(clerk).Post("/api/content/publications",
                            json{{"type", type}, {"title", title}, {"summary", "摘要：" + title}, {"markdown", markdown},
                                 {"attachments", attachments}}.dump(),
                            "application/json");
    REQUIRE(r);
    INFO(r->body);
    REQUIRE(r->status == 201);
    return json::parse(r->body)["id"];
  }
  int post(const std::string& token, const std::string& path, const json& body = json::object()) {
    auto r = as(token).Post(path, body.dump(), "application/json");
    REQUIRE(r);
    return r->status;
  }
  std::string code(const std::string& token, const std::string& path, const json& body = json::object()) {
    auto r = as(token).Post(path, body.dump(), "application/json");
    REQUIRE(r);
    return r->status < 300 ? "" : json::parse(r->body).value("code", "");
  }
  int public_status(const std::string& id) { return k.client().Get("/api/content/public/" + id)->status; }
  json search(const std::string& query) { return body_of(k.client().Get("/api/search?" + query)); }
  bool found(const std::string& words, const std::string& id) {
    auto hits = search("q=" + httplib::detail::encode_query_param(words))["hits"];
    return std::any_of(hits.begin(), hits.end(), [&](const json& h) { return h["id"] == id; });
  }
};

}  // namespace

TEST_CASE("draft, review by someone else, publish, new version, reject, approve, withdraw") {
  ContentKernel t;
  // A citizen subscribed to notices hears of each one published (here: the auditor's inbox).
  auto auditor = t.login("auditor");
  REQUIRE(t.as(auditor).Put("/api/messages/subscriptions", R"({"topic":"content.notice","channels":["inbox"]})",
                            "application/json")->status == 204);

  auto id = t.create("notice", "关于调整社保缴费基数的通知", "# 通知\n\n自 2027 年 1 月起，**社保缴费基数**按上年平均工资调整。");
  CHECK(t.public_status(id) == 404);  // a draft is not public
  CHECK(t.code(t.clerk, "/api/content/publications/" + id + "/review", {{"decision", "approve"}}) == "auth.forbidden");
  CHECK(t.code(t.approver, "/api/content/publications/" + id + "/review", {{"decision", "approve"}}) ==
        "content.not_submitted");
  CHECK(t.post(t.clerk, "/api/content/publications/" + id + "/submit") == 204);
  auto in_review = t.as(t.clerk).Put("/api/content/publications/" + id + "/draft", R"({"title":"改","markdown":"x"})",
                                     "application/json");
  REQUIRE(in_review);
  CHECK(json::parse(in_review->body)["code"] == "content.in_review");
  CHECK(t.post(t.approver, "/api/content/publications/" + id + "/review", {{"decision", "approve"}}) == 204);

  auto pub = body_of(t.k.client().Get("/api/content/public/" + id));
  CHECK(pub["version"] == 1);
  CHECK(pub["html"].get<std::string>().find("<strong>社保缴费基数</strong>") != std::string::npos);
  CHECK(body_of(t.k.client().Get("/api/content/public?type=notice"))["publications"][0]["id"] == id);
  CHECK(wait_until([&] { return t.found("社保缴费", id); }, std::chrono::seconds(10)));
  auto inbox = body_of(t.as(auditor).Get("/api/messages"))["messages"];
  REQUIRE(inbox.size() == 1);
  CHECK(inbox[0]["title"] == "新发布的通知公告：关于调整社保缴费基数的通知");
  CHECK(inbox[0]["link"] == "/content/" + id);

  // A new version after approval: the public keeps seeing version 1 until version 2 is approved.
  auto v2 = t.as(t.clerk).Put("/api/content/publications/" + id + "/draft",
                              R"({"title":"关于调整社保缴费基数的通知（修订）","markdown":"自 2027 年 3 月起调整。"})",
                              "application/json");
  REQUIRE(v2);
  CHECK(json::parse(v2->body)["version"] == 2);
  CHECK(t.post(t.clerk, "/api/content/publications/" + id + "/submit") == 204);
  CHECK(t.code(t.approver, "/api/content/publications/" + id + "/review", {{"decision", "reject"}}) ==
        "content.note_required");
  CHECK(t.post(t.approver, "/api/content/publications/" + id + "/review",
               {{"decision", "reject"}, {"note", "请注明文件依据"}}) == 204);
  CHECK(body_of(t.k.client().Get("/api/content/public/" + id))["version"] == 1);
  auto again = t.as(t.clerk).Put("/api/content/publications/" + id + "/draft",
                                 R"({"title":"关于调整社保缴费基数的通知（修订）","markdown":"依据人社部发〔2026〕1号，自 2027 年 3 月起调整。"})",
                                 "application/json");
  REQUIRE(again);
  CHECK(json::parse(again->body)["version"] == 2);  // the rejected version is reworked, not a third
  CHECK(t.post(t.clerk, "/api/content/publications/" + id + "/submit") == 204);
  CHECK(t.post(t.approver, "/api/content/publications/" + id + "/review", {{"decision", "approve"}}) == 204);
  CHECK(body_of(t.k.client().Get("/api/content/public/" + id))["version"] == 2);
  CHECK(wait_until([&] { return t.found("人社部", id) && !t.found("缴费基数按上年", id); }, std::chrono::seconds(10)));

  auto detail = body_of(t.as(t.clerk).Get("/api/content/publications/" + id));
  REQUIRE(detail["versions"].size() == 2);
  CHECK(detail["versions"][0]["review_state"] == "approved");
  REQUIRE(detail["reviews"].size() == 3);  // every decision is kept, the rejection of version 2 with its note too
  CHECK(detail["reviews"][1]["decision"] == "rejected");
  CHECK(detail["reviews"][1]["note"] == "请注明文件依据");
  CHECK(detail["reviews"][0]["decision"] == "approved");
  CHECK(detail["reviews"][0]["reviewer_name"] == "李四");  // names, so editors need not read the account list
  CHECK(detail["versions"][0]["author_name"] == "张三");
  auto v1 = body_of(t.as(t.clerk).Get("/api/content/publications/" + id + "/versions/1"));
  CHECK(v1["markdown"].get<std::string>().find("上年平均工资") != std::string::npos);  // previous versions viewable

  // Four eyes: the reviewer cannot approve what they wrote themselves.
  auto own = t.as(t.approver).Put("/api/content/publications/" + id + "/draft", R"({"title":"第三版","markdown":"三"})",
                                  "application/json");
  REQUIRE(own);
  CHECK(t.post(t.approver, "/api/content/publications/" + id + "/submit") == 204);
  CHECK(t.code(t.approver, "/api/content/publications/" + id + "/review", {{"decision", "approve"}}) ==
        "content.own_version");

  CHECK(t.post(t.approver, "/api/content/publications/" + id + "/withdraw") == 204);
  CHECK(t.public_status(id) == 404);
  CHECK(wait_until([&] { return !t.found("人社部", id); }, std::chrono::seconds(10)));
  CHECK(t.code(t.approver, "/api/content/publications/" + id + "/withdraw") == "content.not_published");
}

TEST_CASE("scheduled publishing and withdrawal happen at their times") {
  ContentKernel t;
  auto id = t.create("policy", "定时发布的政策", "正文");
  CHECK(t.post(t.clerk, "/api/content/publications/" + id + "/submit") == 204);
  auto in = [](int seconds) {
    auto at = std::chrono::system_clock::now() + std::chrono::seconds(seconds);
    std::time_t tt = std::chrono::system_clock::to_time_t(at);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(buf);
  };
  CHECK(t.code(t.approver, "/api/content/publications/" + id + "/review",
               {{"decision", "approve"}, {"publish_at", "2026-13-01T00:00Z"}}) == "content.bad_time");
  CHECK(t.code(t.approver, "/api/content/publications/" + id + "/review",
               {{"decision", "approve"}, {"publish_at", in(30)}, {"withdraw_at", in(20)}}) == "content.bad_time");
  CHECK(t.post(t.approver, "/api/content/publications/" + id + "/review",
               {{"decision", "approve"}, {"publish_at", in(2)}, {"withdraw_at", in(9)}}) == 204);
  CHECK(body_of(t.as(t.clerk).Get("/api/content/publications/" + id))["state"] == "scheduled");
  CHECK(t.public_status(id) == 404);
  CHECK(wait_until([&] { return t.public_status(id) == 200; }, std::chrono::seconds(15)));
  CHECK(wait_until([&] { return t.public_status(id) == 404; }, std::chrono::seconds(20)));
  CHECK(body_of(t.as(t.clerk).Get("/api/content/publications/" + id))["state"] == "withdrawn");
}

TEST_CASE("attachments: checked type, kept as blobs, public only with the published version") {
  ContentKernel t;
  std::string pdf = "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
  auto upload = [&](const std::string& name, const std::string& type, const std::string& bytes) {
    return t.as(t.clerk).Post("/api/content/attachments",
                              json{{"name", name}, {"content_type", type},
                                   {"data_base64", wangban::kernel::base64_encode(bytes)}}.dump(),
                              "application/json");
  };
  auto ok = upload("申请表.pdf", "application/pdf", pdf);
  REQUIRE(ok);
  INFO(ok->body);
  REQUIRE(ok->status == 201);
  auto att = json::parse(ok->body);
  CHECK(att["size"] == pdf.size());
  auto lie = upload("假的.pdf", "application/pdf", "<html>not a pdf</html>");
  REQUIRE(lie);
  CHECK(json::parse(lie->body)["code"] == "content.attachment_mismatch");
  // A PNG declared as a PDF is refused, naming what it really is (libmagic reads the bytes).
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89", 33);
  auto disguised = upload("图.pdf", "application/pdf", png);
  REQUIRE(disguised);
  CHECK(json::parse(disguised->body)["code"] == "content.attachment_mismatch");
  CHECK(json::parse(disguised->body)["detail"].get<std::string>().find("image/png") != std::string::npos);
  auto real_png = upload("图.png", "image/png", png);
  REQUIRE(real_png);
  CHECK(real_png->status == 201);
  auto exe = upload("x.exe", "application/x-msdownload", "MZ...");
  REQUIRE(exe);
  CHECK(exe->status == 415);
  auto slash = upload("../x.pdf", "application/pdf", pdf);
  REQUIRE(slash);
  CHECK(json::parse(slash->body)["code"] == "content.bad_name");

  auto id = t.create("guide", "个体工商户登记指南", "见附件。", json::array({att}));
  std::string path = "/api/content/public/" + id + "/attachments/" + att["sm3"].get<std::string>();
  CHECK(t.k.client().Get(path)->status == 404);  // not public before publication
  auto staff = t.as(t.clerk).Get("/api/content/publications/" + id + "/attachments/" + att["sm3"].get<std::string>());
  REQUIRE(staff);
  CHECK(staff->status == 200);
  CHECK(staff->body == pdf);
  CHECK(t.post(t.clerk, "/api/content/publications/" + id + "/submit") == 204);
  CHECK(t.post(t.approver, "/api/content/publications/" + id + "/review", {{"decision", "approve"}}) == 204);
  auto download = t.k.client().Get(path);
  REQUIRE(download);
  CHECK(download->status == 200);
  CHECK(download->body == pdf);
  CHECK(download->get_header_value("Content-Type") == "application/pdf");
  // Sent percent-encoded (RFC 8187); cpp-httplib decodes header values, so the name reads back plain.
  CHECK(download->get_header_value("Content-Disposition").find("filename*=UTF-8''申请表.pdf") != std::string::npos);
  json bad_attachment = {{"sm3", std::string(64, 'a')}, {"name", "无"}};
  json body = {{"type", "faq"}, {"title", "x"}, {"markdown", "x"}, {"attachments", json::array({bad_attachment})}};
  auto unknown = t.as(t.clerk).Post("/api/content/publications", body.dump(), "application/json");
  REQUIRE(unknown);
  CHECK(json::parse(unknown->body)["code"] == "content.unknown_attachment");
}

TEST_CASE("published HTML carries no script, and the search index finds Chinese text and filters by kind") {
  ContentKernel t;
  auto id = t.create("faq", "光荣证补办需要哪些材料",
                     "<script>alert(1)</script>\n\n[点我](javascript:alert(1))\n\n需要独生子女证明和父母户口簿。<img src=x onerror=alert(1)>");
  CHECK(t.post(t.clerk, "/api/content/publications/" + id + "/submit") == 204);
  CHECK(t.post(t.approver, "/api/content/publications/" + id + "/review", {{"decision", "approve"}}) == 204);
  std::string html = body_of(t.k.client().Get("/api/content/public/" + id))["html"];
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("onerror") == std::string::npos);
  CHECK(html.find("javascript:") == std::string::npos);
  CHECK(html.find("独生子女证明") != std::string::npos);

  auto other = t.create("notice", "独生子女证明办理时间调整", "窗口办理时间调整为工作日。");
  CHECK(t.post(t.clerk, "/api/content/publications/" + other + "/submit") == 204);
  CHECK(t.post(t.approver, "/api/content/publications/" + other + "/review", {{"decision", "approve"}}) == 204);
  REQUIRE(wait_until([&] { return t.search("q=%E7%8B%AC%E7%94%9F%E5%AD%90%E5%A5%B3")["hits"].size() == 2; },  // 独生子女
                     std::chrono::seconds(10)));
  auto faq_only = t.search("q=%E7%8B%AC%E7%94%9F%E5%AD%90%E5%A5%B3&kind=faq")["hits"];
  REQUIRE(faq_only.size() == 1);
  CHECK(faq_only[0]["id"] == id);
  CHECK(faq_only[0]["url"] == "/content/" + id);
  CHECK(faq_only[0]["snippet"].get<std::string>().find("独生子女证明") != std::string::npos);
  CHECK(t.search("q=%E7%8B%AC%E7%94%9F&facet=type:notice")["hits"][0]["id"] == other);  // 独生
  CHECK(t.search("q=%E8%88%AA%E5%A4%A9%E9%A3%9E%E6%9C%BA")["hits"].empty());          // 航天飞机: nowhere

  // A node whose index is lost rebuilds it from the database at start.
  t.k.terminate();
  fs::remove_all(t.k.dir() / "var" / "search");
  t.k.start();
  CHECK(t.search("q=%E7%8B%AC%E7%94%9F%E5%AD%90%E5%A5%B3")["hits"].size() == 2);
}

TEST_CASE("the demo data publishes a few notices, a policy, an FAQ and a guide through the real workflow") {
  ContentKernel t;
  auto all = body_of(t.k.client().Get("/api/content/public"))["publications"];
  CHECK(all.size() == 5);
  auto notices = body_of(t.k.client().Get("/api/content/public?type=notice"))["publications"];
  CHECK(notices.size() == 2);
  std::string id = notices[notices.size() - 1]["id"];  // the oldest: the New Year opening hours
  auto item = body_of(t.k.client().Get("/api/content/public/" + id));
  CHECK(item["html"].get<std::string>().find("<table>") != std::string::npos);
  auto detail = body_of(t.as(t.clerk).Get("/api/content/publications/" + id));
  CHECK(detail["versions"][0]["author_name"] == "张三");  // written by the demo editor,
  CHECK(detail["reviews"][0]["reviewer_name"] == "李四");  // approved by the demo reviewer
  CHECK(wait_until([&] { return t.found("元旦", id); }, std::chrono::seconds(10)));
}

TEST_CASE("plugins read published content through Context::content(), and a withdrawn one is gone for them too") {
  ContentKernel t;
  auto notices = body_of(t.k.client().Get("/api/casebook/notices"))["notices"];
  REQUIRE(notices.size() == 2);
  std::string id = notices[0]["id"];
  auto one = body_of(t.k.client().Get("/api/casebook/notices/" + id));
  CHECK(one["version"] == 1);
  CHECK(one["html"].get<std::string>().find("<p>") != std::string::npos);
  CHECK(t.post(t.approver, "/api/content/publications/" + id + "/withdraw") == 204);
  CHECK(t.k.client().Get("/api/casebook/notices/" + id)->status == 404);
  CHECK(body_of(t.k.client().Get("/api/casebook/notices"))["notices"].size() == 1);
}
