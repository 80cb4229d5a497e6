// The audit log through the running kernel: what it records by itself (state-changing
// requests, logins, logouts, denials) and through Context::audit(), who may read it, and
// proofs from its API checked with the RFC 9162 verifiers.
#include "audit/merkle.hpp"
#include "support.hpp"

using namespace wbtest;
namespace merkle = wangban::kernel::merkle;

namespace {

const char* kClerk = "d1000000-0000-4000-8000-000000000002";          // demo staff "clerk"
const char* kServiceCentre = "d0000000-0000-4000-8000-000000000006";  // the clerk's unit

struct AuditKernel {
  PluginFolder folder{{"greeting", "probe"}};
  KernelProcess k{[this] {
    auto o = options(folder, {"greeting", "probe"});
    o.demo_data = true;
    return o;
  }()};
  std::string login(const std::string& user, const std::string& password = "Wangban-Demo-2026") {
    auto r = k.client().Post("/api/auth/login", json{{"username", user}, {"password", password}, {"mode", "bearer"}}.dump(),
                             "application/json");
    REQUIRE(r);
    return r->status == 200 ? json::parse(r->body)["token"].get<std::string>() : "";
  }
  httplib::Client as(const std::string& token) {
    auto c = k.client();
    c.set_bearer_token_auth(token);
    return c;
  }
  json entries(const std::string& query) { return body_of(k.client(true).Get("/api/audit/entries?" + query))["entries"]; }
};

merkle::Hash unhex(const json& h) { return merkle::from_hex(h.get<std::string>()); }

}  // namespace

TEST_CASE("the kernel audits state-changing requests, logins, logouts and denials with who, where and which request") {
  AuditKernel t;
  auto clerk = t.as(t.login("clerk"));
  CHECK(t.login("clerk", "Wrong-pass-2026").empty());
  auto created = clerk.Post("/api/greeting/greetings", httplib::Headers{{"X-Request-Id", "audit-req-1"}}, R"({"name":"甲"})",
                            "application/json");
  REQUIRE(created);
  REQUIRE(created->status == 201);
  auto denied = clerk.Get("/api/admin/plugins", httplib::Headers{{"X-Request-Id", "audit-req-2"}});
  REQUIRE(denied);
  REQUIRE(denied->status == 403);
  auto personal = t.k.client().Get("/api/probe/people/P-42", httplib::Headers{{"X-Request-Id", "audit-req-3"}});
  REQUIRE(personal);
  REQUIRE(clerk.Post("/api/auth/logout", "{}", "application/json")->status == 204);

  auto change = t.entries("request_id=&actor=" + std::string(kClerk) + "&action=POST%20/api/greeting/greetings");
  REQUIRE(change.size() == 1);
  CHECK(change[0]["actor_kind"] == "staff");
  CHECK(change[0]["org_unit"] == kServiceCentre);
  CHECK(change[0]["object_type"] == "greeting");
  CHECK(change[0]["object_id"] == "/api/greeting/greetings");
  CHECK(change[0]["outcome"] == "ok");
  CHECK(change[0]["request_id"] == "audit-req-1");
  CHECK(change[0]["client_ip"] == "127.0.0.1");

  auto denial = t.entries("action=GET%20/api/admin/plugins");
  REQUIRE(denial.size() == 1);
  CHECK(denial[0]["outcome"] == "denied");
  CHECK(denial[0]["actor"] == kClerk);

  auto logins = t.entries("action=auth.login&object_id=password:clerk");
  REQUIRE(logins.size() == 2);  // newest first
  CHECK(logins[0]["outcome"] == "denied");
  CHECK(logins[1]["outcome"] == "ok");
  CHECK(logins[1]["actor"] == kClerk);
  CHECK(t.entries("action=auth.logout").size() == 1);

  auto read = t.entries("action=person.read");  // recorded by the plugin through Context::audit()
  REQUIRE(read.size() == 1);
  CHECK(read[0]["object_id"] == "P-42");
  CHECK(read[0]["request_id"] == "audit-req-3");
  CHECK(read[0]["actor_kind"] == "anonymous");
}

