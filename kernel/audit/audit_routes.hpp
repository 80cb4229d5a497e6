// The audit log's HTTP routes (permission audit.read): the tree head, a filtered listing of
// entries, and inclusion and consistency proofs that anyone can check with RFC 9162.
#pragma once

#include "wangban/database.hpp"

namespace wangban::kernel {

class Router;
class AuditLog;

void register_audit_routes(Router& router, AuditLog& log, Database& db);

}  // namespace wangban::kernel
