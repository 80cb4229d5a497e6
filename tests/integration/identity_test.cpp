// Staff identity: password login with Argon2id, sessions by cookie (with CSRF) or bearer
// token, lockout that does not reveal whether an account exists, own-session management,
// the organisation tree and role-based permissions enforced by the router.
#include "support.hpp"

using namespace wbtest;

namespace {

const char* kPassword = "Zheng-wu-2026";

struct IdentityKernel {
  PluginFolder folder{{"greeting"}};
  KernelProcess k;
  std::string province, city, county, other_county, clerk, idle_clerk;

  explicit IdentityKernel(std::map<std::string, std::string> env = {})
      : k([&] {
          auto o = options(folder, {"greeting"});
          o.env = {{"WANGBAN_IDENTITY_ARGON2_MEMORY_KIB", "1024"}, {"WANGBAN_IDENTITY_ARGON2_TIME_COST", "1"}};
          for (auto& [key, v] : env) o.env[key] = v;
          return o;
        }()) {
    auto admin = k.client(true);
    province = create(admin, "/api/admin/org-units", {{"level", "province"}, {"name", "浙江省"}, {"division_code", "330000"}});
    city = create(admin, "/api/admin/org-units", {{"parent_id", province}, {"level", "city"}, {"name", "杭州市"}});
    county = create(admin, "/api/admin/org-units", {{"parent_id", city}, {"level", "county"}, {"name", "西湖区"}});
    other_county = create(admin, "/api/admin/org-units", {{"parent_id", city}, {"level", "county"}, {"name", "上城区"}});
    clerk = create(admin, "/api/admin/staff",
                   {{"username", "clerk1"}, {"display_name", "张三"}, {"password", kPassword}, {"org_unit_id", county}});
    idle_clerk = create(admin, "/api/admin/staff",
                        {{"username", "clerk2"}, {"display_name", "李四"}, {"password", kPassword}, {"org_unit_id", county}});
    auto role = admin.Put("/api/admin/roles/greeter", R"({"title":"问候员","permissions":["greeting.write"]})", "application/json");
    REQUIRE(role);
    REQUIRE(role->status == 204);
    auto assign = admin.Post("/api/admin/assignments",
                             json{{"account_id", clerk}, {"role", "greeter"}, {"org_unit_id", county}}.dump(), "application/json");
    REQUIRE(assign);
    REQUIRE(assign->status == 204);
  }

  static std::string create(httplib::Client& c, const std::string& path, const json& body) {
    auto r = c.Post(path, body.dump(), "application/json");
    REQUIRE(r);
    INFO(r->body);
    REQUIRE(r->status == 201);
    return json::parse(r->body)["id"];
  }

  httplib::Result login(const std::string& user, const std::string& password, const std::string& mode = "cookie") {
    return k.client().Post("/api/auth/login", json{{"username", user}, {"password", password}, {"mode", mode}}.dump(),
                           "application/json");
  }

  std::string bearer(const std::string& user) {
    auto r = login(user, kPassword, "bearer");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return json::parse(r->body)["token"];
  }

  httplib::Client as(const std::string& token) {
    auto c = k.client();
    c.set_bearer_token_auth(token);
    return c;
  }
};

std::string cookie_of(const httplib::Result& r) {
  auto set = r->get_header_value("Set-Cookie");
  return set.substr(0, set.find(';'));
}

}  // namespace

