// IdentityService: SQL for accounts, organisation units, roles, sessions and the login throttle.
#include "identity/identity_service.hpp"

#include <algorithm>

#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "db/sql_database.hpp"
#include "http/http_message.hpp"
#include "identity/certificate_verifier.hpp"
#include "wangban/identifiers.hpp"
#include "identity/oidc_client.hpp"
#include "identity/password.hpp"
#include "util/digest.hpp"
#include "util/http_fetch.hpp"
#include "wangban/problem.hpp"

namespace wangban::kernel {
namespace {

using json = nlohmann::json;

const char* kLoginFailed = "用户名或口令不正确 (wrong username or password)";
const char* kLocked = "登录失败次数过多，请稍后再试 (too many failed logins; try again later)";

std::optional<std::string> cookie(const HttpRequest& r, const std::string& name) {
  auto header = r.header("cookie");
  if (!header) return std::nullopt;
  std::string_view h = *header;
  while (!h.empty()) {
    auto semi = h.find(';');
    auto part = h.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name && part[name.size()] == '=')
      return std::string(part.substr(name.size() + 1));
    if (semi == std::string_view::npos) break;
    h.remove_prefix(semi + 1);
  }
  return std::nullopt;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Today's UTC date as YYYYMMDD, for the "birth date not in the future" check.
std::string today_yyyymmdd() {
  std::time_t t = static_cast<std::time_t>(epoch_ms_now() / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char today[16];
  std::strftime(today, sizeof today, "%Y%m%d", &tm);
  return today;
}

Argon2Params params(const IdentityConfig& c) {
  return {static_cast<std::uint32_t>(c.argon2_time_cost), static_cast<std::uint32_t>(c.argon2_memory_kib),
          static_cast<std::uint32_t>(c.argon2_parallelism)};
}

// The real-name authority's standard OpenID claims `email` and `phone_number` (when given and
// well-formed: a mainland mobile, with or without +86) fill the person's contact fields.
void update_contact_from_claims(soci::session& sql, const std::string& account, const json& claims) {
  if (auto e = claims.find("email"); e != claims.end() && e->is_string() && e->get<std::string>().find('@') != std::string::npos &&
                                     e->get<std::string>().size() <= 200) {
    std::string email = *e;
    sql << "UPDATE wb_natural_persons SET email = :e WHERE account_id = :a", soci::use(email), soci::use(account);
  }
  if (auto p = claims.find("phone_number"); p != claims.end() && p->is_string()) {
    std::string phone = *p;
    if (phone.starts_with("+86")) phone = phone.substr(3);
    bool mobile = phone.size() == 11 && phone[0] == '1' && phone[1] >= '3' &&
                  phone.find_first_not_of("0123456789") == std::string::npos;
    if (mobile)
      sql << "UPDATE wb_natural_persons SET mobile = :m WHERE account_id = :a", soci::use(phone), soci::use(account);
  }
}

}  // namespace

IdentityService::IdentityService(Database& db, const IdentityConfig& config, std::string admin_token,
                                 std::shared_ptr<spdlog::logger> log)
    : db_(db), config_(config), admin_token_(std::move(admin_token)),
      dummy_hash_(hash_password(random_hex(16), params(config))),
      certificates_(std::make_unique<CertificateVerifier>(config.trust_anchors, config.crl_files, config.intermediate_certificates)),
      oidc_(std::make_unique<OidcClient>(config)),
      log_(std::move(log)) {
  certificates_->expect_url_crls(config_.crl_urls);
}

int IdentityService::refresh_crls() {
  int fetched = 0;
  for (auto& url : config_.crl_urls) {
    try {
      certificates_->set_url_crl(url, http_get(url, 20));
      ++fetched;
    } catch (const std::exception& e) {
      log_->warn("cannot refresh the CRL: {}", e.what());
    }
  }
  return fetched;
}

IdentityService::~IdentityService() = default;

std::vector<Grant> IdentityService::grants_of(soci::session& sql, const std::string& account_id) {
  std::vector<Grant> out;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT p.permission, a.org_unit_id, u.path, u.name FROM wb_role_assignments a"
                      " JOIN wb_role_permissions p ON p.role = a.role JOIN wb_org_units u ON u.id = a.org_unit_id"
                      " WHERE a.account_id = :a",
       soci::use(account_id));
  for (auto& r : rows)
    out.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3)});
  return out;
}

