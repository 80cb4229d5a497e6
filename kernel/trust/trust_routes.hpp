// The trust services' HTTP routes: the public verification API (/api/trust/verify), the RFC 3161
// time-stamping endpoint, applicants' two-step signatures, the seal administration
// (/api/admin/seals, permissions seals.read and seals.manage) and staff's own name seals.
#pragma once

namespace wangban::kernel {

class Router;
class TrustService;

void register_trust_routes(Router& router, TrustService& trust);

}  // namespace wangban::kernel
