// IdentityService: accounts, the organisation tree, roles, sessions and password login.
//
// Staff log in with a username and password (Argon2id). A login creates a
// session: a random token given to the client (cookie or bearer) and stored
// only as its SHA-256, with a CSRF token, an idle and an absolute expiry.
// Failed logins are counted per account name — known or not, so a lock says
// nothing about whether the account exists — and lock the name for a time
// that doubles with each lock. resolve() turns a request's credentials into a
// Principal with its grants (role permissions in organisation subtrees). All
// methods may block on the database: call them from the worker pool.
// Thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "wangban/database.hpp"
#include "wangban/principal.hpp"

namespace spdlog {
class logger;
}

namespace wangban {
struct CitizenId;
}

namespace wangban::kernel {

struct HttpRequest;
class CertificateVerifier;
class OidcClient;

// Who called, as the router needs it (the Principal is what handlers see).
struct Caller {
  Principal principal;
  bool via_cookie = false;   // authenticated by the session cookie (CSRF applies)
  std::string csrf_token;    // the session's, when via_cookie
  std::string rejected;      // a problem code when credentials came but were not valid
};

struct LoginResult {
  std::string session_id, token, csrf_token;
  long long expires_ms = 0;
  Principal principal;
};

class IdentityService {
 public:
  IdentityService(Database& db, const IdentityConfig& config, std::string admin_token,
                  std::shared_ptr<spdlog::logger> log);
  ~IdentityService();

  static constexpr const char* kSessionCookie = "wb_session";
  int session_lifetime_seconds() const { return config_.session_absolute_seconds; }
  int session_idle_seconds() const { return config_.session_idle_seconds; }
  // Which login methods this platform offers (certificate: trust anchors configured; OIDC: an issuer).
  bool certificate_login_enabled() const { return !config_.trust_anchors.empty(); }
  bool oidc_enabled() const { return !config_.oidc_issuer.empty(); }

  Caller resolve(const HttpRequest& request);

  // Throws Problem 401 (auth.login_failed) or 429 (auth.locked) with the same text whether or not the name exists.
  LoginResult password_login(const std::string& username, const std::string& password, const std::string& client_ip,
                             const std::string& user_agent);
  // Fetches the configured CRL URLs (identity.crl_urls); failures are logged and the last
  // good CRL stays. Returns how many were fetched.
  int refresh_crls();
  int crl_refresh_seconds() const { return config_.crl_refresh_seconds; }
  // The trust anchors and CRLs (also for signatures and seals).
  const CertificateVerifier& certificates() const { return *certificates_; }
  // A one-time challenge for certificate login, valid for identity.nonce_seconds.
  std::pair<std::string, long long> new_nonce();
  // Digital-certificate login: the nonce must be fresh and unused, the certificate chain
  // trusted (CertificateVerifier), the signature over the nonce valid. The subject
  // serialNumber decides who logs in: a valid citizen ID number (GB 11643) is a natural
  // person; a valid unified social credit code (GB 32100) is a legal person — the profile we
  // use for the electronic business licence, its name taken from O (else CN). The first login
  // creates the account (real-name verified by the certificate).
  LoginResult certificate_login(const std::vector<std::string>& chain_pem, const std::string& nonce,
                                const std::string& signature_base64, const std::string& client_ip,
                                const std::string& user_agent);
  // Upstream real-name authority (OpenID Connect): the URL to send the browser to, after
  // recording state, nonce and PKCE verifier. `next` is a local path to return to.
  std::string oidc_begin(const std::string& next);
  // Completes the login: the state must be one we issued and not used; returns the session and the path to return to.
  std::pair<LoginResult, std::string> oidc_complete(const std::string& code, const std::string& state,
                                                    const std::string& client_ip, const std::string& user_agent);
  void logout(const std::string& session_id);
  // A staff member changes their own password: Problem 403 (auth.wrong_password) when the
  // current one is wrong (counted by the login throttle; 429 when locked), 400 (auth.weak_password) for a weak new
  // one. The caller's other sessions end.
  void change_password(const Principal& staff, const std::string& current, const std::string& replacement);

  // Legal persons (法人) and their agents. A legal account authorises a natural person (by
  // citizen ID number, who must have logged in once) for a scope of items until a date;
  // the person then chooses to act for it in a session.
  void authorise_agent(const Principal& legal, const std::string& id_number, const std::vector<std::string>& scope,
                       int valid_days);
  void revoke_agent(const Principal& legal, const std::string& id_number);
  nlohmann::json agents_of(const Principal& legal);
  nlohmann::json mandates_of(const Principal& person);
  // Sets (or with an empty id, clears) the legal person the session acts for; Problem 403 without a valid mandate.
  void act_for(const Principal& person, const std::string& legal_person_id);
  // The CSRF token of a live session (for the web UI after a page reload).
  std::string csrf_of(const std::string& session_id);
  nlohmann::json sessions_of(const std::string& account_id, const std::string& current_session);
  // Revokes one of the account's own sessions; Problem 404 when it is not theirs.
  void revoke(const std::string& account_id, const std::string& session_id);

  std::string create_org_unit(const std::optional<std::string>& parent_id, const std::string& level,
                              const std::string& name, const std::string& division_code);
  nlohmann::json org_units();
  // Problem 400 for a weak password (Chinese reason), 409 for a taken username.
  std::string create_staff(const std::string& username, const std::string& display_name, const std::string& password,
                           const std::string& org_unit_id);
  nlohmann::json accounts();
  void define_role(const std::string& name, const std::string& title, const std::vector<std::string>& permissions);
  nlohmann::json roles();
  void assign(const std::string& account_id, const std::string& role, const std::string& org_unit_id);
  // Problem 404 when there was no such assignment.
  void unassign(const std::string& account_id, const std::string& role, const std::string& org_unit_id);
  nlohmann::json assignments();

 private:
  std::vector<Grant> grants_of(soci::session& sql, const std::string& account_id);
  // The login throttle: is the name locked now; count a failure (true when it locks the name).
  bool locked(soci::session& sql, const std::string& name);
  bool record_failure(soci::session& sql, const std::string& name, const std::string& client_ip);
  // The account of the natural person with this citizen ID number, created when new.
  std::pair<std::string, std::string> person_account(soci::session& sql, const CitizenId& citizen, const std::string& name,
                                                     const std::string& fingerprint);
  std::pair<std::string, std::string> legal_account(soci::session& sql, const std::string& credit_code,
                                                    const std::string& name, const std::string& fingerprint);
  LoginResult open_session(soci::session& sql, const std::string& account_id, Principal::Kind kind,
                           const std::string& display_name, const std::string& client_ip, const std::string& user_agent);
  Database& db_;
  IdentityConfig config_;
  std::string admin_token_;
  std::string dummy_hash_;
  std::unique_ptr<CertificateVerifier> certificates_;
  std::unique_ptr<OidcClient> oidc_;  // verified against for unknown names, so timing does not tell
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace wangban::kernel