Caller IdentityService::resolve(const HttpRequest& request) {
  Caller c;
  std::optional<std::string> token;
  if (auto auth = request.header("authorization"); auth && auth->starts_with("Bearer ")) {
    token = auth->substr(7);
    if (constant_time_equal(*token, admin_token_)) {
      c.principal.kind = Principal::Kind::system;
      c.principal.display_name = "系统管理令牌";
      return c;
    }
  } else if (auto v = cookie(request, kSessionCookie)) {
    token = *v;
    c.via_cookie = true;
  }
  if (!token) return c;

  auto s = db_.session();
  std::string id, account, csrf, name, kind;
  long long last_seen = 0, expires = 0;
  int revoked = 0, disabled = 0;
  std::string hash = sha256_hex(*token);
  std::string acting, org_unit;
  soci::indicator acting_ind = soci::i_null, org_ind = soci::i_null;
  *s << "SELECT s.id, s.account_id, s.csrf_token, s.last_seen_ms, s.expires_ms, s.revoked, a.display_name, a.kind,"
        " a.disabled, s.acting_for, a.org_unit_id FROM wb_sessions s JOIN wb_accounts a ON a.id = s.account_id"
        " WHERE s.token_hash = :h",
      soci::use(hash), soci::into(id), soci::into(account), soci::into(csrf), soci::into(last_seen),
      soci::into(expires), soci::into(revoked), soci::into(name), soci::into(kind), soci::into(disabled),
      soci::into(acting, acting_ind), soci::into(org_unit, org_ind);
  long long now = epoch_ms_now();
  if (!s->got_data() || revoked || disabled) {
    c.via_cookie = false;
    c.rejected = "auth.invalid_token";
    return c;
  }
  if (now > expires || now - last_seen > config_.session_idle_seconds * 1000LL) {
    c.via_cookie = false;
    c.rejected = "auth.session_expired";
    return c;
  }
  if (now - last_seen > 30000)  // note activity at most twice a minute
    *s << "UPDATE wb_sessions SET last_seen_ms = :n WHERE id = :i", soci::use(now), soci::use(id);
  c.principal.kind = kind == "staff" ? Principal::Kind::staff
                     : kind == "legal" ? Principal::Kind::legal
                                       : Principal::Kind::person;
  c.principal.account_id = account;
  c.principal.display_name = name;
  c.principal.session_id = id;
  if (org_ind == soci::i_ok) c.principal.org_unit_id = org_unit;
  c.principal.grants = grants_of(*s, account);
  if (acting_ind == soci::i_ok && !acting.empty()) {  // acting for a legal person: only while the mandate holds
    std::string scope;
    *s << "SELECT scope FROM wb_legal_agents WHERE legal_person_id = :l AND agent_account_id = :a AND valid_until_ms >= :n",
        soci::use(acting), soci::use(account), soci::use(now), soci::into(scope);
    if (s->got_data()) {
      c.principal.acting_for = acting;
      c.principal.agent_scope = json::parse(scope).get<std::vector<std::string>>();
    }
  }
  c.csrf_token = csrf;
  return c;
}

bool IdentityService::locked(soci::session& sql, const std::string& name) {
  long long until = 0, now = epoch_ms_now();
  sql << "SELECT locked_until_ms FROM wb_login_throttle WHERE name = :n", soci::use(name), soci::into(until);
  return sql.got_data() && until > now;
}

bool IdentityService::record_failure(soci::session& sql, const std::string& name, const std::string& client_ip) {
  long long now = epoch_ms_now(), locked_until = 0;
  int failures = 0, locks = 0;
  WriteTransaction tx(sql, db_.dialect());
  sql << "SELECT failures, locks, locked_until_ms FROM wb_login_throttle WHERE name = :n", soci::use(name),
      soci::into(failures), soci::into(locks), soci::into(locked_until);
  if (!sql.got_data()) failures = locks = 0, locked_until = 0;
  ++failures;
  if (failures >= config_.lockout_threshold) {
    long long lock = config_.lockout_base_seconds * 1000LL;
    for (int i = 0; i < locks && lock < config_.lockout_max_seconds * 1000LL; ++i) lock *= 2;
    lock = std::min<long long>(lock, config_.lockout_max_seconds * 1000LL);
    locked_until = now + lock;
    ++locks;
    failures = 0;
    log_->warn("login name {} locked for {} s after repeated failures from {}", name, lock / 1000, client_ip);
  }
  sql << "DELETE FROM wb_login_throttle WHERE name = :n", soci::use(name);
  sql << "INSERT INTO wb_login_throttle (name, failures, locks, locked_until_ms) VALUES (:n, :f, :l, :u)",
      soci::use(name), soci::use(failures), soci::use(locks), soci::use(locked_until);
  tx.commit();
  return locked_until > now;
}

