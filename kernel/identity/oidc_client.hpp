// OidcClient: login through an upstream real-name authority by OpenID Connect.
//
// Authorization code flow with PKCE (S256), state and nonce (OpenID Connect Core 1.0,
// RFC 7636). The provider is found by discovery from its issuer URL; the ID token's
// signature (RS256 or ES256, key from the provider's JWKS), issuer, audience, expiry
// and nonce are checked before its claims are used. HTTP calls use cpp-httplib with
// timeouts and block: call from the worker pool. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "config/config.hpp"

namespace wangban::kernel {

struct OidcStart {
  std::string url;       // where to send the browser
  std::string state, nonce, verifier;
};

class OidcClient {
 public:
  explicit OidcClient(const IdentityConfig& config);
  ~OidcClient();
  bool enabled() const { return !config_.oidc_issuer.empty(); }
  OidcStart begin();
  // Exchanges the code and returns the verified ID token's claims. Problems: 401
  // auth.oidc_code (code refused, e.g. expired), auth.oidc_token (bad ID token),
  // auth.oidc_nonce (nonce mismatch); 503 auth.oidc_unavailable (provider unreachable).
  nlohmann::json finish(const std::string& code, const std::string& verifier, const std::string& expected_nonce);

 private:
  const nlohmann::json& discovery();
  IdentityConfig config_;
  struct Cache;
  std::unique_ptr<Cache> cache_;
};

// Base64url without padding (RFC 4648 §5), both ways.
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace wangban::kernel