TEST_CASE("a staff member logs in with a password: the session cookie works and changes need the CSRF token") {
  IdentityKernel t;
  auto login = t.login("CLERK1", kPassword);  // names are not case-sensitive
  REQUIRE(login);
  REQUIRE(login->status == 200);
  auto set_cookie = login->get_header_value("Set-Cookie");
  CHECK(set_cookie.find("HttpOnly") != std::string::npos);
  CHECK(set_cookie.find("SameSite=Lax") != std::string::npos);
  CHECK_FALSE(json::parse(login->body).contains("token"));  // the cookie is the credential, not readable by scripts
  std::string csrf = json::parse(login->body)["csrf_token"];
  httplib::Headers with_cookie = {{"Cookie", cookie_of(login)}};

  auto me = t.k.client().Get("/api/auth/me", with_cookie);
  REQUIRE(me);
  CHECK(me->status == 200);
  CHECK(json::parse(me->body)["display_name"] == "张三");
  CHECK(json::parse(me->body)["grants"][0]["permission"] == "greeting.write");
  CHECK(json::parse(me->body)["csrf_token"] == csrf);

  auto no_csrf = t.k.client().Post("/api/greeting/greetings", with_cookie, R"({"name":"甲"})", "application/json");
  REQUIRE(no_csrf);
  CHECK(no_csrf->status == 403);
  CHECK(json::parse(no_csrf->body)["code"] == "auth.csrf");
  auto with_csrf_headers = with_cookie;
  with_csrf_headers.emplace("X-CSRF-Token", csrf);
  auto created = t.k.client().Post("/api/greeting/greetings", with_csrf_headers, R"({"name":"甲"})", "application/json");
  REQUIRE(created);
  CHECK(created->status == 201);

  auto logout = t.k.client().Post("/api/auth/logout", with_csrf_headers, "", "application/json");
  REQUIRE(logout);
  CHECK(logout->status == 204);
  auto after = t.k.client().Get("/api/auth/me", with_cookie);
  REQUIRE(after);
  CHECK(after->status == 401);
  CHECK(json::parse(after->body)["code"] == "auth.invalid_token");
}

TEST_CASE("bearer tokens for API clients: a permission the caller lacks is a 403 problem") {
  IdentityKernel t;
  auto greeter = t.as(t.bearer("clerk1"));
  auto created = greeter.Post("/api/greeting/greetings", R"({"name":"乙"})", "application/json");
  REQUIRE(created);
  CHECK(created->status == 201);  // bearer requests need no CSRF token

  auto plain = t.as(t.bearer("clerk2"));
  auto denied = plain.Post("/api/greeting/greetings", R"({"name":"丙"})", "application/json");
  REQUIRE(denied);
  CHECK(denied->status == 403);
  CHECK(json::parse(denied->body)["code"] == "auth.forbidden");
  CHECK(json::parse(denied->body)["permission"] == "greeting.write");
  auto admin_api = plain.Get("/api/admin/plugins");
  REQUIRE(admin_api);
  CHECK(admin_api->status == 403);
  auto anonymous = t.k.client().Post("/api/greeting/greetings", R"({"name":"丁"})", "application/json");
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);
  CHECK(t.k.log_text().find("needs greeting.write") != std::string::npos);  // denials are logged
}

TEST_CASE("failed logins lock the name, and nothing tells an existing account from an unknown one") {
  IdentityKernel t;
  std::vector<std::pair<int, std::string>> known, unknown;
  for (int i = 0; i < 6; ++i) {
    auto a = t.login("clerk1", "Wrong-pass-2026");
    auto b = t.login("nobody", "Wrong-pass-2026");
    REQUIRE(a);
    REQUIRE(b);
    auto pa = json::parse(a->body), pb = json::parse(b->body);
    known.emplace_back(a->status, pa["code"].get<std::string>() + pa["detail"].get<std::string>());
    unknown.emplace_back(b->status, pb["code"].get<std::string>() + pb["detail"].get<std::string>());
  }
  CHECK(known == unknown);
  CHECK(known[0].first == 401);
  CHECK(known[3].first == 401);
  CHECK(known[4].first == 429);  // the fifth failure locks (threshold 5)
  CHECK(known[5].first == 429);
  auto right = t.login("clerk1", kPassword);  // even the right password waits for the lock
  REQUIRE(right);
  CHECK(right->status == 429);
  CHECK(json::parse(right->body)["code"] == "auth.locked");
  auto other = t.login("clerk2", kPassword);  // other names are not affected
  REQUIRE(other);
  CHECK(other->status == 200);
}

