// CertificateVerifier over OpenSSL 3: chain, validity, CRL, key usage and nonce signature checks.
#include "identity/certificate_verifier.hpp"

#include <algorithm>
#include <ctime>
#include <set>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "trust/certificate.hpp"
#include "util/digest.hpp"
#include "util/files.hpp"
#include "wangban/problem.hpp"

namespace wangban::kernel {
namespace {

constexpr const char kSm2Id[] = "1234567812345678";

struct X509Free { void operator()(X509* x) const { X509_free(x); } };
struct StoreFree { void operator()(X509_STORE* s) const { X509_STORE_free(s); } };
struct CtxFree { void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); } };
struct StackFree { void operator()(STACK_OF(X509)* s) const { sk_X509_pop_free(s, X509_free); } };
struct MdCtxFree { void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); } };
struct BioFree { void operator()(BIO* b) const { BIO_free(b); } };
using X509Ptr = std::unique_ptr<X509, X509Free>;

[[noreturn]] void refuse(const std::string& code, const std::string& detail) {
  ERR_clear_error();
  throw Problem(401, code, detail);
}

X509Ptr parse_pem(const std::string& pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) refuse("auth.cert_malformed", "证书格式无效 (the certificate is not a PEM X.509 certificate)");
  return cert;
}

void set_sm2_id(X509* cert) {
  ASN1_OCTET_STRING* id = ASN1_OCTET_STRING_new();
  ASN1_OCTET_STRING_set(id, reinterpret_cast<const unsigned char*>(kSm2Id), sizeof kSm2Id - 1);
  X509_set0_distinguishing_id(cert, id);  // takes ownership
}

std::string subject_field(X509* cert, int nid) {
  X509_NAME* name = X509_get_subject_name(cert);
  int i = X509_NAME_get_index_by_NID(name, nid, -1);
  if (i < 0) return {};
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
  unsigned char* utf8 = nullptr;
  int n = ASN1_STRING_to_UTF8(&utf8, data);
  if (n < 0) return {};
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
  OPENSSL_free(utf8);
  return out;
}

struct CrlFree { void operator()(X509_CRL* c) const { X509_CRL_free(c); } };

// Verifies a CRL's signature with its issuer's key. OpenSSL 3.0 cannot give a CRL the SM2
// distinguishing ID, so its own CRL check fails on every SM2 CRL: for SM2 the signature is
// checked here over the DER of tbsCertList with SM3 and the standard ID.
bool crl_signed_by(X509_CRL* crl, EVP_PKEY* issuer_key) {
  if (!EVP_PKEY_is_a(issuer_key, "SM2")) return X509_CRL_verify(crl, issuer_key) == 1;
  const ASN1_BIT_STRING* sig = nullptr;
  const X509_ALGOR* alg = nullptr;
  X509_CRL_get0_signature(crl, &sig, &alg);
  unsigned char* tbs = nullptr;
  int tbs_len = i2d_re_X509_CRL_tbs(crl, &tbs);
  if (tbs_len <= 0 || !sig) return false;
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok = EVP_DigestVerifyInit_ex(md.get(), &pctx, "SM3", nullptr, nullptr, issuer_key, nullptr) == 1 &&
            EVP_PKEY_CTX_set1_id(pctx, kSm2Id, sizeof kSm2Id - 1) == 1 &&
            EVP_DigestVerify(md.get(), ASN1_STRING_get0_data(sig), static_cast<std::size_t>(ASN1_STRING_length(sig)), tbs,
                             static_cast<std::size_t>(tbs_len)) == 1;
  OPENSSL_free(tbs);
  return ok;
}

}  // namespace

