// OidcClient: discovery, PKCE, the token exchange and ID token verification (RS256, ES256).
#include "identity/oidc_client.hpp"

#include <chrono>
#include <mutex>

#include <httplib.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "util/digest.hpp"
#include "wangban/problem.hpp"

namespace wangban::kernel {
namespace {

using json = nlohmann::json;

struct Url {
  std::string origin;  // scheme://host:port
  std::string path;    // with query
};

Url split_url(const std::string& url) {
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) return {url, "/"};
  return {url.substr(0, slash), url.substr(slash)};
}

std::string form_encode(const std::string& v) {
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

[[noreturn]] void unavailable(const std::string& what) {
  throw Problem::unavailable("auth.oidc_unavailable", "统一身份认证平台暂时无法访问，请稍后再试 (" + what + ")");
}

json get_json(const std::string& url) {
  auto u = split_url(url);
  httplib::Client c(u.origin);
  c.set_connection_timeout(std::chrono::seconds(5));
  c.set_read_timeout(std::chrono::seconds(10));
  auto r = c.Get(u.path);
  if (!r || r->status != 200) unavailable("GET " + url + (r ? " answered " + std::to_string(r->status) : " failed"));
  try {
    return json::parse(r->body);
  } catch (const json::exception&) {
    unavailable(url + " did not answer JSON");
  }
}

[[noreturn]] void bad_token(const std::string& why) {
  throw Problem(401, "auth.oidc_token", "身份认证平台返回的身份令牌无效 (" + why + ")");
}

struct PkeyFree { void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); } };
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

Pkey key_from_jwk(const json& jwk) {
  std::string kty = jwk.value("kty", "");
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  std::vector<BIGNUM*> bns;
  const char* type = nullptr;
  std::string pub;
  if (kty == "RSA") {
    auto n = base64url_decode(jwk.value("n", "")), e = base64url_decode(jwk.value("e", ""));
    if (!n || !e) bad_token("malformed RSA key");
    bns.push_back(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), static_cast<int>(n->size()), nullptr));
    bns.push_back(BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), static_cast<int>(e->size()), nullptr));
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bns[0]);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bns[1]);
    type = "RSA";
  } else if (kty == "EC" && jwk.value("crv", "") == "P-256") {
    auto x = base64url_decode(jwk.value("x", "")), y = base64url_decode(jwk.value("y", ""));
    if (!x || !y || x->size() != 32 || y->size() != 32) bad_token("malformed EC key");
    pub = std::string(1, '\x04') + *x + *y;
    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub.data(), pub.size());
    type = "EC";
  } else {
    OSSL_PARAM_BLD_free(bld);
    bad_token("unsupported key type " + kty);
  }
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* key = nullptr;
  bool ok = ctx && EVP_PKEY_fromdata_init(ctx) == 1 && EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  for (auto* b : bns) BN_free(b);
  if (!ok) bad_token("cannot use the provider's key");
  return Pkey(key);
}

// JWS ES256 signatures are r||s; OpenSSL wants DER.
std::string es256_to_der(const std::string& raw) {
  if (raw.size() != 64) bad_token("bad ES256 signature length");
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr),
                 BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr));
  unsigned char* der = nullptr;
  int n = i2d_ECDSA_SIG(sig, &der);
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  return out;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (auto& c : out) c = c == '+' ? '-' : (c == '/' ? '_' : c);
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string s(text);
  for (auto& c : s) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
    else if (c == '+' || c == '/' || c == '=') return std::nullopt;
  }
  while (s.size() % 4) s += '=';
  return base64_decode(s);
}

struct OidcClient::Cache {
  std::mutex mutex;
  json discovery;
};

OidcClient::OidcClient(const IdentityConfig& config) : config_(config), cache_(std::make_unique<Cache>()) {}
OidcClient::~OidcClient() = default;

const json& OidcClient::discovery() {
  std::lock_guard lock(cache_->mutex);
  if (cache_->discovery.is_null()) {
    std::string issuer = config_.oidc_issuer;
    while (!issuer.empty() && issuer.back() == '/') issuer.pop_back();
    auto d = get_json(issuer + "/.well-known/openid-configuration");
    if (d.value("issuer", "") != config_.oidc_issuer) unavailable("the discovery document names another issuer");
    cache_->discovery = std::move(d);
  }
  return cache_->discovery;
}

