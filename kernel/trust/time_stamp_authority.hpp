// TimeStampAuthority: the kernel's trusted time (可信时间), an RFC 3161 time-stamping service. It
// answers TimeStampReq messages (the HTTP transport of RFC 3161 §3.4) and stamps the platform's own
// signatures, so the time of a signature is provable later. TSTInfo is made and read with
// OpenSSL's TS API; the token is CMS SignedData (RFC 5652 content types, as RFC 3161 requires)
// signed with the TSA's SM2 key with SM3, carrying the ESS signingCertificateV2 attribute
// (RFC 5816) and the TSA's certificate, whose extended key usage is timeStamping only.
//
// check_time_stamp() checks a token from any TSA (SM2, ECDSA or RSA): structure, the TSA's
// signature and key usage, and the message imprint against the stamped bytes; whether the TSA's
// certificate is trusted is the caller's (SignatureVerifier). Thread-safe.
#pragma once

#include <ctime>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace wangban::kernel {

class SigningKey;

class TimeStampAuthority {
 public:
  // `certificate_der`: the certificate of `key`, with timeStamping in its extended key usage;
  // `chain_der`: the CAs above it (put into tokens when a request asks for certificates).
  TimeStampAuthority(std::shared_ptr<const SigningKey> key, std::string certificate_der, std::vector<std::string> chain_der,
                     std::string policy_oid);
  // A token (DER ContentInfo) over the SM3 digest of `data`, with the TSA's certificates.
  std::string stamp(std::string_view data) const;
  // Answers a DER TimeStampReq with a DER TimeStampResp: granted with a token, or rejected with the
  // RFC 3161 failure information (badAlg, badRequest, badDataFormat, unacceptedPolicy).
  std::string respond(std::string_view request_der) const;
  const std::string& certificate() const { return certificate_; }
  const std::string& policy() const { return policy_; }

 private:
  std::string token(std::string_view hash_oid, std::string_view digest, std::string_view nonce_der, bool certificates) const;
  std::shared_ptr<const SigningKey> key_;
  std::string certificate_;
  std::vector<std::string> chain_;
  std::string policy_;
};

struct TimeStampCheck {
  bool ok = false;
  std::string code;     // "ok" or the stable code of the first failed check
  std::string message;  // Chinese
  std::time_t time = 0;
  std::string serial_hex;
  std::string tsa_certificate;  // DER, when found
  std::vector<std::string> certificates;  // every certificate in the token (for the chain)
};

// Checks `token_der` over `stamped` (the bytes that were stamped: a signature value).
TimeStampCheck check_time_stamp(std::string_view token_der, std::string_view stamped);

}  // namespace wangban::kernel