LoginResult IdentityService::password_login(const std::string& username, const std::string& password,
                                            const std::string& client_ip, const std::string& user_agent) {
  std::string name = lower(username);
  auto s = db_.session();
  if (locked(*s, name)) {
    verify_password(dummy_hash_, password);  // the same work as any other attempt
    throw Problem(429, "auth.locked", kLocked);
  }

  std::string id, display, hash;
  int disabled = 0;
  soci::indicator hash_ind = soci::i_null;
  *s << "SELECT id, display_name, password_hash, disabled FROM wb_accounts WHERE username = :u AND kind = 'staff'",
      soci::use(name), soci::into(id), soci::into(display), soci::into(hash, hash_ind), soci::into(disabled);
  bool known = s->got_data() && hash_ind == soci::i_ok;
  bool ok = verify_password(known ? hash : dummy_hash_, password) && known && !disabled;

  if (!ok) {
    if (record_failure(*s, name, client_ip)) throw Problem(429, "auth.locked", kLocked);
    throw Problem(401, "auth.login_failed", kLoginFailed);
  }

  *s << "DELETE FROM wb_login_throttle WHERE name = :n", soci::use(name);
  log_->info("staff {} logged in from {}", name, client_ip);
  return open_session(*s, id, Principal::Kind::staff, display, client_ip, user_agent);
}

LoginResult IdentityService::open_session(soci::session& sql, const std::string& account_id, Principal::Kind kind,
                                          const std::string& display_name, const std::string& client_ip,
                                          const std::string& user_agent) {
  LoginResult r;
  long long now = epoch_ms_now();
  r.session_id = uuid_v4();
  r.token = random_hex(32);
  r.csrf_token = random_hex(32);
  r.expires_ms = now + config_.session_absolute_seconds * 1000LL;
  std::string token_hash = sha256_hex(r.token), agent = user_agent.substr(0, 300), ip = client_ip.substr(0, 64);
  sql << "INSERT INTO wb_sessions (id, token_hash, account_id, csrf_token, created_ms, last_seen_ms, expires_ms,"
         " client_ip, user_agent, revoked) VALUES (:i, :h, :a, :c, :n1, :n2, :e, :ip, :ua, 0)",
      soci::use(r.session_id), soci::use(token_hash), soci::use(account_id), soci::use(r.csrf_token), soci::use(now),
      soci::use(now), soci::use(r.expires_ms), soci::use(ip), soci::use(agent);
  r.principal.kind = kind;
  r.principal.account_id = account_id;
  r.principal.display_name = display_name;
  r.principal.session_id = r.session_id;
  r.principal.grants = grants_of(sql, account_id);
  return r;
}

std::pair<std::string, long long> IdentityService::new_nonce() {
  auto s = db_.session();
  long long now = epoch_ms_now(), expires = now + config_.nonce_seconds * 1000LL;
  std::string nonce = random_hex(32);
  *s << "DELETE FROM wb_login_nonces WHERE expires_ms < :n", soci::use(now);
  *s << "INSERT INTO wb_login_nonces (nonce, expires_ms) VALUES (:n, :e)", soci::use(nonce), soci::use(expires);
  return {nonce, expires};
}

LoginResult IdentityService::certificate_login(const std::vector<std::string>& chain_pem, const std::string& nonce,
                                               const std::string& signature_base64, const std::string& client_ip,
                                               const std::string& user_agent) {
  auto s = db_.session();
  long long now = epoch_ms_now();
  {  // consume the challenge first: a replay fails whatever else it brings
    soci::statement consume = (s->prepare << "DELETE FROM wb_login_nonces WHERE nonce = :n AND expires_ms >= :t",
                               soci::use(nonce), soci::use(now));
    consume.execute(true);
    if (consume.get_affected_rows() != 1)
      throw Problem(401, "auth.nonce_invalid", "登录挑战码无效、已过期或已使用，请重新获取 (the challenge is unknown, expired or used)");
  }
  auto signature = base64_decode(signature_base64);
  if (!signature) throw Problem::bad_request("auth.signature_encoding", "签名须为 Base64 编码");
  auto subject = certificates_->verify(chain_pem, nonce, *signature);
  std::string why, credit_why;
  auto citizen = parse_citizen_id(subject.serial_number, today_yyyymmdd(), &why);
  auto credit = citizen ? std::nullopt : parse_credit_code(subject.serial_number, &credit_why);
  if (!citizen && !credit)
    throw Problem(401, "auth.cert_subject",
                  "证书主体中没有有效的公民身份号码或统一社会信用代码：" + (why.empty() ? "缺少" : why));

  WriteTransaction tx(*s, db_.dialect());
  LoginResult r;
  if (citizen) {
    auto [account, name] = person_account(*s, *citizen, subject.common_name, subject.fingerprint);
    r = open_session(*s, account, Principal::Kind::person, name, client_ip, user_agent);
  } else {
    auto [account, name] = legal_account(*s, *credit, subject.organization.empty() ? subject.common_name : subject.organization,
                                         subject.fingerprint);
    r = open_session(*s, account, Principal::Kind::legal, name, client_ip, user_agent);
  }
  tx.commit();
  return r;
}