TEST_CASE("a lock expires after its time and doubles when failures go on") {
  IdentityKernel t({{"WANGBAN_IDENTITY_LOCKOUT_THRESHOLD", "2"}, {"WANGBAN_IDENTITY_LOCKOUT_BASE_SECONDS", "1"}});
  CHECK(t.login("clerk1", "Wrong-pass-2026")->status == 401);
  CHECK(t.login("clerk1", "Wrong-pass-2026")->status == 429);
  CHECK(wait_until([&] { return t.login("clerk1", kPassword)->status == 200; }, std::chrono::seconds(5)));
}

TEST_CASE("weak passwords and bad organisation levels are refused with reasons in Chinese") {
  IdentityKernel t;
  auto admin = t.k.client(true);
  auto weak = admin.Post("/api/admin/staff",
                         json{{"username", "clerk3"}, {"display_name", "王五"}, {"password", "short"}, {"org_unit_id", t.county}}.dump(),
                         "application/json");
  REQUIRE(weak);
  CHECK(weak->status == 400);
  CHECK(json::parse(weak->body)["code"] == "auth.weak_password");
  CHECK(json::parse(weak->body)["detail"] == "口令长度至少 10 个字符");
  auto skip = admin.Post("/api/admin/org-units", json{{"parent_id", t.province}, {"level", "county"}, {"name", "某县"}}.dump(),
                         "application/json");
  REQUIRE(skip);
  CHECK(skip->status == 400);
  CHECK(json::parse(skip->body)["code"] == "org.bad_level");
  auto taken = admin.Post("/api/admin/staff",
                          json{{"username", "Clerk1"}, {"display_name", "重名"}, {"password", kPassword}, {"org_unit_id", t.county}}.dump(),
                          "application/json");
  REQUIRE(taken);
  CHECK(taken->status == 409);
  auto tree = body_of(admin.Get("/api/admin/org-units"))["org_units"];
  CHECK(tree.size() == 4);
}

TEST_CASE("a user sees and revokes their own sessions, not others': idle sessions expire") {
  IdentityKernel t(std::map<std::string, std::string>{{"WANGBAN_IDENTITY_SESSION_IDLE_SECONDS", "2"}});
  auto first = t.bearer("clerk1");
  auto second = t.bearer("clerk1");
  auto list = body_of(t.as(first).Get("/api/auth/sessions"))["sessions"];
  REQUIRE(list.size() == 2);
  std::string other_id;
  for (auto& s : list)
    if (!s["current"].get<bool>()) other_id = s["id"];
  REQUIRE_FALSE(other_id.empty());
  auto foreign = t.as(t.bearer("clerk2")).Delete("/api/auth/sessions/" + other_id);
  REQUIRE(foreign);
  CHECK(foreign->status == 404);
  auto revoked = t.as(first).Delete("/api/auth/sessions/" + other_id);
  REQUIRE(revoked);
  CHECK(revoked->status == 204);
  CHECK(t.as(second).Get("/api/auth/me")->status == 401);
  CHECK(t.as(first).Get("/api/auth/me")->status == 200);
  // Left alone longer than the idle limit, the session expires.
  CHECK(wait_until(
      [&] {
        auto r = t.as(first).Get("/api/auth/me");
        return r && r->status == 401 && json::parse(r->body)["code"] == "auth.session_expired";
      },
      std::chrono::seconds(10), std::chrono::milliseconds(500)));
}

TEST_CASE("the demo data holds the organisation tree and the staff accounts that scripts/run prints") {
  PluginFolder folder({"greeting"});
  auto o = options(folder, {"greeting"});
  o.demo_data = true;
  KernelProcess k(o);
  for (auto user : {"admin", "clerk", "clerk2", "approver", "auditor"}) {
    auto r = k.client().Post("/api/auth/login",
                             json{{"username", user}, {"password", "Wangban-Demo-2026"}, {"mode", "bearer"}}.dump(),
                             "application/json");
    REQUIRE(r);
    INFO(user);
    CHECK(r->status == 200);
  }
  auto login = body_of(k.client().Post("/api/auth/login",
                                       R"({"username":"clerk2","password":"Wangban-Demo-2026","mode":"bearer"})",
                                       "application/json"));
  auto c = k.client();
  c.set_bearer_token_auth(login["token"].get<std::string>());
  auto denied = c.Get("/api/admin/org-units");
  REQUIRE(denied);
  CHECK(denied->status == 403);
  auto units = body_of(k.client(true).Get("/api/admin/org-units"))["org_units"];
  CHECK(units.size() == 6);
  CHECK(units[0]["name"] == "国家政务服务平台");
}

