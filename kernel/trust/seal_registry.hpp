// SealRegistry: the electronic seals the platform makes (电子印章管理) — organisation seals of
// departments and staff members' personal name seals (个人名章) — with their life cycle: made
// (a new SM2 key for the seal's signer, its certificate, the picture drawn or uploaded, the
// SESeal signed by the seal maker), suspended, resumed, revoked (for good). Every change and every
// use is kept in wb_seal_events and appended to the audit log. Signer keys are stored as
// encrypted PKCS#8 under the master key and decrypted only to seal (then cached in memory).
//
// A development configuration issues the signer's certificate from the development CA; a
// production one imports the certificate and key the seal holder's CA issued. Thread-safe.
#pragma once

#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "wangban/principal.hpp"

namespace wangban::kernel {

class SqlDatabase;
class KernelAudit;
class SigningKey;
class DevelopmentCa;
class CertificateVerifier;

struct SealRecord {
  std::string id, es_id, kind, name, organization, credit_code, owner_account_id, owner_name;
  std::string status, status_reason, status_changed_at, suspended_at, revoked_at;
  std::string valid_start, valid_end, picture_source, created_by, created_by_name, created_at;
  int width_mm = 0, height_mm = 0;
  long long uses = 0;
  std::string seal_der;            // SESeal
  std::string signer_certificate;  // PEM
  std::string signer_key;          // encrypted PKCS#8 PEM
};

class SealRegistry {
 public:
  // What making seals needs; absent parts make `make` answer 503 with the reason.
  struct Makers {
    const SigningKey* maker_key = nullptr;  // the seal maker (制章者): the kernel's key
    std::string maker_certificate;          // DER
    DevelopmentCa* ca = nullptr;            // issues signer certificates (development only)
    const CertificateVerifier* certificates = nullptr;  // checks imported signer certificates
    std::string master_key;
  };

  SealRegistry(SqlDatabase& db, KernelAudit& audit);
  void start(Makers makers);

  // Validates and makes a seal (see the route's schema); returns its JSON. Problem 400/404/503.
  nlohmann::json make(const Principal& by, const nlohmann::json& request);
  // The picture a request would get, without making anything (image/png bytes).
  std::string preview(const nlohmann::json& request);
  // Seals by status, kind, owner and organisation ("" matches any), newest first; list() as JSON.
  std::vector<SealRecord> records(const std::string& status, const std::string& kind, const std::string& owner = {},
                                  const std::string& organization = {});
  nlohmann::json list(const std::string& status, const std::string& kind, const std::string& owner = {});
  std::optional<SealRecord> find(const std::string& id);
  std::optional<SealRecord> find_by_es_id(const std::string& es_id);
  nlohmann::json to_json(const SealRecord& seal);
  // suspend | resume | revoke, with a reason; Problem 409 seal.bad_state when the status does not allow it.
  nlohmann::json change_status(const Principal& by, const std::string& id, const std::string& action, const std::string& reason);
  nlohmann::json events(const std::string& id);
  // Who may hold a personal name seal: the staff accounts that are not disabled, with their unit.
  nlohmann::json owners();
  std::string picture(const std::string& id);
  // The signer's key of a seal (decrypted once, then cached).
  std::shared_ptr<const SigningKey> signer_key(const SealRecord& seal);
  // Records one use (counter, event, audit).
  void record_use(const Principal& by, const SealRecord& seal, const std::string& detail);
  bool any();

 private:
  void add_event(const std::string& seal_id, const Principal& by, const std::string& action, const std::string& detail);
  SqlDatabase& db_;
  KernelAudit& audit_;
  Makers makers_;
  std::mutex keys_mutex_;
  std::map<std::string, std::shared_ptr<const SigningKey>> keys_;
};

}  // namespace wangban::kernel