std::pair<std::string, std::string> IdentityService::legal_account(soci::session& sql, const std::string& credit_code,
                                                                   const std::string& given_name,
                                                                   const std::string& fingerprint) {
  std::string account, name;
  sql << "SELECT l.account_id, a.display_name FROM wb_legal_persons l JOIN wb_accounts a ON a.id = l.account_id"
         " WHERE l.credit_code = :c",
      soci::use(credit_code), soci::into(account), soci::into(name);
  if (sql.got_data()) return {account, name};
  account = uuid_v4();
  name = given_name.empty() ? credit_code : given_name;
  std::string id = uuid_v4(), created = utc_now_iso();
  sql << "INSERT INTO wb_accounts (id, kind, username, display_name, password_hash, org_unit_id, disabled, created_at)"
         " VALUES (:i, 'legal', NULL, :d, NULL, NULL, 0, :t)",
      soci::use(account), soci::use(name), soci::use(created);
  sql << "INSERT INTO wb_legal_persons (id, account_id, credit_code, name, legal_representative, registered_address,"
         " registered_date, business_scope, certificate_fingerprint) VALUES (:i, :a, :c, :n, '', '', '', '', :f)",
      soci::use(id), soci::use(account), soci::use(credit_code), soci::use(name), soci::use(fingerprint);
  log_->info("legal person account created at first certificate login");
  return {account, name};
}

namespace {

std::string legal_id_of(soci::session& sql, const Principal& legal) {
  if (legal.kind != Principal::Kind::legal)
    throw Problem::forbidden("auth.not_legal_person", "只有以法人证书登录的法人账号可以管理经办人授权");
  std::string id;
  sql << "SELECT id FROM wb_legal_persons WHERE account_id = :a", soci::use(legal.account_id), soci::into(id);
  if (!sql.got_data()) throw Problem::forbidden("auth.not_legal_person", "法人信息不存在");
  return id;
}

std::string person_by_id_number(soci::session& sql, const std::string& id_number) {
  std::string account;
  sql << "SELECT account_id FROM wb_natural_persons WHERE id_type = 'resident_id' AND id_number = :n",
      soci::use(id_number), soci::into(account);
  if (!sql.got_data())
    throw Problem::not_found("auth.person_not_found", "该身份证号码的自然人尚未在本平台实名登录过，请其先登录一次");
  return account;
}

}  // namespace

void IdentityService::authorise_agent(const Principal& legal, const std::string& id_number,
                                      const std::vector<std::string>& scope, int valid_days) {
  std::string why;
  auto citizen = parse_citizen_id(id_number, today_yyyymmdd(), &why);
  if (!citizen) throw Problem::bad_request("auth.bad_id_number", why);
  auto s = db_.session();
  WriteTransaction tx(*s, db_.dialect());
  std::string legal_id = legal_id_of(*s, legal), agent = person_by_id_number(*s, citizen->number);
  std::string scope_text = json(scope).dump(), now = utc_now_iso();
  long long until = epoch_ms_now() + valid_days * 86400000LL;
  *s << "DELETE FROM wb_legal_agents WHERE legal_person_id = :l AND agent_account_id = :a", soci::use(legal_id),
      soci::use(agent);
  *s << "INSERT INTO wb_legal_agents (legal_person_id, agent_account_id, scope, valid_until_ms, granted_at)"
        " VALUES (:l, :a, :s, :u, :t)",
      soci::use(legal_id), soci::use(agent), soci::use(scope_text), soci::use(until), soci::use(now);
  tx.commit();
}

void IdentityService::revoke_agent(const Principal& legal, const std::string& id_number) {
  auto s = db_.session();
  std::string legal_id = legal_id_of(*s, legal), agent = person_by_id_number(*s, id_number);
  soci::statement st = (s->prepare << "DELETE FROM wb_legal_agents WHERE legal_person_id = :l AND agent_account_id = :a",
                        soci::use(legal_id), soci::use(agent));
  st.execute(true);
  if (st.get_affected_rows() == 0) throw Problem::not_found("auth.mandate_not_found", "没有这项经办人授权");
}

json IdentityService::agents_of(const Principal& legal) {
  auto s = db_.session();
  std::string legal_id = legal_id_of(*s, legal);
  soci::rowset<soci::row> rows =
      (s->prepare << "SELECT p.id_number, p.name, g.scope, g.valid_until_ms FROM wb_legal_agents g"
                     " JOIN wb_natural_persons p ON p.account_id = g.agent_account_id WHERE g.legal_person_id = :l"
                     " ORDER BY p.name",
       soci::use(legal_id));
  json out = json::array();
  for (auto& r : rows)
    out.push_back({{"id_number", r.get<std::string>(0)}, {"name", r.get<std::string>(1)},
                   {"scope", json::parse(r.get<std::string>(2))}, {"valid_until_ms", row_integer(r, 3)}});
  return out;
}