struct CertificateVerifier::Impl {
  std::unique_ptr<X509_STORE, StoreFree> store{X509_STORE_new()};
  std::vector<std::unique_ptr<X509_CRL, CrlFree>> crls;  // from files
  std::vector<std::string> intermediates;                 // DER, helpers for every chain
  bool enabled = false;
  std::mutex url_mutex;
  std::map<std::string, std::shared_ptr<X509_CRL>> url_crls;  // url -> last good CRL (null: none yet)
  // CRLs whose signature was checked (by signature value and issuer key): a CRL is checked once,
  // not at every chain check (each an SM2 verification).
  std::mutex checked_mutex;
  std::set<std::string> checked_crls;
  bool crl_signed_by_cached(X509_CRL* crl, X509* issuer) {
    const ASN1_BIT_STRING* sig = nullptr;
    X509_CRL_get0_signature(crl, &sig, nullptr);
    const ASN1_BIT_STRING* key = X509_get0_pubkey_bitstr(issuer);
    if (!sig || !key) return false;
    std::string id(reinterpret_cast<const char*>(ASN1_STRING_get0_data(sig)), static_cast<std::size_t>(ASN1_STRING_length(sig)));
    id.append(reinterpret_cast<const char*>(ASN1_STRING_get0_data(key)), static_cast<std::size_t>(ASN1_STRING_length(key)));
    {
      std::lock_guard lock(checked_mutex);
      if (checked_crls.count(id)) return true;
    }
    if (!crl_signed_by(crl, X509_get0_pubkey(issuer))) return false;
    std::lock_guard lock(checked_mutex);
    if (checked_crls.size() > 1000) checked_crls.clear();
    checked_crls.insert(std::move(id));
    return true;
  }
};

namespace {

// A certificate of a verified chain revoked by a CRL of its issuer: the revocation time, 0 when none.
// Fills `failure` when a CRL cannot be used.
// `signed_by(crl, issuer)` checks a CRL's signature.
template <class SignedBy>
std::time_t revocation(SignedBy&& signed_by, const std::vector<X509_CRL*>& crls, STACK_OF(X509)* chain, ChainCheck& failure) {
  int n = sk_X509_num(chain);
  for (int i = 0; i + 1 < n; ++i) {
    X509* cert = sk_X509_value(chain, i);
    X509* issuer = sk_X509_value(chain, i + 1);
    for (auto& crl : crls) {
      if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)) != 0) continue;
      if (!signed_by(crl, issuer)) {
        failure.reason = "crl_invalid";
        failure.message = "证书吊销列表的签名无效 (the CRL is not signed by the certificate's issuer)";
        return 0;
      }
      const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl);
      if (next && X509_cmp_current_time(next) < 0) {
        failure.reason = "crl_invalid";
        failure.message = "证书吊销列表已过期，无法确认证书状态 (the CRL is past its next update)";
        return 0;
      }
      X509_REVOKED* entry = nullptr;
      if (X509_CRL_get0_by_serial(crl, &entry, X509_get_serialNumber(cert)) == 1) {
        std::tm tm{};
        ASN1_TIME_to_tm(X509_REVOKED_get0_revocationDate(entry), &tm);
        return std::max<std::time_t>(1, timegm(&tm));
      }
    }
  }
  return 0;
}

X509Ptr parse_any(const std::string& bytes) {
  if (bytes.find("-----BEGIN") != std::string::npos) return parse_pem(bytes);
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(bytes.size())));
  if (!cert) refuse("auth.cert_malformed", "证书格式无效 (not an X.509 certificate)");
  return cert;
}

}  // namespace

CertificateVerifier::CertificateVerifier(const std::vector<std::filesystem::path>& anchors,
                                         const std::vector<std::filesystem::path>& crls,
                                         const std::vector<std::filesystem::path>& intermediates)
    : impl_(std::make_unique<Impl>()) {
  for (auto& file : intermediates) {
    auto certs = certificates_in_pem(read_file(file));
    if (certs.empty()) throw std::runtime_error("no certificate in " + file.string());
    impl_->intermediates.insert(impl_->intermediates.end(), certs.begin(), certs.end());
  }
  for (auto& a : anchors) {
    if (X509_STORE_load_file(impl_->store.get(), a.c_str()) != 1)
      throw std::runtime_error("cannot load trust anchors from " + a.string());
    impl_->enabled = true;
  }
  for (auto& c : crls) {
    std::unique_ptr<BIO, BioFree> bio(BIO_new_file(c.c_str(), "r"));
    X509_CRL* crl = bio ? PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr) : nullptr;
    if (!crl) throw std::runtime_error("cannot load the CRL " + c.string());
    impl_->crls.emplace_back(crl);
  }
  ERR_clear_error();
}