OidcStart OidcClient::begin() {
  if (!enabled()) throw Problem::unavailable("auth.oidc_disabled", "本平台未配置统一身份认证平台");
  const auto& d = discovery();
  OidcStart s;
  s.state = random_hex(16);
  s.nonce = random_hex(16);
  s.verifier = base64url_encode(random_hex(24));  // 64 characters of the unreserved set
  unsigned char digest[32];
  EVP_Digest(s.verifier.data(), s.verifier.size(), digest, nullptr, EVP_sha256(), nullptr);
  std::string challenge = base64url_encode(std::string_view(reinterpret_cast<char*>(digest), sizeof digest));
  std::string endpoint = d.value("authorization_endpoint", "");
  s.url = endpoint + (endpoint.find('?') == std::string::npos ? "?" : "&") + "response_type=code&client_id=" +
          form_encode(config_.oidc_client_id) + "&redirect_uri=" + form_encode(config_.oidc_redirect_uri) +
          "&scope=" + form_encode(config_.oidc_scopes) + "&state=" + s.state + "&nonce=" + s.nonce +
          "&code_challenge=" + challenge + "&code_challenge_method=S256";
  return s;
}

json OidcClient::finish(const std::string& code, const std::string& verifier, const std::string& expected_nonce) {
  const auto& d = discovery();
  auto token_url = split_url(d.value("token_endpoint", ""));
  httplib::Client c(token_url.origin);
  c.set_connection_timeout(std::chrono::seconds(5));
  c.set_read_timeout(std::chrono::seconds(10));
  c.set_basic_auth(form_encode(config_.oidc_client_id), form_encode(config_.oidc_client_secret));
  std::string form = "grant_type=authorization_code&code=" + form_encode(code) + "&redirect_uri=" +
                     form_encode(config_.oidc_redirect_uri) + "&code_verifier=" + form_encode(verifier);
  auto r = c.Post(token_url.path, form, "application/x-www-form-urlencoded");
  if (!r) unavailable("token endpoint unreachable");
  if (r->status == 400 || r->status == 401) {
    std::string error;
    try {
      error = json::parse(r->body).value("error", "");
    } catch (const json::exception&) {
    }
    throw Problem(401, "auth.oidc_code", "授权码无效或已过期，请重新登录 (the provider refused the code: " + error + ")");
  }
  if (r->status != 200) unavailable("token endpoint answered " + std::to_string(r->status));
  std::string id_token;
  try {
    id_token = json::parse(r->body).value("id_token", "");
  } catch (const json::exception&) {
    bad_token("the token response is not JSON");
  }

  auto dot1 = id_token.find('.'), dot2 = id_token.find('.', dot1 == std::string::npos ? 0 : dot1 + 1);
  if (dot1 == std::string::npos || dot2 == std::string::npos) bad_token("not a JWS");
  auto header_raw = base64url_decode(std::string_view(id_token).substr(0, dot1));
  auto payload_raw = base64url_decode(std::string_view(id_token).substr(dot1 + 1, dot2 - dot1 - 1));
  auto signature = base64url_decode(std::string_view(id_token).substr(dot2 + 1));
  if (!header_raw || !payload_raw || !signature) bad_token("bad base64url");
  json header, claims;
  try {
    header = json::parse(*header_raw);
    claims = json::parse(*payload_raw);
  } catch (const json::exception&) {
    bad_token("bad JSON");
  }
  std::string alg = header.value("alg", "");
  if (alg != "RS256" && alg != "ES256") bad_token("unsupported algorithm " + alg);
  auto jwks = get_json(d.value("jwks_uri", ""));
  json jwk;
  if (jwks.contains("keys") && jwks["keys"].is_array())
    for (const auto& k : jwks["keys"])
      if (k.is_object() && (!header.contains("kid") || k.value("kid", "") == header.value("kid", ""))) {
        jwk = k;
        break;
      }
  if (jwk.is_null()) bad_token("no key " + header.value("kid", "") + " in the provider's JWKS");
  auto key = key_from_jwk(jwk);
  std::string sig = alg == "ES256" ? es256_to_der(*signature) : *signature;
  std::string signed_part = id_token.substr(0, dot2);
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
            EVP_DigestVerify(md, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
  EVP_MD_CTX_free(md);
  if (!ok) bad_token("signature does not verify");

  if (claims.value("iss", "") != config_.oidc_issuer) bad_token("issuer");
  bool audience = claims["aud"].is_string() ? claims["aud"] == config_.oidc_client_id : false;
  if (claims["aud"].is_array())
    for (auto& a : claims["aud"]) audience = audience || a == config_.oidc_client_id;
  if (!audience) bad_token("audience");
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (!claims.contains("exp") || !claims["exp"].is_number() || claims["exp"].get<long long>() + 60 < now) bad_token("expired");
  if (claims.value("nonce", "") != expected_nonce)
    throw Problem(401, "auth.oidc_nonce", "身份令牌与本次登录不符 (nonce mismatch)，请重新登录");
  return claims;
}

}  // namespace wangban::kernel
