// The identity service's HTTP routes: login methods, login, logout, the caller's own profile,
// password and sessions, legal persons' agents (/api/auth/...) and the administration of
// organisation units, accounts, roles, assignments and sessions (/api/admin/...).
#pragma once

#include "wangban/database.hpp"

namespace wangban::kernel {

class Router;
class IdentityService;
class KernelAudit;

void register_identity_routes(Router& router, IdentityService& identity, Database& db, KernelAudit& audit, bool tls);

}  // namespace wangban::kernel