CertificateVerifier::~CertificateVerifier() = default;
bool CertificateVerifier::enabled() const { return impl_->enabled; }

void CertificateVerifier::expect_url_crls(const std::vector<std::string>& urls) {
  std::lock_guard lock(impl_->url_mutex);
  for (auto& u : urls) impl_->url_crls.emplace(u, nullptr);
}

void CertificateVerifier::set_url_crl(const std::string& url, const std::string& bytes) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
  X509_CRL* crl = bytes.find("-----BEGIN X509 CRL-----") != std::string::npos
                      ? PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr)
                      : d2i_X509_CRL_bio(bio.get(), nullptr);
  ERR_clear_error();
  if (!crl) throw std::runtime_error("the answer from " + url + " is not a CRL (PEM or DER)");
  std::lock_guard lock(impl_->url_mutex);
  impl_->url_crls[url] = std::shared_ptr<X509_CRL>(crl, X509_CRL_free);
}

ChainCheck CertificateVerifier::check_chain(const std::string& leaf_bytes, const std::vector<std::string>& intermediates,
                                            std::time_t at) const {
  ChainCheck r;
  if (!impl_->enabled) {
    r.reason = "not_configured";
    r.message = "本平台未配置证书信任根 (no trust anchors are configured)";
    return r;
  }
  X509Ptr leaf;
  std::unique_ptr<STACK_OF(X509), StackFree> untrusted(sk_X509_new_null());
  try {
    leaf = parse_any(leaf_bytes);
    auto helpers = intermediates;
    helpers.insert(helpers.end(), impl_->intermediates.begin(), impl_->intermediates.end());
    for (auto& i : helpers) {
      X509Ptr c = parse_any(i);
      set_sm2_id(c.get());
      sk_X509_push(untrusted.get(), c.release());
    }
  } catch (const Problem&) {
    r.reason = "malformed";
    r.message = "证书格式无效 (not an X.509 certificate)";
    return r;
  }
  set_sm2_id(leaf.get());
  std::unique_ptr<X509_STORE_CTX, CtxFree> ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), impl_->store.get(), leaf.get(), untrusted.get());
  X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx.get()), at);
  bool verified = X509_verify_cert(ctx.get()) == 1;
  if (STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(ctx.get()))
    for (int i = 0; i < sk_X509_num(built); ++i) r.chain.push_back(subject_field(sk_X509_value(built, i), NID_commonName));
  if (!verified) {
    int err = X509_STORE_CTX_get_error(ctx.get());
    std::string why = X509_verify_cert_error_string(err);
    ERR_clear_error();
    switch (err) {
      case X509_V_ERR_CERT_HAS_EXPIRED: r.reason = "expired", r.message = "证书已过期 (" + why + ")"; break;
      case X509_V_ERR_CERT_NOT_YET_VALID: r.reason = "not_yet_valid", r.message = "证书尚未生效 (" + why + ")"; break;
      case X509_V_ERR_CERT_REVOKED: r.reason = "revoked", r.message = "证书已被吊销 (" + why + ")"; break;
      default: r.reason = "untrusted", r.message = "证书不是由受信任的机构签发 (" + why + ")";
    }
    return r;
  }
  std::vector<X509_CRL*> crls;
  std::vector<std::shared_ptr<X509_CRL>> held;  // keeps fetched CRLs alive while checking
  for (auto& c : impl_->crls) crls.push_back(c.get());
  {
    std::lock_guard lock(impl_->url_mutex);
    for (auto& [url, crl] : impl_->url_crls) {
      if (!crl) {
        r.reason = "crl_unavailable";
        r.message = "暂时无法获取证书吊销列表，请稍后再试 (the CRL at " + url + " has not been fetched)";
        return r;
      }
      held.push_back(crl);
      crls.push_back(crl.get());
    }
  }
  r.revoked_at = revocation([this](X509_CRL* crl, X509* issuer) { return impl_->crl_signed_by_cached(crl, issuer); }, crls,
                            X509_STORE_CTX_get0_chain(ctx.get()), r);
  ERR_clear_error();
  if (!r.reason.empty()) return r;
  if (r.revoked_at && r.revoked_at <= at) {
    r.reason = "revoked";
    r.message = "证书已被吊销 (certificate revoked)";
    return r;
  }
  r.ok = true;
  r.reason = "ok";
  r.message = r.revoked_at ? "证书在该时间之后被吊销" : "证书有效";
  return r;
}

