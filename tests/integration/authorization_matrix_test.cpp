// The authorisation matrix: every registered route (read from the OpenAPI document, i.e.
// from the route declarations) called as each kind of caller, against the allow/deny that
// the route's declared permission and the caller's roles imply; then the rules that
// permissions alone cannot express — object ownership and data scope — on real cases.
#include <fstream>
#include <set>

#include "support.hpp"
#include "test_pki.hpp"

using namespace wbtest;

namespace {

const char* kXihuPath = "/d0000000-0000-4000-8000-000000000001/d0000000-0000-4000-8000-000000000002/"
                        "d0000000-0000-4000-8000-000000000003/d0000000-0000-4000-8000-000000000004/";

struct Caller {
  std::string role;
  std::string token;               // empty: anonymous
  std::set<std::string> permissions;  // what its roles hold; "*" for all
};

struct MatrixKernel {
  testpki::Key root_key = testpki::sm2_key();
  testpki::Cert root = testpki::issue({"矩阵测试根CA", "", -10, 3650, true, "", 1}, root_key.get(), root_key.get(), nullptr);
  fs::path dir = fs::temp_directory_path() / ("wangban-matrix-" + wangban::testing::random_suffix());
  PluginFolder folder{{"greeting", "casebook"}};
  std::unique_ptr<KernelProcess> k;
  std::map<std::string, Caller> callers;
  std::string legal_id;

  MatrixKernel() {
    fs::create_directories(dir);
    std::ofstream(dir / "root.pem") << testpki::pem(root.get());
    auto o = options(folder, {"greeting", "casebook"});
    o.demo_data = true;
    o.env["WANGBAN_IDENTITY_TRUST_ANCHORS"] = (dir / "root.pem").string();
    k = std::make_unique<KernelProcess>(o);
    auto admin = k->client(true);
    auto set_role = [&](const std::string& role, const json& perms) {
      auto r = admin.Put("/api/admin/roles/" + role, json{{"title", role}, {"permissions", perms}}.dump(), "application/json");
      REQUIRE(r);
      REQUIRE(r->status == 204);
    };
    set_role("clerk", {"greeting.write", "casebook.case.read", "casebook.case.accept"});
    set_role("approver", {"casebook.case.read"});
    // The demo's content roles are emptied, so each caller holds exactly the permissions listed below.
    set_role("editor", json::array());
    set_role("reviewer", json::array());

    callers["anonymous"] = {"anonymous", "", {}};
    callers["admin"] = {"admin", staff("admin"), {"*"}};
    callers["clerk"] = {"clerk", staff("clerk"), {"greeting.write", "casebook.case.read", "casebook.case.accept"}};
    callers["clerk of another county"] = {"clerk of another county", staff("clerk2"),
                                          {"greeting.write", "casebook.case.read", "casebook.case.accept"}};
    callers["approver"] = {"approver", staff("approver"), {"casebook.case.read"}};
    callers["auditor"] = {"auditor", staff("auditor"), {"audit.read"}};
    callers["natural person"] = {"natural person", person("张三", "11010519491231002X", 10), {}};
    auto agent_token = person("李四", "440524188001010014", 11);
    // A legal person authorises 李四, who then acts for it.
    auto org_key = testpki::sm2_key();
    testpki::CertSpec spec{"法人证书", "11330105002500287C", -1, 365, false, "digitalSignature", 12};
    spec.organization = "矩阵测试单位";
    auto org = testpki::issue(spec, org_key.get(), root_key.get(), root.get());
    auto legal = as(cert_login(org.get(), org_key.get()));
    REQUIRE(legal.Post("/api/auth/legal/agents", R"({"id_number":"440524188001010014","scope":["*"],"valid_days":30})",
                       "application/json")->status == 204);
    auto agent = as(agent_token);
    legal_id = body_of(agent.Get("/api/auth/mandates"))["mandates"][0]["legal_person_id"];
    REQUIRE(agent.Post("/api/auth/act-for", json{{"legal_person_id", legal_id}}.dump(), "application/json")->status == 204);
    callers["legal-person agent"] = {"legal-person agent", agent_token, {}};
  }
  ~MatrixKernel() { fs::remove_all(dir); }

  httplib::Client as(const std::string& token) {
    auto c = k->client();
    if (!token.empty()) c.set_bearer_token_auth(token);
    return c;
  }
  std::string staff(const std::string& user) {
    auto r = k->client().Post("/api/auth/login", json{{"username", user}, {"password", kDemoPassword}, {"mode", "bearer"}}.dump(),
                              "application/json");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return json::parse(r->body)["token"];
  }
  std::string cert_login(X509* cert, EVP_PKEY* key) {
    std::string nonce = body_of(k->client().Post("/api/auth/cert/challenge", "", "application/json"))["nonce"];
    json body = {{"certificate_chain", {testpki::pem(cert)}}, {"nonce", nonce},
                 {"signature", testpki::base64(testpki::sign(key, nonce))}, {"mode", "bearer"}};
    auto r = k->client().Post("/api/auth/cert/login", body.dump(), "application/json");
    REQUIRE(r);
    INFO(r->body);
    REQUIRE(r->status == 200);
    return json::parse(r->body)["token"];
  }
  std::string person(const std::string& name, const std::string& id_number, long serial) {
    auto key = testpki::sm2_key();
    auto cert = testpki::issue({name, id_number, -1, 365, false, "digitalSignature", serial}, key.get(), root_key.get(), root.get());
    return cert_login(cert.get(), key.get());
  }
};

bool expected_allowed(const Caller& c, const std::string& permission) {
  if (permission == "public") return true;
  if (c.token.empty()) return false;
  if (permission == "authenticated") return true;
  return c.permissions.count("*") || c.permissions.count(permission);
}

}  // namespace