json IdentityService::mandates_of(const Principal& person) {
  auto s = db_.session();
  long long now = epoch_ms_now();
  soci::rowset<soci::row> rows =
      (s->prepare << "SELECT l.id, l.name, l.credit_code, g.scope, g.valid_until_ms FROM wb_legal_agents g"
                     " JOIN wb_legal_persons l ON l.id = g.legal_person_id"
                     " WHERE g.agent_account_id = :a AND g.valid_until_ms >= :n ORDER BY l.name",
       soci::use(person.account_id), soci::use(now));
  json out = json::array();
  for (auto& r : rows)
    out.push_back({{"legal_person_id", r.get<std::string>(0)}, {"name", r.get<std::string>(1)},
                   {"credit_code", r.get<std::string>(2)}, {"scope", json::parse(r.get<std::string>(3))},
                   {"valid_until_ms", row_integer(r, 4)}});
  return out;
}

void IdentityService::act_for(const Principal& person, const std::string& legal_person_id) {
  if (person.kind != Principal::Kind::person || person.session_id.empty())
    throw Problem::forbidden("auth.not_natural_person", "只有实名登录的自然人可以代表法人办事");
  auto s = db_.session();
  if (!legal_person_id.empty()) {
    int n = 0;
    long long now = epoch_ms_now();
    *s << "SELECT COUNT(*) FROM wb_legal_agents WHERE legal_person_id = :l AND agent_account_id = :a"
          " AND valid_until_ms >= :n",
        soci::use(legal_person_id), soci::use(person.account_id), soci::use(now), soci::into(n);
    if (n == 0) throw Problem::forbidden("auth.no_mandate", "您没有该法人的有效经办授权");
  }
  soci::indicator ind = legal_person_id.empty() ? soci::i_null : soci::i_ok;
  *s << "UPDATE wb_sessions SET acting_for = :l WHERE id = :i", soci::use(legal_person_id, ind),
      soci::use(person.session_id);
}

std::pair<std::string, std::string> IdentityService::person_account(soci::session& sql, const CitizenId& citizen,
                                                                    const std::string& given_name,
                                                                    const std::string& fingerprint) {
  std::string account, name;
  sql << "SELECT p.account_id, a.display_name FROM wb_natural_persons p JOIN wb_accounts a ON a.id = p.account_id"
         " WHERE p.id_type = 'resident_id' AND p.id_number = :n",
      soci::use(citizen.number), soci::into(account), soci::into(name);
  if (sql.got_data()) return {account, name};
  account = uuid_v4();
  name = given_name.empty() ? citizen.number : given_name;
  std::string created = utc_now_iso(), gender = citizen.male ? "1" : "2";
  soci::indicator fp_ind = fingerprint.empty() ? soci::i_null : soci::i_ok;
  sql << "INSERT INTO wb_accounts (id, kind, username, display_name, password_hash, org_unit_id, disabled, created_at)"
         " VALUES (:i, 'person', NULL, :d, NULL, NULL, 0, :t)",
      soci::use(account), soci::use(name), soci::use(created);
  sql << "INSERT INTO wb_natural_persons (account_id, id_type, id_number, name, ethnicity, gender_code, mobile, email,"
         " real_name_verified, certificate_fingerprint) VALUES (:a, 'resident_id', :n, :m, '', :g, '', '', 1, :f)",
      soci::use(account), soci::use(citizen.number), soci::use(name), soci::use(gender), soci::use(fingerprint, fp_ind);
  log_->info("natural person account created at first real-name login");
  return {account, name};
}

std::string IdentityService::oidc_begin(const std::string& next) {
  std::string target = next.empty() ? "/" : next;
  if (target.front() != '/' || target.starts_with("//") || target.find('\\') != std::string::npos)
    throw Problem::bad_request("auth.bad_next", "返回地址必须是本站路径 (next must be a local path)");
  auto start = oidc_->begin();
  auto s = db_.session();
  long long now = epoch_ms_now(), expires = now + 600000;
  *s << "DELETE FROM wb_oidc_states WHERE expires_ms < :n", soci::use(now);
  *s << "INSERT INTO wb_oidc_states (state, nonce, verifier, next_path, expires_ms) VALUES (:s, :n, :v, :p, :e)",
      soci::use(start.state), soci::use(start.nonce), soci::use(start.verifier), soci::use(target), soci::use(expires);
  return start.url;
}

