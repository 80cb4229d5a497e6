// SealSignature: a seal signature (电子签章, GB/T 38540 v4 SES_Signature) over a document's SM3
// digest — made with a seal and the signer's key, and verified in the order of §6.3/§7.3 as
// shared/reference/electronic-seal.md summarises it, each failure with its own reason.
//
//   SES_Signature ::= SEQUENCE { toSign TBS_Sign, cert OCTET STRING (signer's cert),
//                                signatureAlgID OID 1.2.156.10197.1.501, signature BIT STRING }
//   TBS_Sign ::= SEQUENCE { version 4, eseal SESeal, timeInfo GeneralizedTime,
//                           dataHash BIT STRING (SM3), propertyInfo IA5String }
// The time stamp ([0] timeStamp) and extDatas are not made yet; a received one is refused.
// Certificate trust (chain, validity at timeInfo, revocation) is the caller's, with the
// kernel's certificate verifier. Pure functions over bytes; thread-safe.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

namespace wangban::kernel {

class SigningKey;

// Signs `data_sm3` (32 bytes) with the seal `seal_der` (an SESeal) and the signer's key and
// certificate; `property_info` says what was signed. Returns DER(SES_Signature).
std::string sign_with_seal(std::string_view seal_der, const SigningKey& signer_key, std::string_view signer_cert_der,
                           std::string_view data_sm3, std::string_view property_info, std::time_t at);

struct SealSignatureCheck {
  bool ok = false;
  std::string reason;  // the first check that failed (Chinese, with a stable English code before the colon)
  std::string seal_name, es_id, property_info;
  std::time_t signed_at = 0;
  std::string signer_cert;  // DER
};

// Verifies DER(SES_Signature) against the document's SM3 digest: structure and version, the
// signature over DER(TBS_Sign) with the signer's certificate, the signer in the seal's
// certificate list, the maker's signature over the seal, signing time within the seal's
// validity, and the digest. `maker` holds the seal maker's public key.
SealSignatureCheck verify_seal_signature(std::string_view signature_der, const SigningKey& maker,
                                         std::string_view data_sm3);

}  // namespace wangban::kernel
