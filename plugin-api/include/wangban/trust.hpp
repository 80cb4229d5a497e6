// Trust: the kernel's trust services for plugins — verifying electronic signatures (CMS SignedData,
// SM2/SM3 or ECDSA/RSA) and seal signatures (GB/T 38540), trusted time (RFC 3161 time stamps),
// applicant signatures made in the browser, and the use of electronic seals and personal name
// seals (个人名章). Private keys of seals stay in the kernel; an applicant's never reaches it.
// Every use of a seal is audited. Thread-safe; calls may block. Failures to act (a seal that may
// not be used, a signature that does not verify) are wangban::Problem with a stable code.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wangban {

struct Principal;

// One step of a verification, in the order checked. ok: true, false, or nothing (not checked).
struct VerificationCheck {
  std::string name;  // structure, signature, chain, validity, revocation, key_usage, seal, seal_maker,
                     // seal_status, timestamp, digest
  std::optional<bool> ok;
  std::string detail;  // Chinese
};

struct VerificationReport {
  bool ok = false;
  std::string kind;     // "cms" or "seal"
  std::string code;     // "ok", or the stable code of the first failed check ("signature.digest_mismatch", ...)
  std::string message;  // Chinese
  struct Signer {
    std::string common_name, organization, serial_number, key_algorithm, not_before, not_after;  // times ISO 8601 UTC
    std::string certificate_pem;
  };
  std::optional<Signer> signer;
  std::optional<std::string> signed_at;  // as the signature says (ISO 8601 UTC)
  struct TimeStamp {
    bool ok = false;
    std::string time, tsa, detail;
  };
  std::optional<TimeStamp> time_stamp;
  struct Seal {
    std::string es_id, name, kind, status;  // kind: organisation | personal_name; status: active | suspended | revoked
  };
  std::optional<Seal> seal;
  std::vector<VerificationCheck> checks;
};

struct SealInfo {
  std::string id, es_id;
  std::string kind;  // organisation | personal_name
  std::string name, organization, credit_code;
  std::string owner_account_id;  // personal name seals
  std::string status;            // active | suspended | revoked
  std::string valid_start, valid_end;
};

struct SealedDocument {
  std::string signature;  // DER SES_Signature (GB/T 38540 v4), time-stamped
  std::string seal_id, es_id;
  std::string signed_at;  // the time stamp's time (ISO 8601 UTC)
};

class Trust {
 public:
  virtual ~Trust();
  // Verifies `signature` (DER CMS SignedData, detached, or DER SES_Signature) over `document`.
  virtual VerificationReport verify(std::string_view signature, std::string_view document) = 0;
  // An RFC 3161 time-stamp token (DER) over `data` from the kernel's time-stamping service.
  virtual std::string time_stamp(std::string_view data) = 0;

  // An applicant's signature made in the browser, in two steps: the bytes the applicant's key must
  // sign (DER signed attributes of a detached CMS signature over `document`, with the digest the
  // certificate's key goes with: SM3 for SM2, SHA-256 for ECDSA), then the CMS SignedData (DER,
  // time-stamped) from those bytes, the signature value (DER) and the signer's certificate chain
  // (PEM, leaf first). The second step verifies the signature and the chain now and throws
  // Problem 422 (code signature.* or cert.*) when either fails.
  virtual std::string signature_request(std::string_view document, std::string_view certificate_pem) = 0;
  virtual std::string complete_signature(std::string_view document, std::string_view signed_attributes,
                                         std::string_view signature_value, const std::vector<std::string>& chain_pem) = 0;

  // Seals: one by id; a staff member's active personal name seals; an organisation's active seals.
  virtual std::optional<SealInfo> seal(std::string_view id) = 0;
  virtual std::vector<SealInfo> name_seals_of(std::string_view account_id) = 0;
  virtual std::vector<SealInfo> organisation_seals(std::string_view organization) = 0;
  // Seals `document` with the seal (a seal signature over its SM3 digest, time-stamped, audited).
  // A personal name seal is used only by its owner; an organisation seal by a principal holding
  // seals.use (or the system). `property_info` says what is sealed (e.g. "受理通知书 case 2026-0001").
  virtual SealedDocument seal_document(std::string_view seal_id, const Principal& by, std::string_view document,
                                       std::string_view property_info) = 0;
};

}  // namespace wangban
