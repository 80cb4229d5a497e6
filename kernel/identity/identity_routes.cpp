// Identity routes: thin HTTP wrappers over IdentityService, each with its schema and permission.
#include "identity/identity_routes.hpp"

#include <functional>
#include <map>

#include <nlohmann/json.hpp>

#include "http/router.hpp"
#include "audit/kernel_audit.hpp"
#include "identity/account_admin.hpp"
#include "identity/identity_service.hpp"
#include "identity/profiles.hpp"

namespace wangban::kernel {
namespace {

using json = nlohmann::json;

json principal_json(const Principal& p) {
  static const char* kinds[] = {"anonymous", "person", "staff", "system", "legal"};
  json grants = json::array();
  for (auto& g : p.grants)
    grants.push_back({{"permission", g.permission}, {"org_unit_id", g.org_unit_id}, {"org_name", g.org_name}});
  return {{"kind", kinds[static_cast<int>(p.kind)]}, {"account_id", p.account_id},
          {"display_name", p.display_name}, {"session_id", p.session_id}, {"grants", grants},
          {"acting_for", p.acting_for.empty() ? json(nullptr) : json(p.acting_for)}, {"agent_scope", p.agent_scope}};
}

std::string session_cookie(const std::string& token, long long max_age_seconds, bool tls) {
  return std::string(IdentityService::kSessionCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" +
         std::to_string(max_age_seconds) + (tls ? "; Secure" : "");
}

// The answer to a successful login: the token in the body (bearer mode) or in an HttpOnly cookie.
Response login_response(const LoginResult& r, bool bearer, int lifetime_seconds, bool tls) {
  json out = {{"session_id", r.session_id}, {"expires_ms", r.expires_ms}, {"principal", principal_json(r.principal)}};
  if (bearer) out["token"] = r.token;
  else out["csrf_token"] = r.csrf_token;
  auto resp = Response::json(out);
  if (!bearer) resp.headers.emplace_back("set-cookie", session_cookie(r.token, lifetime_seconds, tls));
  return resp;
}

}  // namespace

void register_identity_routes(Router& router, IdentityService& id, Database& db, KernelAudit& audit, bool tls) {
  // Every login attempt is audited: who (when known), what was presented, the outcome.
  auto audited_login = [&audit](const Request& req, const std::string& subject, auto&& login) {
    try {
      auto r = login();
      audit.record_as(r.principal, req.client_ip(), req.request_id(), "auth.login", "account", subject, "ok");
      return r;
    } catch (const Problem& p) {
      audit.record_as(Principal{}, req.client_ip(), req.request_id(), "auth.login", "account", subject,
                      p.status() == 429 ? "locked" : "denied");
      throw;
    }
  };
  auto add = std::bind_front(&Router::add_kernel, &router);
  const std::string pub(kPublic), any(kAuthenticated);

  add("GET", "/api/auth/methods", pub, "本平台提供的登录方式 (which login methods are offered)", "", [&id](const Request&) {
    return Response::json({{"password", true}, {"certificate", id.certificate_login_enabled()}, {"oidc", id.oidc_enabled()}});
  });

  add("POST", "/api/auth/login", pub, "工作人员用户名口令登录 (staff password login; sets the session cookie)",
      R"json({"type":"object","required":["username","password"],"additionalProperties":false,"properties":{
          "username":{"type":"string","minLength":1,"maxLength":100},
          "password":{"type":"string","minLength":1,"maxLength":200},
          "mode":{"enum":["cookie","bearer"],"description":"cookie (default, web UI) or bearer (API clients get the token)"}}})json",
      [&id, tls, audited_login](const Request& req) {
        const auto& b = req.json();
        auto r = audited_login(req, "password:" + b["username"].get<std::string>(), [&] {
          return id.password_login(b["username"], b["password"], req.client_ip(), req.header("user-agent").value_or(""));
        });
        return login_response(r, b.value("mode", "cookie") == "bearer", id.session_lifetime_seconds(), tls);
      });

  add("POST", "/api/auth/cert/challenge", pub, "获取证书登录挑战码 (a one-time nonce to sign for certificate login)", "",
      [&id](const Request&) {
        auto [nonce, expires] = id.new_nonce();
        return Response::json({{"nonce", nonce}, {"expires_ms", expires}});
      });

  add("POST", "/api/auth/cert/login", pub,
      "数字证书登录：用证书私钥对挑战码签名 (certificate login: SM2/SM3, or ECDSA/RSA with SHA-256, over the nonce)",
      R"json({"type":"object","required":["certificate_chain","nonce","signature"],"additionalProperties":false,"properties":{
          "certificate_chain":{"type":"array","minItems":1,"maxItems":5,"items":{"type":"string","maxLength":20000},
                               "description":"PEM certificates, the signer's first"},
          "nonce":{"type":"string","pattern":"^[0-9a-f]{64}$"},
          "signature":{"type":"string","maxLength":2000,"description":"Base64 signature over the nonce's text"},
          "mode":{"enum":["cookie","bearer"]}}})json",
      [&id, tls, audited_login](const Request& req) {
        const auto& b = req.json();
        auto r = audited_login(req, "certificate", [&] {
          return id.certificate_login(b["certificate_chain"].get<std::vector<std::string>>(), b["nonce"], b["signature"],
                                      req.client_ip(), req.header("user-agent").value_or(""));
        });
        return login_response(r, b.value("mode", "cookie") == "bearer", id.session_lifetime_seconds(), tls);
      });

  add("GET", "/api/auth/oidc/start", pub,
      "经统一身份认证平台登录：跳转到认证平台 (redirects to the upstream OpenID provider; ?next=/path)", "",
      [&id](const Request& req) {
        auto url = id.oidc_begin(req.query("next").value_or("/"));
        Response r;
        r.status = 302;
        r.content_type.clear();
        r.headers.emplace_back("location", url);
        return r;
      });

  add("GET", "/api/auth/oidc/callback", pub, "统一身份认证平台回调 (the provider returns here with code and state)", "",
      [&id, tls, &audit](const Request& req) {
        if (auto error = req.query("error"))
          throw Problem(401, "auth.oidc_denied", "统一身份认证平台未完成认证：" + *error);
        auto code = req.query("code"), state = req.query("state");
        if (!code || !state) throw Problem::bad_request("auth.oidc_callback", "回调缺少 code 或 state 参数");
        std::pair<LoginResult, std::string> done;
        try {
          done = id.oidc_complete(*code, *state, req.client_ip(), req.header("user-agent").value_or(""));
        } catch (const Problem& p) {
          audit.record_as(Principal{}, req.client_ip(), req.request_id(), "auth.login", "account", "oidc", "denied");
          throw;
        }
        audit.record_as(done.first.principal, req.client_ip(), req.request_id(), "auth.login", "account", "oidc", "ok");
        auto& [login, next] = done;
        Response r;
        r.status = 302;
        r.content_type.clear();
        r.headers.emplace_back("location", next);
        r.headers.emplace_back("set-cookie", session_cookie(login.token, id.session_lifetime_seconds(), tls));
        return r;
      });

  add("POST", "/api/auth/logout", any, "退出登录 (ends the current session)", "", [&id, tls, &audit](const Request& req) {
    if (!req.principal().session_id.empty()) id.logout(req.principal().session_id);
    audit.record(req, "auth.logout", "session", req.principal().session_id);
    auto resp = Response::no_content();
    resp.headers.emplace_back("set-cookie", session_cookie("", 0, tls));
    return resp;
  });

  add("GET", "/api/auth/me", any, "当前登录者及其权限 (who am I, with grants and the CSRF token)", "",
      [&id](const Request& req) {
        json out = principal_json(req.principal());
        if (!req.principal().session_id.empty()) out["csrf_token"] = id.csrf_of(req.principal().session_id);
        return Response::json(out);
      });

  add("GET", "/api/auth/sessions", any, "我的会话 (my active sessions)", "", [&id](const Request& req) {
    return Response::json({{"sessions", id.sessions_of(req.principal().account_id, req.principal().session_id)}});
  });

  add("DELETE", "/api/auth/sessions/{id}", any, "注销我的一个会话 (revoke one of my sessions)", "",
      [&id](const Request& req) {
        id.revoke(req.principal().account_id, req.param("id"));
        return Response::no_content();
      });

  add("GET", "/api/auth/profile", any,
      "我的基本信息 (GB/T 39046 表12：自然人或法人信息；工作人员的账号信息)", "",
      [&db](const Request& req) { return Response::json(profile_of(db, req.principal())); });

  add("PUT", "/api/auth/profile", any,
      "修改我的联系信息 (person: mobile, email, ethnicity; legal: representative, address, date, scope)",
      R"json({"type":"object","additionalProperties":false,"properties":{
          "mobile":{"type":"string","maxLength":20},"email":{"type":"string","maxLength":200},
          "ethnicity":{"type":"string","maxLength":20},
          "legal_representative":{"type":"string","maxLength":100},
          "registered_address":{"type":"string","maxLength":300},
          "registered_date":{"type":"string","maxLength":10,"description":"YYYY-MM-DD or empty"},
          "business_scope":{"type":"string","maxLength":4000}}})json",
      [&db](const Request& req) {
        update_profile(db, req.principal(), req.json());
        return Response::no_content();
      });

  add("POST", "/api/auth/password", any, "工作人员修改自己的口令（其他会话随之结束）(change my password)",
      R"json({"type":"object","required":["current_password","new_password"],"additionalProperties":false,"properties":{
          "current_password":{"type":"string","minLength":1,"maxLength":200},
          "new_password":{"type":"string","minLength":1,"maxLength":200}}})json",
      [&id](const Request& req) {
        const auto& b = req.json();
        id.change_password(req.principal(), b["current_password"], b["new_password"]);
        return Response::no_content();
      });

  add("GET", "/api/auth/legal/agents", any, "法人：我的经办人授权 (a legal person's authorised agents)", "",
      [&id](const Request& req) { return Response::json({{"agents", id.agents_of(req.principal())}}); });

  add("POST", "/api/auth/legal/agents", any, "法人授权经办人 (a legal person authorises a natural person to act for it)",
      R"json({"type":"object","required":["id_number","scope","valid_days"],"additionalProperties":false,"properties":{
          "id_number":{"type":"string","minLength":15,"maxLength":18},
          "scope":{"type":"array","minItems":1,"items":{"type":"string","minLength":1,"maxLength":64},
                   "description":"item codes the agent may handle, or [\"*\"] for all"},
          "valid_days":{"type":"integer","minimum":1,"maximum":3660}}})json",
      [&id](const Request& req) {
        const auto& b = req.json();
        id.authorise_agent(req.principal(), b["id_number"], b["scope"].get<std::vector<std::string>>(), b["valid_days"]);
        return Response::no_content();
      });

  add("DELETE", "/api/auth/legal/agents/{id_number}", any, "法人撤销经办人授权 (revoke an agent)", "",
      [&id](const Request& req) {
        id.revoke_agent(req.principal(), req.param("id_number"));
        return Response::no_content();
      });

  add("GET", "/api/auth/mandates", any, "我可代表办事的法人 (legal persons I may act for)", "",
      [&id](const Request& req) { return Response::json({{"mandates", id.mandates_of(req.principal())}}); });

  add("POST", "/api/auth/act-for", any, "代表法人办事或恢复个人身份 (act for a legal person, or null to act as myself)",
      R"json({"type":"object","required":["legal_person_id"],"additionalProperties":false,
          "properties":{"legal_person_id":{"type":["string","null"]}}})json",
      [&id](const Request& req) {
        const auto& v = req.json()["legal_person_id"];
        id.act_for(req.principal(), v.is_string() ? v.get<std::string>() : "");
        return Response::no_content();
      });

  add("GET", "/api/admin/org-units", "admin.org.read", "机构树 (organisation units: national, province, city, county, departments)",
      "", [&id](const Request&) { return Response::json({{"org_units", id.org_units()}}); });

  add("POST", "/api/admin/org-units", "admin.org.write", "新建机构 (create an organisation unit)",
      R"json({"type":"object","required":["level","name"],"additionalProperties":false,"properties":{
          "parent_id":{"type":["string","null"]},
          "level":{"enum":["national","province","city","county","department"]},
          "name":{"type":"string","minLength":1,"maxLength":200},
          "division_code":{"type":"string","pattern":"^[0-9]{0,12}$"}}})json",
      [&id](const Request& req) {
        const auto& b = req.json();
        std::optional<std::string> parent;
        if (b.contains("parent_id") && b["parent_id"].is_string()) parent = b["parent_id"].get<std::string>();
        auto unit = id.create_org_unit(parent, b["level"], b["name"], b.value("division_code", ""));
        return Response::json({{"id", unit}}, 201);
      });

  add("GET", "/api/admin/accounts", "admin.accounts.read", "账号列表 (accounts)", "",
      [&id](const Request&) { return Response::json({{"accounts", id.accounts()}}); });

  add("POST", "/api/admin/staff", "admin.accounts.write", "新建工作人员账号 (create a staff account)",
      R"json({"type":"object","required":["username","display_name","password","org_unit_id"],"additionalProperties":false,
          "properties":{"username":{"type":"string","pattern":"^[A-Za-z][A-Za-z0-9._-]{2,63}$"},
          "display_name":{"type":"string","minLength":1,"maxLength":100},
          "password":{"type":"string","minLength":1,"maxLength":200},
          "org_unit_id":{"type":"string","minLength":1}}})json",
      [&id](const Request& req) {
        const auto& b = req.json();
        auto account = id.create_staff(b["username"], b["display_name"], b["password"], b["org_unit_id"]);
        return Response::json({{"id", account}}, 201);
      });

  add("POST", "/api/admin/accounts/{id}/disable", "admin.accounts.write", "停用账号（其会话立即结束）(disable an account)",
      "", [&db](const Request& req) {
        set_account_disabled(db, req.principal(), req.param("id"), true);
        return Response::no_content();
      });
  add("POST", "/api/admin/accounts/{id}/enable", "admin.accounts.write", "启用账号 (enable an account)", "",
      [&db](const Request& req) {
        set_account_disabled(db, req.principal(), req.param("id"), false);
        return Response::no_content();
      });

  add("GET", "/api/admin/sessions", "admin.sessions.read", "平台上所有在线会话 (every live session)", "",
      [&db, &id](const Request&) { return Response::json({{"sessions", live_sessions(db, id.session_idle_seconds())}}); });
  add("DELETE", "/api/admin/sessions/{id}", "admin.sessions.write", "强制下线：结束一个会话 (end any session)", "",
      [&db](const Request& req) {
        end_session(db, req.param("id"));
        return Response::no_content();
      });

  add("GET", "/api/admin/roles", "admin.roles.read", "角色及其权限 (roles with their permissions)", "",
      [&id](const Request&) { return Response::json({{"roles", id.roles()}}); });

  add("PUT", "/api/admin/roles/{name}", "admin.roles.write", "定义角色 (create or replace a role's permissions)",
      R"json({"type":"object","required":["title","permissions"],"additionalProperties":false,"properties":{
          "title":{"type":"string","minLength":1,"maxLength":200},
          "permissions":{"type":"array","items":{"type":"string","pattern":"^[a-z][a-z0-9_.-]*$"}}}})json",
      [&id](const Request& req) {
        const auto& b = req.json();
        id.define_role(req.param("name"), b["title"], b["permissions"].get<std::vector<std::string>>());
        return Response::no_content();
      });

  auto assignment_schema = R"json({"type":"object","required":["account_id","role","org_unit_id"],"additionalProperties":false,
      "properties":{"account_id":{"type":"string"},"role":{"type":"string"},"org_unit_id":{"type":"string"}}})json";
  add("POST", "/api/admin/assignments", "admin.roles.write", "授予角色：账号在某机构（含下级）担任角色 (assign a role in an org subtree)",
      assignment_schema, [&id](const Request& req) {
        const auto& b = req.json();
        id.assign(b["account_id"], b["role"], b["org_unit_id"]);
        return Response::no_content();
      });
  add("POST", "/api/admin/assignments/revoke", "admin.roles.write", "收回角色 (remove a role assignment)",
      assignment_schema, [&id](const Request& req) {
        const auto& b = req.json();
        id.unassign(b["account_id"], b["role"], b["org_unit_id"]);
        return Response::no_content();
      });

  add("GET", "/api/admin/assignments", "admin.roles.read", "角色授予列表 (who holds which role in which org subtree)", "",
      [&id](const Request&) { return Response::json({{"assignments", id.assignments()}}); });

  add("GET", "/api/admin/permissions", "admin.roles.read", "所有已声明的权限及使用它们的接口 (permissions declared by routes)", "",
      [&router](const Request&) {
        std::map<std::string, json> by_name;
        for (auto& r : router.routes()) {
          if (r.permission == kPublic || r.permission == kAuthenticated) continue;
          auto& entry = by_name[r.permission];
          if (entry.is_null()) entry = {{"name", r.permission}, {"routes", json::array()}};
          entry["routes"].push_back(r.method + " " + r.path);
        }
        json out = json::array();
        for (auto& [k, v] : by_name) out.push_back(v);
        return Response::json({{"permissions", out}});
      });
}

}  // namespace wangban::kernel