std::pair<LoginResult, std::string> IdentityService::oidc_complete(const std::string& code, const std::string& state,
                                                                   const std::string& client_ip,
                                                                   const std::string& user_agent) {
  std::string nonce, verifier, next;
  {
    auto s = db_.session();
    long long now = epoch_ms_now();
    WriteTransaction tx(*s, db_.dialect());
    *s << "SELECT nonce, verifier, next_path FROM wb_oidc_states WHERE state = :s AND expires_ms >= :n", soci::use(state),
        soci::use(now), soci::into(nonce), soci::into(verifier), soci::into(next);
    bool found = s->got_data();
    *s << "DELETE FROM wb_oidc_states WHERE state = :s", soci::use(state);
    tx.commit();
    if (!found)
      throw Problem(401, "auth.oidc_state", "登录状态无效或已过期，请重新登录 (unknown, used or expired state)");
  }
  auto claims = oidc_->finish(code, verifier, nonce);
  std::string why;
  auto citizen = parse_citizen_id(claims.value(config_.oidc_id_number_claim, ""), today_yyyymmdd(), &why);
  if (!citizen)
    throw Problem(401, "auth.oidc_claims", "统一身份认证平台未提供有效的公民身份号码：" + (why.empty() ? "缺少" : why));
  auto s = db_.session();
  WriteTransaction tx(*s, db_.dialect());
  auto [account, name] = person_account(*s, *citizen, claims.value(config_.oidc_name_claim, ""), "");
  update_contact_from_claims(*s, account, claims);
  auto r = open_session(*s, account, Principal::Kind::person, name, client_ip, user_agent);
  tx.commit();
  return {r, next};
}

void IdentityService::change_password(const Principal& staff, const std::string& current,
                                      const std::string& replacement) {
  if (staff.kind != Principal::Kind::staff)
    throw Problem::forbidden("auth.no_password", "只有工作人员账号使用口令登录 (only staff accounts have passwords)");
  auto s = db_.session();
  std::string username, hash;
  *s << "SELECT username, password_hash FROM wb_accounts WHERE id = :a", soci::use(staff.account_id),
      soci::into(username), soci::into(hash);
  if (!s->got_data()) throw Problem::not_found("auth.account_not_found", "账号不存在");
  if (locked(*s, username)) throw Problem(429, "auth.locked", kLocked);
  if (!verify_password(hash, current)) {
    if (record_failure(*s, username, "password change")) throw Problem(429, "auth.locked", kLocked);
    throw Problem::forbidden("auth.wrong_password", "当前口令不正确 (the current password is wrong)");
  }
  *s << "DELETE FROM wb_login_throttle WHERE name = :n", soci::use(username);
  if (current == replacement) throw Problem::bad_request("auth.weak_password", "新口令不能与当前口令相同");
  if (auto weak = password_weakness(replacement, username, static_cast<std::size_t>(config_.password_min_length)))
    throw Problem::bad_request("auth.weak_password", *weak);
  std::string fresh = hash_password(replacement, params(config_));
  WriteTransaction tx(*s, db_.dialect());
  *s << "UPDATE wb_accounts SET password_hash = :h WHERE id = :a", soci::use(fresh), soci::use(staff.account_id);
  *s << "UPDATE wb_sessions SET revoked = 1 WHERE account_id = :a AND id <> :s", soci::use(staff.account_id),
      soci::use(staff.session_id);
  tx.commit();
  log_->info("staff {} changed their password; other sessions ended", username);
}

void IdentityService::logout(const std::string& session_id) {
  auto s = db_.session();
  *s << "UPDATE wb_sessions SET revoked = 1 WHERE id = :i", soci::use(session_id);
}

std::string IdentityService::csrf_of(const std::string& session_id) {
  auto s = db_.session();
  std::string csrf;
  *s << "SELECT csrf_token FROM wb_sessions WHERE id = :i AND revoked = 0", soci::use(session_id), soci::into(csrf);
  return csrf;
}

json IdentityService::sessions_of(const std::string& account_id, const std::string& current_session) {
  auto s = db_.session();
  long long now = epoch_ms_now(), idle = config_.session_idle_seconds * 1000LL;
  soci::rowset<soci::row> rows =
      (s->prepare << "SELECT id, created_ms, last_seen_ms, expires_ms, client_ip, user_agent FROM wb_sessions"
                     " WHERE account_id = :a AND revoked = 0 ORDER BY created_ms DESC",
       soci::use(account_id));
  json out = json::array();
  for (auto& r : rows) {
    long long last = row_integer(r, 2), expires = row_integer(r, 3);
    if (now > expires || now - last > idle) continue;
    out.push_back({{"id", r.get<std::string>(0)}, {"created_ms", row_integer(r, 1)}, {"last_seen_ms", last},
                   {"expires_ms", expires}, {"client_ip", r.get<std::string>(4)},
                   {"user_agent", r.get<std::string>(5)}, {"current", r.get<std::string>(0) == current_session}});
  }
  return out;
}

