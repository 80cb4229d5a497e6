// A small PKI for tests, built with OpenSSL: SM2, EC P-256 or RSA keys, CA and leaf certificates
// with chosen validity and key usage, CRLs, and signatures (SM2 with SM3 and the standard
// distinguishing ID, or ECDSA with SHA-256). Everything in memory, PEM out.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace testpki {

constexpr const char kSm2Id[] = "1234567812345678";

struct KeyFree { void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); } };
struct CertFree { void operator()(X509* c) const { X509_free(c); } };
using Key = std::shared_ptr<EVP_PKEY>;
using Cert = std::shared_ptr<X509>;

inline Key sm2_key() { return Key(EVP_PKEY_Q_keygen(nullptr, nullptr, "SM2"), KeyFree{}); }
inline Key ec_key() { return Key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), KeyFree{}); }
inline Key rsa_key() { return Key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048)), KeyFree{}); }

inline bool is_sm2(EVP_PKEY* k) { return EVP_PKEY_is_a(k, "SM2"); }

// An EVP_MD_CTX ready to sign with `key` (SM3 + distinguishing ID for SM2, else SHA-256).
inline EVP_MD_CTX* sign_context(EVP_PKEY* key) {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  if (EVP_DigestSignInit_ex(md, &pctx, is_sm2(key) ? "SM3" : "SHA256", nullptr, nullptr, key, nullptr) != 1)
    throw std::runtime_error("DigestSignInit failed");
  if (is_sm2(key)) EVP_PKEY_CTX_set1_id(pctx, kSm2Id, sizeof kSm2Id - 1);
  return md;
}

inline std::string sign(EVP_PKEY* key, const std::string& message) {
  EVP_MD_CTX* md = sign_context(key);
  std::size_t len = 0;
  EVP_DigestSign(md, nullptr, &len, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  std::string sig(len, '\0');
  EVP_DigestSign(md, reinterpret_cast<unsigned char*>(sig.data()), &len,
                 reinterpret_cast<const unsigned char*>(message.data()), message.size());
  EVP_MD_CTX_free(md);
  sig.resize(len);
  return sig;
}

inline std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

struct CertSpec {
  std::string common_name;
  std::string serial_number;       // subject serialNumber attribute; empty: none
  long not_before_days = -1;       // relative to now
  long not_after_days = 365;
  bool ca = false;
  std::string key_usage = "digitalSignature,nonRepudiation";
  long serial = 1;
  std::string organization = {};  // subject O; empty: none
};

inline void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value.c_str());
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// Issues a certificate for `subject_key`, signed by `issuer_key` (self-signed when issuer is null).
inline Cert issue(const CertSpec& spec, EVP_PKEY* subject_key, EVP_PKEY* issuer_key, X509* issuer) {
  Cert cert(X509_new(), CertFree{});
  X509* c = cert.get();
  X509_set_version(c, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(c), spec.serial);
  X509_gmtime_adj(X509_getm_notBefore(c), spec.not_before_days * 86400L);
  X509_gmtime_adj(X509_getm_notAfter(c), spec.not_after_days * 86400L);
  X509_NAME* name = X509_get_subject_name(c);
  X509_NAME_add_entry_by_txt(name, "C", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("CN"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1, -1, 0);
  if (!spec.organization.empty())
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(spec.organization.c_str()), -1, -1, 0);
  if (!spec.serial_number.empty())
    X509_NAME_add_entry_by_txt(name, "serialNumber", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(spec.serial_number.c_str()), -1, -1, 0);
  X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : name);
  X509_set_pubkey(c, subject_key);
  X509* issuer_cert = issuer ? issuer : c;
  add_ext(c, issuer_cert, NID_basic_constraints, spec.ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  add_ext(c, issuer_cert, NID_key_usage, "critical," + (spec.ca ? std::string("keyCertSign,cRLSign") : spec.key_usage));
  add_ext(c, issuer_cert, NID_subject_key_identifier, "hash");
  if (issuer) add_ext(c, issuer_cert, NID_authority_key_identifier, "keyid:always");
  EVP_MD_CTX* md = sign_context(issuer_key);
  if (X509_sign_ctx(c, md) <= 0) throw std::runtime_error("X509_sign_ctx failed");
  EVP_MD_CTX_free(md);
  return cert;
}

// What `write` puts into a memory BIO, as a string.
template <class Write>
std::string to_pem(Write&& write) {
  BIO* bio = BIO_new(BIO_s_mem());
  write(bio);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

inline std::string pem(X509* cert) {
  return to_pem([&](BIO* bio) { PEM_write_bio_X509(bio, cert); });
}

// The private key as unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"), as a certificate holder exports it.
inline std::string key_pem(EVP_PKEY* key) {
  return to_pem([&](BIO* bio) { PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr); });
}

// A CRL of `issuer` revoking the given certificates.
inline std::string crl_pem(X509* issuer, EVP_PKEY* issuer_key, std::initializer_list<X509*> revoked) {
  X509_CRL* crl = X509_CRL_new();
  X509_CRL_set_version(crl, 1);
  X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer));
  ASN1_TIME* now = ASN1_TIME_new();
  X509_gmtime_adj(now, -3600);
  X509_CRL_set1_lastUpdate(crl, now);
  X509_gmtime_adj(now, 7 * 86400L);
  X509_CRL_set1_nextUpdate(crl, now);
  for (X509* r : revoked) {
    X509_REVOKED* entry = X509_REVOKED_new();
    X509_REVOKED_set_serialNumber(entry, X509_get_serialNumber(r));
    X509_gmtime_adj(now, -60);
    X509_REVOKED_set_revocationDate(entry, now);
    X509_CRL_add0_revoked(crl, entry);
  }
  ASN1_TIME_free(now);
  X509_CRL_sort(crl);
  EVP_MD_CTX* md = sign_context(issuer_key);
  X509_CRL_sign_ctx(crl, md);
  EVP_MD_CTX_free(md);
  std::string out = to_pem([&](BIO* bio) { PEM_write_bio_X509_CRL(bio, crl); });
  X509_CRL_free(crl);
  return out;
}

}  // namespace testpki