CertificateSubject CertificateVerifier::verify(const std::vector<std::string>& chain_pem, const std::string& message,
                                               const std::string& signature) const {
  if (!impl_->enabled)
    throw Problem::unavailable("auth.cert_login_disabled", "本平台未配置数字证书信任根，暂不支持证书登录");
  if (chain_pem.empty()) refuse("auth.cert_malformed", "缺少证书");
  X509Ptr leaf = parse_pem(chain_pem[0]);
  // 1. The chain, validity periods and revocation, now.
  ChainCheck chain = check_chain(chain_pem[0], {chain_pem.begin() + 1, chain_pem.end()}, std::time(nullptr));
  if (!chain.ok) {
    if (chain.reason == "crl_unavailable") refuse("auth.crl_unavailable", chain.message);
    if (chain.reason == "crl_invalid") refuse("auth.cert_untrusted", chain.message);
    refuse("auth.cert_" + chain.reason, chain.message);
  }
  // 2. The leaf may sign.
  if ((X509_get_extension_flags(leaf.get()) & EXFLAG_KUSAGE) && !(X509_get_key_usage(leaf.get()) & KU_DIGITAL_SIGNATURE))
    refuse("auth.cert_key_usage", "证书的密钥用途不允许数字签名 (key usage lacks digitalSignature)");

  // 3. The signature over the nonce.
  EVP_PKEY* key = X509_get0_pubkey(leaf.get());
  if (!key) refuse("auth.cert_malformed", "证书没有可用的公钥");
  CertificateSubject s;
  bool sm2 = EVP_PKEY_is_a(key, "SM2");
  s.key_algorithm = sm2 ? "SM2" : (EVP_PKEY_is_a(key, "RSA") ? "RSA" : "EC");
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok = EVP_DigestVerifyInit_ex(md.get(), &pctx, sm2 ? "SM3" : "SHA256", nullptr, nullptr, key, nullptr) == 1;
  if (ok && sm2) ok = EVP_PKEY_CTX_set1_id(pctx, kSm2Id, sizeof kSm2Id - 1) == 1;
  ok = ok && EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                              reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  if (!ok) refuse("auth.cert_signature_invalid", "签名验证失败：签名与证书不符或内容被改动 (the signature does not verify)");

  s.common_name = subject_field(leaf.get(), NID_commonName);
  s.organization = subject_field(leaf.get(), NID_organizationName);
  s.serial_number = subject_field(leaf.get(), NID_serialNumber);
  unsigned char* der = nullptr;
  int len = i2d_X509(leaf.get(), &der);
  s.fingerprint = sha256_hex(std::string_view(reinterpret_cast<char*>(der), static_cast<std::size_t>(len)));
  OPENSSL_free(der);
  ERR_clear_error();
  return s;
}

}  // namespace wangban::kernel