TEST_CASE("role assignments are listed with names, and revoking one that does not exist is a 404") {
  IdentityKernel t;
  auto admin = t.k.client(true);
  auto list = body_of(admin.Get("/api/admin/assignments"))["assignments"];
  REQUIRE(list.size() == 1);
  CHECK(list[0]["username"] == "clerk1");
  CHECK(list[0]["role_title"] == "问候员");
  CHECK(list[0]["org_name"] == "西湖区");
  auto me = body_of(t.as(t.bearer("clerk1")).Get("/api/auth/me"));
  CHECK(me["grants"][0]["org_name"] == "西湖区");
  json a = {{"account_id", t.clerk}, {"role", "greeter"}, {"org_unit_id", t.other_county}};
  auto missing = admin.Post("/api/admin/assignments/revoke", a.dump(), "application/json");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  a["org_unit_id"] = t.county;
  auto revoked = admin.Post("/api/admin/assignments/revoke", a.dump(), "application/json");
  REQUIRE(revoked);
  CHECK(revoked->status == 204);
  CHECK(body_of(admin.Get("/api/admin/assignments"))["assignments"].empty());
}

TEST_CASE("a staff member changes their password: the current one is checked, a weak one refused, other sessions end") {
  IdentityKernel t;
  auto first = t.as(t.bearer("clerk1"));
  auto second_token = t.bearer("clerk1");
  auto change = [&](const std::string& current, const std::string& replacement) {
    return first.Post("/api/auth/password", json{{"current_password", current}, {"new_password", replacement}}.dump(),
                      "application/json");
  };
  auto wrong = change("Not-the-password-1", "Xin-kou-ling-2026");
  REQUIRE(wrong);
  CHECK(wrong->status == 403);
  CHECK(json::parse(wrong->body)["code"] == "auth.wrong_password");
  auto weak = change(kPassword, "short");
  REQUIRE(weak);
  CHECK(weak->status == 400);
  CHECK(json::parse(weak->body)["code"] == "auth.weak_password");
  CHECK(t.login("clerk1", kPassword)->status == 200);  // nothing changed so far

  auto ok = change(kPassword, "Xin-kou-ling-2026");
  REQUIRE(ok);
  CHECK(ok->status == 204);
  CHECK(first.Get("/api/auth/me")->status == 200);              // the session that changed it stays
  CHECK(t.as(second_token).Get("/api/auth/me")->status == 401);  // the others end
  CHECK(t.login("clerk1", kPassword)->status == 401);
  CHECK(t.login("clerk1", "Xin-kou-ling-2026")->status == 200);

  // Guessing the current password through this endpoint runs into the login lock.
  int locked = 0;
  for (int i = 0; i < 6; ++i) locked += change("Guess-number-" + std::to_string(i), "Zai-huan-yi-ge-2026")->status == 429;
  CHECK(locked >= 1);
  CHECK(t.login("clerk1", "Xin-kou-ling-2026")->status == 429);
}