TEST_CASE("every registered route x every kind of caller: allowed or denied as its declared permission says") {
  MatrixKernel t;
  auto doc = body_of(t.k->client().Get("/api/openapi.json"));
  int checked = 0, routes = 0;
  for (auto& [path, ops] : doc["paths"].items()) {
    for (auto& [method, op] : ops.items()) {
      if (path == "/api/auth/logout") continue;  // would end the caller's session for the rest of the matrix
      ++routes;
      std::string permission = op["x-permission"];
      std::string url = path;
      for (auto at = url.find('{'); at != std::string::npos; at = url.find('{'))
        url.replace(at, url.find('}', at) - at + 1, "matrix-dummy");
      for (auto& [name, caller] : t.callers) {
        auto c = t.as(caller.token);
        std::string m = method;
        bool stream = op["responses"]["200"].contains("content") && op["responses"]["200"]["content"].contains("text/event-stream");
        if (stream) {  // an event stream stays open: judge it by its head, then hang up
          int status = 0;
          std::string type, problem;
          c.Get(url, [&](const httplib::Response& head) {
            status = head.status;
            type = head.get_header_value("Content-Type");
            return status != 200;  // read a problem's body; leave a stream at once
          }, [&](const char* data, std::size_t n) { problem.append(data, n); return true; });
          bool denied = status == 401 || (status == 403 && json::parse(problem).value("code", "") == "auth.forbidden");
          INFO(m << " " << path << " as " << name << " (needs " << permission << ") -> " << status << " " << problem);
          CHECK(!denied == expected_allowed(caller, permission));
          if (status == 200) CHECK(type.starts_with("text/event-stream"));
          ++checked;
          continue;
        }
        auto r = m == "get"      ? c.Get(url)
                 : m == "delete" ? c.Delete(url)
                 : m == "put"    ? c.Put(url, "{}", "application/json")
                 : m == "patch"  ? c.Patch(url, "{}", "application/json")
                                 : c.Post(url, "{}", "application/json");
        REQUIRE(r);
        bool denied = r->status == 401 || r->status == 403;
        // A 403 from inside a handler (e.g. "only legal persons") is a business rule, not the route's permission.
        if (r->status == 403 && json::parse(r->body).value("code", "") != "auth.forbidden") denied = false;
        bool allowed = !denied;
        INFO(m << " " << path << " as " << name << " (needs " << permission << ") -> " << r->status << " " << r->body);
        CHECK(allowed == expected_allowed(caller, permission));
        if (denied) CHECK(r->get_header_value("Content-Type") == "application/problem+json");
        ++checked;
      }
    }
  }
  CHECK(routes > 30);  // the kernel's routes and both plugins'
  CHECK(checked == routes * 8);  // each for every one of the eight kinds of caller
}

TEST_CASE("ownership and data scope: applicants reach their own cases, staff only cases in their county") {
  MatrixKernel t;
  auto file = [&](const std::string& who) {
    auto r = t.as(t.callers[who].token)
                 .Post("/api/casebook/cases", json{{"title", who + " 的申请"}, {"org_path", kXihuPath}}.dump(), "application/json");
    REQUIRE(r);
    REQUIRE(r->status == 201);
    return json::parse(r->body)["id"].get<std::string>();
  };
  auto status_of = [&](const std::string& who, const std::string& id) {
    auto r = t.as(t.callers[who].token).Get("/api/casebook/cases/" + id);
    REQUIRE(r);
    return r->status;
  };
  std::string own = file("natural person");
  std::string company = file("legal-person agent");

  CHECK(status_of("natural person", own) == 200);
  CHECK(status_of("legal-person agent", own) == 404);      // another person's case by id: denied
  CHECK(status_of("natural person", company) == 404);      // the legal person's case is not 张三's
  CHECK(status_of("legal-person agent", company) == 200);  // the agent reaches it while acting for the company
  CHECK(status_of("clerk", own) == 200);                   // in the clerk's county
  CHECK(status_of("clerk of another county", own) == 404); // outside that clerk's county
  CHECK(status_of("admin", own) == 200);
  CHECK(status_of("auditor", own) == 404);

  auto accept = [&](const std::string& who) {
    auto r = t.as(t.callers[who].token).Post("/api/casebook/cases/" + own + "/accept", "{}", "application/json");
    REQUIRE(r);
    return r->status;
  };
  CHECK(accept("clerk of another county") == 403);
  CHECK(accept("approver") == 403);  // may read, may not accept
  CHECK(accept("clerk") == 200);

  auto listed = [&](const std::string& who) { return body_of(t.as(t.callers[who].token).Get("/api/casebook/cases"))["cases"]; };
  CHECK(listed("clerk").size() == 2);
  CHECK(listed("clerk of another county").empty());
  CHECK(listed("approver").size() == 2);
}