TEST_CASE("only auditors (audit.read) read the audit log") {
  AuditKernel t;
  auto auditor = t.as(t.login("auditor"));
  auto ok = auditor.Get("/api/audit/entries");
  REQUIRE(ok);
  CHECK(ok->status == 200);
  auto clerk = t.as(t.login("clerk"));
  auto no = clerk.Get("/api/audit/entries");
  REQUIRE(no);
  CHECK(no->status == 403);
  CHECK(t.k.client().Get("/api/audit/head")->status == 401);
}

TEST_CASE("inclusion and consistency proofs from the API verify against the tree heads") {
  AuditKernel t;
  auto admin = t.k.client(true);
  for (int i = 0; i < 12; ++i)
    REQUIRE(admin.Post("/api/greeting/greetings", json{{"name", "名" + std::to_string(i)}}.dump(), "application/json")->status == 201);
  auto first = body_of(admin.Get("/api/audit/head"));
  for (int i = 0; i < 5; ++i)
    REQUIRE(admin.Post("/api/greeting/greetings", json{{"name", "后" + std::to_string(i)}}.dump(), "application/json")->status == 201);
  auto second = body_of(admin.Get("/api/audit/head"));
  std::uint64_t m = first["size"], n = second["size"];
  REQUIRE(m > 0);
  REQUIRE(n > m);
  merkle::Hasher sm3("SM3");
  auto consistency = body_of(admin.Get("/api/audit/proofs/consistency?first=" + std::to_string(m) + "&second=" + std::to_string(n)));
  std::vector<merkle::Hash> proof;
  for (auto& h : consistency["proof"]) proof.push_back(unhex(h));
  CHECK(merkle::verify_consistency(sm3, m, n, unhex(first["root"]), unhex(second["root"]), proof));

  auto entry = t.entries("limit=1&before=" + std::to_string(m))[0];  // the newest entry of the first head
  std::uint64_t seq = entry["seq"];
  auto inclusion = body_of(admin.Get("/api/audit/proofs/inclusion?seq=" + std::to_string(seq) + "&size=" + std::to_string(n)));
  std::vector<merkle::Hash> path;
  for (auto& h : inclusion["path"]) path.push_back(unhex(h));
  CHECK(merkle::verify_inclusion(sm3, seq, n, unhex(entry["leaf_hash"]), path, unhex(second["root"])));
  CHECK_FALSE(merkle::verify_inclusion(sm3, seq, n, sm3.leaf("forged"), path, unhex(second["root"])));

  auto bad = admin.Get("/api/audit/proofs/inclusion?seq=999999&size=1");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  // The offline verifier agrees.
  CHECK(t.k.terminate() == 0);
  auto [out, status] = run_command(KernelOptions{}.wangban.string() + " audit verify --config " + t.k.config_path().string() +
                                   " 2>/dev/null");
  CHECK(status == 0);
  CHECK(out.find("audit log verified") != std::string::npos);
}

TEST_CASE("auditors export the filtered log as CSV, and the export is itself audited") {
  AuditKernel t;
  t.login("clerk");
  t.login("clerk", "Wrong-password-1");
  auto auditor = t.as(t.login("auditor"));
  auto csv = auditor.Get("/api/audit/export?action=auth.login");
  REQUIRE(csv);
  REQUIRE(csv->status == 200);
  CHECK(csv->get_header_value("Content-Type").starts_with("text/csv"));
  CHECK(csv->get_header_value("Content-Disposition").find("attachment") != std::string::npos);
  REQUIRE(csv->body.starts_with("\xEF\xBB\xBF" "seq,at,actor,actor_kind,org_unit,action,object_type,object_id,outcome"));
  CHECK(count_lines_with(csv->body, ",auth.login,") == 3);  // two clerk logins and the auditor's
  CHECK(count_lines_with(csv->body, ",denied,") == 1);
  CHECK(csv->body.find("audit.export") == std::string::npos);  // the filter held
  auto exported = t.entries("action=audit.export");
  REQUIRE(exported.size() == 1);
  CHECK(exported[0]["object_id"] == "3 entries");
  CHECK(t.as(t.login("clerk")).Get("/api/audit/export")->status == 403);
}