TEST_CASE("administrators see every live session, force one out, and disable and re-enable accounts") {
  IdentityKernel t;
  auto clerk = t.as(t.bearer("clerk1"));
  auto admin = t.k.client(true);
  auto sessions = body_of(admin.Get("/api/admin/sessions"))["sessions"];
  REQUIRE(sessions.size() == 1);
  CHECK(sessions[0]["display_name"] == "张三");
  CHECK(sessions[0]["kind"] == "staff");
  CHECK(clerk.Get("/api/admin/sessions")->status == 403);

  auto out = admin.Delete("/api/admin/sessions/" + sessions[0]["id"].get<std::string>());
  REQUIRE(out);
  CHECK(out->status == 204);
  CHECK(clerk.Get("/api/auth/me")->status == 401);
  CHECK(body_of(admin.Get("/api/admin/sessions"))["sessions"].empty());
  auto again = admin.Delete("/api/admin/sessions/" + sessions[0]["id"].get<std::string>());
  REQUIRE(again);
  CHECK(again->status == 404);

  auto clerk2 = t.as(t.bearer("clerk1"));
  auto disable = admin.Post("/api/admin/accounts/" + t.clerk + "/disable", "", "application/json");
  REQUIRE(disable);
  CHECK(disable->status == 204);
  CHECK(clerk2.Get("/api/auth/me")->status == 401);          // its sessions end at once
  auto refused = t.login("clerk1", kPassword);
  REQUIRE(refused);
  CHECK(refused->status == 401);                              // and it cannot log in,
  CHECK(json::parse(refused->body)["code"] == "auth.login_failed");  // with the same answer as a wrong password
  bool disabled = false;
  auto accounts = body_of(admin.Get("/api/admin/accounts"));
  for (auto& a : accounts["accounts"])
    if (a["id"] == t.clerk) disabled = a["disabled"];
  CHECK(disabled);
  auto enable = admin.Post("/api/admin/accounts/" + t.clerk + "/enable", "", "application/json");
  REQUIRE(enable);
  CHECK(enable->status == 204);
  CHECK(t.login("clerk1", kPassword)->status == 200);
  auto missing = admin.Post("/api/admin/accounts/no-such-account/disable", "", "application/json");
  REQUIRE(missing);
  CHECK(missing->status == 404);
}

TEST_CASE("an administrator cannot disable their own account") {
  PluginFolder folder{{"greeting"}};
  auto o = options(folder, {"greeting"});
  o.demo_data = true;
  o.env = {{"WANGBAN_IDENTITY_ARGON2_MEMORY_KIB", "1024"}};
  KernelProcess k(o);
  auto login = k.client().Post("/api/auth/login", R"({"username":"admin","password":"Wangban-Demo-2026","mode":"bearer"})",
                               "application/json");
  REQUIRE(login);
  REQUIRE(login->status == 200);
  auto admin = k.client();
  admin.set_bearer_token_auth(json::parse(login->body)["token"].get<std::string>());
  auto self = admin.Post("/api/admin/accounts/d1000000-0000-4000-8000-000000000001/disable", "", "application/json");
  REQUIRE(self);
  CHECK(self->status == 409);
  CHECK(json::parse(self->body)["code"] == "auth.cannot_disable_self");
  CHECK(admin.Get("/api/auth/me")->status == 200);
}

TEST_CASE("staff read their account record and keep their own contact fields, nothing else") {
  IdentityKernel t;
  auto clerk = t.as(t.bearer("clerk1"));
  auto profile = body_of(clerk.Get("/api/auth/profile"));
  CHECK(profile["kind"] == "staff");
  CHECK(profile["staff"]["username"] == "clerk1");
  CHECK(profile["staff"]["org_name"] == "西湖区");
  auto edit = clerk.Put("/api/auth/profile", R"({"mobile":"13800138000","email":"clerk1@xihu.gov.cn"})", "application/json");
  REQUIRE(edit);
  CHECK(edit->status == 204);
  auto name = clerk.Put("/api/auth/profile", R"({"ethnicity":"汉族"})", "application/json");
  REQUIRE(name);
  CHECK(name->status == 400);
  CHECK(json::parse(name->body)["code"] == "profile.not_editable_field");
  auto after = body_of(clerk.Get("/api/auth/profile"))["staff"];
  CHECK(after["mobile"] == "13800138000");
  CHECK(after["email"] == "clerk1@xihu.gov.cn");
  auto methods = body_of(t.k.client().Get("/api/auth/methods"));
  CHECK(methods["password"] == true);
  CHECK(methods["certificate"] == false);  // no trust anchors configured here
  CHECK(methods["oidc"] == false);
}
