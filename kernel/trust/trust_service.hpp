// TrustService: the kernel's trust services behind Context::trust() and the trust routes —
// verification reports (SignatureVerifier), the time-stamping service, applicants' CMS
// signatures made in the browser in two steps, and the use of seals (SealRegistry). Built with
// the kernel (plugins hold a reference from the start) and equipped in Kernel::start(), when
// the keys, certificates and trust anchors are loaded; calls before that answer 503. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "trust/seal_registry.hpp"
#include "wangban/trust.hpp"

namespace wangban::kernel {

class SqlDatabase;
class KernelAudit;
class CertificateVerifier;
class SignatureVerifier;
class TimeStampAuthority;

class TrustService final : public Trust {
 public:
  struct Equipment {
    const CertificateVerifier* certificates = nullptr;
    std::unique_ptr<TimeStampAuthority> tsa;  // none: signatures are not time-stamped
    SealRegistry::Makers makers;
  };

  TrustService(SqlDatabase& db, KernelAudit& audit);
  ~TrustService() override;
  void start(Equipment equipment);

  VerificationReport verify(std::string_view signature, std::string_view document) override;
  std::string time_stamp(std::string_view data) override;
  std::string signature_request(std::string_view document, std::string_view certificate_pem) override;
  std::string complete_signature(std::string_view document, std::string_view signed_attributes,
                                 std::string_view signature_value, const std::vector<std::string>& chain_pem) override;
  std::optional<SealInfo> seal(std::string_view id) override;
  std::vector<SealInfo> name_seals_of(std::string_view account_id) override;
  std::vector<SealInfo> organisation_seals(std::string_view organization) override;
  SealedDocument seal_document(std::string_view seal_id, const Principal& by, std::string_view document,
                               std::string_view property_info) override;

  SealRegistry& seals() { return seals_; }
  // The TSA (null when none is configured): answers RFC 3161 requests.
  const TimeStampAuthority* tsa() const { return tsa_.get(); }

 private:
  void require_started() const;
  SqlDatabase& db_;
  SealRegistry seals_;
  const CertificateVerifier* certificates_ = nullptr;
  std::unique_ptr<TimeStampAuthority> tsa_;
  std::unique_ptr<SignatureVerifier> verifier_;
};

// The report as the HTTP API gives it.
nlohmann::json report_json(const VerificationReport& report);

}  // namespace wangban::kernel
