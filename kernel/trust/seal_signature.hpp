// SealSignature: a seal signature (电子签章, GB/T 38540 v4 SES_Signature) over a document's SM3
// digest — made with a seal and the signer's key, and verified in the order of §6.3/§7.3 as
// shared/reference/electronic-seal.md summarises it, each failure with its own reason.
//
//   SES_Signature ::= SEQUENCE { toSign TBS_Sign, cert OCTET STRING (signer's cert),
//                                signatureAlgID OID 1.2.156.10197.1.501, signature BIT STRING }
//   SES_Signature ::= ... timeStamp [0] EXPLICIT BIT STRING OPTIONAL (an RFC 3161 token over `signature`)
//   TBS_Sign ::= SEQUENCE { version 4, eseal SESeal, timeInfo GeneralizedTime,
//                           dataHash BIT STRING (SM3), propertyInfo IA5String }
// extDatas in TBS_Sign are not made; a received one is refused. Certificate trust (the signer's
// and the maker's chains, validity at the signing time, revocation), the seal's status in the
// registry and the time stamp's own check are the caller's (SignatureVerifier). Pure functions
// over bytes; thread-safe.
#pragma once

#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "trust/electronic_seal.hpp"

namespace wangban::kernel {

class SigningKey;

// Signs `data_sm3` (32 bytes) with the seal `seal_der` (an SESeal) and the signer's key and
// certificate; `property_info` says what was signed. With `time_stamp`, its token over the
// signature value goes into timeStamp. Returns DER(SES_Signature).
std::string sign_with_seal(std::string_view seal_der, const SigningKey& signer_key, std::string_view signer_cert_der,
                           std::string_view data_sm3, std::string_view property_info, std::time_t at,
                           const std::function<std::string(std::string_view)>& time_stamp = nullptr);

struct SealSignatureCheck {
  bool ok = false;
  std::string code;     // "ok", or the first check that failed: signature.malformed, signature.invalid,
                        // seal.malformed, seal.signer_not_listed, seal.maker_invalid, seal.not_valid_then,
                        // signature.digest_mismatch
  std::string message;  // Chinese
  std::string failed_check;  // the report's check name of the failure (structure, signature, seal, ...)
  ElectronicSeal seal;       // as decoded (when it could be)
  std::string property_info;
  std::time_t signed_at = 0;
  std::string signer_cert;  // DER
  std::string signature_value;
  std::optional<std::string> time_stamp_token;  // DER, when present
};

// Verifies DER(SES_Signature) against the document's SM3 digest in the order of GB/T 38540:
// structure and version, the signature over DER(TBS_Sign) with the signer's certificate, the
// signer in the seal's certificate list, the maker's signature over the seal with the maker's
// certificate inside it, signing time within the seal's validity, and the digest.
SealSignatureCheck verify_seal_signature(std::string_view signature_der, std::string_view data_sm3);

}  // namespace wangban::kernel
