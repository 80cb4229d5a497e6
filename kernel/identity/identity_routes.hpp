// The identity service's HTTP routes: login, logout, the caller's own sessions (/api/auth/...)
// and the administration of organisation units, staff accounts, roles and assignments
// (/api/admin/...).
#pragma once

namespace wangban::kernel {

class Router;
class IdentityService;
class KernelAudit;

void register_identity_routes(Router& router, IdentityService& identity, KernelAudit& audit, bool tls);

}  // namespace wangban::kernel