void IdentityService::revoke(const std::string& account_id, const std::string& session_id) {
  auto s = db_.session();
  soci::statement st = (s->prepare << "UPDATE wb_sessions SET revoked = 1 WHERE id = :i AND account_id = :a",
                        soci::use(session_id), soci::use(account_id));
  st.execute(true);
  if (st.get_affected_rows() == 0)
    throw Problem::not_found("auth.session_not_found", "没有这个会话 (no such session of yours)");
}

std::string IdentityService::create_org_unit(const std::optional<std::string>& parent_id, const std::string& level,
                                             const std::string& name, const std::string& division_code) {
  static const char* levels[] = {"national", "province", "city", "county", "department"};
  if (std::find(std::begin(levels), std::end(levels), level) == std::end(levels))
    throw Problem::bad_request("org.bad_level", "层级必须是 national、province、city、county 或 department");
  auto s = db_.session();
  std::string path;
  if (parent_id) {
    std::string parent_level;
    *s << "SELECT path, level FROM wb_org_units WHERE id = :p", soci::use(*parent_id), soci::into(path),
        soci::into(parent_level);
    if (!s->got_data()) throw Problem::not_found("org.parent_not_found", "上级机构不存在");
    auto rank = [&](const std::string& l) { return std::find(std::begin(levels), std::end(levels), l) - std::begin(levels); };
    if (level != "department" && rank(level) != rank(parent_level) + 1)
      throw Problem::bad_request("org.bad_level", "行政层级须逐级设置：" + parent_level + " 之下只能是下一级或部门");
  } else if (level != "national" && level != "province") {
    throw Problem::bad_request("org.bad_level", "顶级机构必须是国家级或省级");
  }
  std::string id = uuid_v4(), now = utc_now_iso();
  path += "/" + id + "/";
  if (!parent_id) path = "/" + id + "/";
  soci::indicator parent_ind = parent_id ? soci::i_ok : soci::i_null;
  std::string parent = parent_id.value_or("");
  *s << "INSERT INTO wb_org_units (id, parent_id, level, name, division_code, path, created_at)"
        " VALUES (:i, :p, :l, :n, :d, :path, :t)",
      soci::use(id), soci::use(parent, parent_ind), soci::use(level), soci::use(name), soci::use(division_code),
      soci::use(path), soci::use(now);
  return id;
}

json IdentityService::org_units() {
  auto s = db_.session();
  soci::rowset<soci::row> rows =
      (s->prepare << "SELECT id, parent_id, level, name, division_code, path FROM wb_org_units ORDER BY path");
  json out = json::array();
  for (auto& r : rows)
    out.push_back({{"id", r.get<std::string>(0)},
                   {"parent_id", r.get_indicator(1) == soci::i_null ? json(nullptr) : json(r.get<std::string>(1))},
                   {"level", r.get<std::string>(2)}, {"name", r.get<std::string>(3)},
                   {"division_code", r.get<std::string>(4)}, {"path", r.get<std::string>(5)}});
  return out;
}

std::string IdentityService::create_staff(const std::string& username, const std::string& display_name,
                                          const std::string& password, const std::string& org_unit_id) {
  std::string name = lower(username);
  if (auto weak = password_weakness(password, name, static_cast<std::size_t>(config_.password_min_length)))
    throw Problem::bad_request("auth.weak_password", *weak);
  auto s = db_.session();
  int n = 0;
  *s << "SELECT COUNT(*) FROM wb_org_units WHERE id = :o", soci::use(org_unit_id), soci::into(n);
  if (n == 0) throw Problem::not_found("org.not_found", "所属机构不存在");
  *s << "SELECT COUNT(*) FROM wb_accounts WHERE username = :u", soci::use(name), soci::into(n);
  if (n > 0) throw Problem::conflict("auth.username_taken", "用户名已被使用");
  std::string id = uuid_v4(), hash = hash_password(password, params(config_)), now = utc_now_iso();
  *s << "INSERT INTO wb_accounts (id, kind, username, display_name, password_hash, org_unit_id, disabled, created_at)"
        " VALUES (:i, 'staff', :u, :d, :h, :o, 0, :t)",
      soci::use(id), soci::use(name), soci::use(display_name), soci::use(hash), soci::use(org_unit_id), soci::use(now);
  return id;
}

json IdentityService::accounts() {
  auto s = db_.session();
  soci::rowset<soci::row> rows =
      (s->prepare << "SELECT id, kind, username, display_name, org_unit_id, disabled FROM wb_accounts ORDER BY created_at");
  json out = json::array();
  for (auto& r : rows) {
    json a = {{"id", r.get<std::string>(0)}, {"kind", r.get<std::string>(1)},
              {"username", r.get_indicator(2) == soci::i_null ? json(nullptr) : json(r.get<std::string>(2))},
              {"display_name", r.get<std::string>(3)},
              {"org_unit_id", r.get_indicator(4) == soci::i_null ? json(nullptr) : json(r.get<std::string>(4))},
              {"disabled", row_integer(r, 5) != 0}};
    out.push_back(std::move(a));
  }
  return out;
}

