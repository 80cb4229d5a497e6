// CmsSignature: detached electronic signatures (电子签名) as CMS SignedData — RFC 5652 in the
// conventions of GB/T 35275 for SM2: content types 1.2.156.10197.6.1.4.2.2 (signedData) and
// .2.1 (data), digest SM3 (1.2.156.10197.1.401), signature algorithm SM2 (1.2.156.10197.1.301.1),
// the signer identified by issuer and serial number, and signed attributes contentType,
// signingTime and messageDigest. A time-stamp token (RFC 3161) over the signature value rides as
// the unsigned attribute id-aa-signatureTimeStampToken.
//
// Signing can happen in two steps, so a signer whose key never leaves the browser can take part:
// signed_attributes() gives the bytes to sign, assemble() puts the signature into SignedData.
// Parsing is strict DER and never reads past its input; it accepts the RFC 5652 content types
// too, and ECDSA and RSA (PKCS#1 v1.5) signers with SHA-2, so signatures made elsewhere (e.g. by
// `openssl cms -sign`) verify. Certificate trust is not checked here (SignatureVerifier does it).
// Pure functions over bytes; thread-safe.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wangban::kernel {
class SigningKey;
}

namespace wangban::kernel::cms {

inline constexpr const char* kGbSignedData = "1.2.156.10197.6.1.4.2.2";
inline constexpr const char* kGbData = "1.2.156.10197.6.1.4.2.1";
inline constexpr const char* kSignedData = "1.2.840.113549.1.7.2";
inline constexpr const char* kData = "1.2.840.113549.1.7.1";
inline constexpr const char* kTstInfo = "1.2.840.113549.1.9.16.1.4";
inline constexpr const char* kSm3 = "1.2.156.10197.1.401";
inline constexpr const char* kSm2Sign = "1.2.156.10197.1.301.1";
inline constexpr const char* kSignatureTimeStampToken = "1.2.840.113549.1.9.16.2.14";

// The OpenSSL digest name of a digest algorithm OID ("SM3", "SHA256", ...); empty when not accepted.
std::string digest_name(std::string_view oid);
std::string digest_oid(std::string_view name);

// DER(SET OF Attribute) with contentType, signingTime (UTCTime) and messageDigest, plus `extra`
// attributes (each a DER Attribute). This is exactly what the signer signs.
std::string signed_attributes(std::string_view content_type, std::string_view message_digest, std::time_t signing_time,
                              const std::vector<std::string>& extra = {});
// DER Attribute { type, SET { value } }.
std::string attribute(std::string_view type_oid, std::string_view value_der);

struct SignedDataParts {
  std::string content_info_type = kGbSignedData;
  std::string econtent_type = kGbData;
  std::optional<std::string> econtent;  // present for attached content (time-stamp tokens)
  std::string digest_algorithm = kSm3;  // OID
  std::string signature_algorithm = kSm2Sign;
  std::string signer_certificate;       // DER
  std::vector<std::string> more_certificates;  // DER, e.g. the issuing CA
  std::string signed_attributes;        // DER SET, from signed_attributes()
  std::string signature;                // over signed_attributes
  std::vector<std::string> unsigned_attributes;  // DER Attribute each
};
std::string assemble(const SignedDataParts& parts);

// A detached SM2/SM3 signature over `data` made here with `key` (whose certificate is `certificate_der`).
std::string sign_detached(std::string_view data, const SigningKey& key, std::string_view certificate_der, std::time_t at,
                          const std::vector<std::string>& more_certificates = {});

struct Signer {
  std::string certificate;         // DER, found in the certificates by issuer and serial; empty if absent
  std::string digest_algorithm;    // OID
  std::string signature_algorithm; // OID
  std::string signed_attributes;   // DER SET as signed (tag 0x31)
  std::string content_type;        // the contentType attribute
  std::string message_digest;      // the messageDigest attribute
  std::optional<std::time_t> signing_time;
  std::string signature;
  std::optional<std::string> time_stamp_token;  // DER ContentInfo
};

struct SignedData {
  std::string content_info_type, econtent_type;
  std::optional<std::string> econtent;
  std::vector<std::string> certificates;  // DER
  std::vector<Signer> signers;
};

// Throws der::Error naming what is malformed or not supported.
SignedData parse(std::string_view der);

// The signer's own checks, in order; `content` is the signed data (the detached document, or econtent).
enum class SignerCheck { ok, no_certificate, unsupported_algorithm, content_type_mismatch, bad_signature, digest_mismatch };
SignerCheck check_signer(const SignedData& data, const Signer& signer, std::string_view content);

}  // namespace wangban::kernel::cms
