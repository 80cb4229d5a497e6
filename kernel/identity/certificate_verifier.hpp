// CertificateVerifier: checks a client's X.509 certificate and its signature over a login nonce.
//
// Used for digital-certificate login (数字证书登录) of natural and legal persons.
// The chain must lead to a configured trust anchor, every certificate must be
// within its validity period, none may be on a configured CRL, the leaf's key
// usage (when present) must allow digital signatures, and the signature over
// the nonce must verify with the leaf's key: SM2 with SM3 and the standard
// distinguishing ID "1234567812345678" (GB/T 35276), or ECDSA/RSA with
// SHA-256. Each refusal is a Problem 401 with its own code. CRLs come from
// files (read once) and from URLs (fetched by the caller, set_url_crl()); while a
// configured URL has never delivered a CRL, logins are refused (fail closed).
// Thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace wangban::kernel {

struct CertificateSubject {
  std::string common_name;     // CN
  std::string organization;    // O (a legal person's name on an electronic business licence)
  std::string serial_number;   // subject serialNumber (2.5.4.5): the ID number or credit code
  std::string fingerprint;     // SHA-256 of the DER certificate, hex
  std::string key_algorithm;   // "SM2", "EC", "RSA"
};

// The outcome of a chain check at a point in time (for signatures: the signing time).
struct ChainCheck {
  bool ok = false;
  // "ok", or what failed: "malformed", "untrusted", "expired", "not_yet_valid", "revoked", "crl_unavailable",
  // "crl_invalid", "not_configured".
  std::string reason;
  std::string message;            // Chinese, with OpenSSL's words in brackets where they help
  std::time_t revoked_at = 0;     // set when a certificate of the chain is revoked (even after `at`)
  std::vector<std::string> chain;  // the subjects' common names, leaf first, up to the anchor
};

class CertificateVerifier {
 public:
  // `anchors`: PEM files of trusted CA certificates; `crls`: PEM CRL files.
  // `intermediates`: PEM files of CA certificates that may complete a chain (not trusted themselves).
  CertificateVerifier(const std::vector<std::filesystem::path>& anchors, const std::vector<std::filesystem::path>& crls,
                      const std::vector<std::filesystem::path>& intermediates = {});
  ~CertificateVerifier();
  bool enabled() const;
  // URLs whose CRLs must be present before any login is accepted.
  void expect_url_crls(const std::vector<std::string>& urls);
  // Replaces the CRL last fetched from `url` (PEM or DER). Throws std::runtime_error when
  // `bytes` is not a CRL; the previous one stays then.
  void set_url_crl(const std::string& url, const std::string& bytes);
  // The chain of `leaf` (DER or PEM) up to an anchor, with `intermediates` as helpers, valid at `at`,
  // no certificate revoked at or before `at`.
  ChainCheck check_chain(const std::string& leaf, const std::vector<std::string>& intermediates, std::time_t at) const;
  // `chain_pem`: the leaf first, then intermediates. `signature`: raw signature bytes over `message`.
  CertificateSubject verify(const std::vector<std::string>& chain_pem, const std::string& message,
                            const std::string& signature) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wangban::kernel
