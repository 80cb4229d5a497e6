// SignatureVerifier: the verification report (验证报告) of an electronic signature or a seal
// signature over a document — every check in order with its outcome, and the first failure's
// stable code and Chinese message. A CMS SignedData is checked for structure, the signer's
// signature, the chain to a trust anchor, the certificate's validity and revocation at the
// signing time, key usage, the time stamp and the document's digest; a seal signature (GB/T
// 38540) additionally for the signer in the seal's list, the seal maker's signature and
// certificate, and the seal's status in the registry.
//
// The signing time is the time stamp's when a valid one is attached; otherwise the claimed time
// proves nothing, and certificates are checked as of now. A certificate revoked after a
// time-stamped signature does not invalidate it. Thread-safe.
#pragma once

#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "wangban/trust.hpp"

namespace wangban::kernel {

class CertificateVerifier;

// A seal's state in the platform's registry (seals made elsewhere are not in it).
struct RegisteredSealState {
  std::string kind, status;  // organisation | personal_name; active | suspended | revoked
  std::time_t suspended_at = 0, revoked_at = 0;
};

class SignatureVerifier {
 public:
  using SealLookup = std::function<std::optional<RegisteredSealState>(const std::string& es_id)>;
  SignatureVerifier(const CertificateVerifier& certificates, SealLookup seals);
  // Detects the kind from the bytes (CMS ContentInfo or SES_Signature).
  VerificationReport verify(std::string_view signature, std::string_view document) const;

 private:
  VerificationReport verify_cms(std::string_view signature, std::string_view document) const;
  VerificationReport verify_seal(std::string_view signature, std::string_view document) const;
  const CertificateVerifier& certificates_;
  SealLookup seals_;
};

}  // namespace wangban::kernel
