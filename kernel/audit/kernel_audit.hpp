// KernelAudit: the Audit service behind Context::audit(), and the kernel's own records
// (state-changing requests, logins, denials), all appended to the AuditLog.
#pragma once

#include <memory>
#include <string>

#include "audit/audit_log.hpp"
#include "wangban/audit.hpp"
#include "wangban/principal.hpp"

namespace spdlog {
class logger;
}

namespace wangban::kernel {

class KernelAudit final : public Audit {
 public:
  KernelAudit(AuditLog& log, std::shared_ptr<spdlog::logger> logger) : log_(log), logger_(std::move(logger)) {}
  void record(const Request& request, const std::string& action, const std::string& object_type,
              const std::string& object_id, const std::string& outcome = "ok") override;
  // For the kernel, where the caller is known but there is no plugin Request.
  void record_as(const Principal& who, const std::string& client_ip, const std::string& request_id,
                 const std::string& action, const std::string& object_type, const std::string& object_id,
                 const std::string& outcome);
  static const char* kind_name(Principal::Kind k);
  // "ok" (2xx/3xx), "denied" (401/403), "rejected" (other 4xx), "failed" (5xx).
  static const char* outcome_of(int status);

 private:
  AuditLog& log_;
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace wangban::kernel
