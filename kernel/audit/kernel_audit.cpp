// KernelAudit: turning requests and principals into audit entries.
#include "audit/kernel_audit.hpp"

#include <spdlog/spdlog.h>

#include "wangban/http.hpp"

namespace wangban::kernel {

const char* KernelAudit::kind_name(Principal::Kind k) {
  switch (k) {
    case Principal::Kind::anonymous: return "anonymous";
    case Principal::Kind::person: return "person";
    case Principal::Kind::staff: return "staff";
    case Principal::Kind::system: return "system";
    case Principal::Kind::legal: return "legal";
  }
  return "?";
}

const char* KernelAudit::outcome_of(int status) {
  if (status < 400) return "ok";
  if (status == 401 || status == 403) return "denied";
  if (status < 500) return "rejected";
  return "failed";
}

void KernelAudit::record_as(const Principal& who, const std::string& client_ip, const std::string& request_id,
                            const std::string& action, const std::string& object_type, const std::string& object_id,
                            const std::string& outcome) {
  AuditEntry e;
  e.actor = who.account_id.empty() ? (who.kind == Principal::Kind::system ? "system" : "") : who.account_id;
  e.actor_kind = kind_name(who.kind);
  e.org_unit = !who.acting_for.empty() ? "legal:" + who.acting_for : who.org_unit_id;
  e.action = action.substr(0, 100);
  e.object_type = object_type.substr(0, 100);
  e.object_id = object_id.substr(0, 200);
  e.outcome = outcome.substr(0, 20);
  e.client_ip = client_ip.substr(0, 64);
  e.request_id = request_id.substr(0, 64);
  log_.append(std::move(e));
}

void KernelAudit::record(const Request& r, const std::string& action, const std::string& object_type,
                         const std::string& object_id, const std::string& outcome) {
  record_as(r.principal(), r.client_ip(), r.request_id(), action, object_type, object_id, outcome);
}

}  // namespace wangban::kernel