void IdentityService::define_role(const std::string& name, const std::string& title,
                                  const std::vector<std::string>& permissions) {
  auto s = db_.session();
  WriteTransaction tx(*s, db_.dialect());
  int built_in = 0;
  *s << "SELECT built_in FROM wb_roles WHERE name = :n", soci::use(name), soci::into(built_in);
  if (s->got_data() && built_in) throw Problem::conflict("role.built_in", "内置角色不可修改");
  if (!s->got_data()) *s << "INSERT INTO wb_roles (name, title, built_in) VALUES (:n, :t, 0)", soci::use(name), soci::use(title);
  else *s << "UPDATE wb_roles SET title = :t WHERE name = :n", soci::use(title), soci::use(name);
  *s << "DELETE FROM wb_role_permissions WHERE role = :n", soci::use(name);
  for (auto& p : permissions)
    *s << "INSERT INTO wb_role_permissions (role, permission) VALUES (:n, :p)", soci::use(name), soci::use(p);
  tx.commit();
}

json IdentityService::roles() {
  auto s = db_.session();
  json out = json::array();
  soci::rowset<soci::row> rows = (s->prepare << "SELECT name, title, built_in FROM wb_roles ORDER BY name");
  for (auto& r : rows) out.push_back({{"name", r.get<std::string>(0)}, {"title", r.get<std::string>(1)},
                                      {"built_in", row_integer(r, 2) != 0}, {"permissions", json::array()}});
  soci::rowset<soci::row> perms = (s->prepare << "SELECT role, permission FROM wb_role_permissions ORDER BY permission");
  for (auto& p : perms)
    for (auto& r : out)
      if (r["name"] == p.get<std::string>(0)) r["permissions"].push_back(p.get<std::string>(1));
  return out;
}

void IdentityService::assign(const std::string& account_id, const std::string& role, const std::string& org_unit_id) {
  auto s = db_.session();
  int n = 0;
  *s << "SELECT COUNT(*) FROM wb_accounts WHERE id = :a", soci::use(account_id), soci::into(n);
  if (!n) throw Problem::not_found("auth.account_not_found", "账号不存在");
  *s << "SELECT COUNT(*) FROM wb_roles WHERE name = :r", soci::use(role), soci::into(n);
  if (!n) throw Problem::not_found("role.not_found", "角色不存在");
  *s << "SELECT COUNT(*) FROM wb_org_units WHERE id = :o", soci::use(org_unit_id), soci::into(n);
  if (!n) throw Problem::not_found("org.not_found", "机构不存在");
  *s << "SELECT COUNT(*) FROM wb_role_assignments WHERE account_id = :a AND role = :r AND org_unit_id = :o",
      soci::use(account_id), soci::use(role), soci::use(org_unit_id), soci::into(n);
  if (n) return;
  *s << "INSERT INTO wb_role_assignments (account_id, role, org_unit_id) VALUES (:a, :r, :o)", soci::use(account_id),
      soci::use(role), soci::use(org_unit_id);
}

void IdentityService::unassign(const std::string& account_id, const std::string& role, const std::string& org_unit_id) {
  auto s = db_.session();
  soci::statement st = (s->prepare << "DELETE FROM wb_role_assignments WHERE account_id = :a AND role = :r AND org_unit_id = :o",
                        soci::use(account_id), soci::use(role), soci::use(org_unit_id));
  st.execute(true);
  if (st.get_affected_rows() == 0) throw Problem::not_found("role.assignment_not_found", "没有这项角色授予");
}

json IdentityService::assignments() {
  auto s = db_.session();
  soci::rowset<soci::row> rows =
      (s->prepare << "SELECT a.account_id, c.username, c.display_name, a.role, r.title, a.org_unit_id, u.name"
                     " FROM wb_role_assignments a JOIN wb_accounts c ON c.id = a.account_id"
                     " JOIN wb_roles r ON r.name = a.role JOIN wb_org_units u ON u.id = a.org_unit_id"
                     " ORDER BY u.path, c.display_name, a.role");
  json out = json::array();
  for (auto& r : rows)
    out.push_back({{"account_id", r.get<std::string>(0)},
                   {"username", r.get_indicator(1) == soci::i_null ? json(nullptr) : json(r.get<std::string>(1))},
                   {"display_name", r.get<std::string>(2)}, {"role", r.get<std::string>(3)},
                   {"role_title", r.get<std::string>(4)}, {"org_unit_id", r.get<std::string>(5)},
                   {"org_name", r.get<std::string>(6)}});
  return out;
}

}  // namespace wangban::kernel
