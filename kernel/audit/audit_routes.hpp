// The audit log's HTTP routes (permission audit.read): the tree head, a filtered listing of
// entries and its CSV export (itself audited), signed tree heads (and signing one now), the
// kernel's public key, and inclusion and consistency proofs that anyone can check with RFC 9162.
#pragma once

#include "wangban/database.hpp"

namespace wangban::kernel {

class Router;
class AuditLog;
class KernelAudit;
class SigningKey;

void register_audit_routes(Router& router, AuditLog& log, KernelAudit& audit, Database& db, const SigningKey& key);

}  // namespace wangban::kernel
