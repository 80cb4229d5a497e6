// Account administration beyond creating accounts: every live session on the platform, forcing
// one out, and disabling or re-enabling an account (a disabled account's sessions end at once).
// All calls may block on the database.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "wangban/database.hpp"
#include "wangban/principal.hpp"

namespace wangban::kernel {

// Sessions neither revoked nor expired (absolute or idle), newest first, with their accounts.
nlohmann::json live_sessions(Database& db, int idle_seconds);
// Problem 404 (auth.session_not_found) when there is no such live session.
void end_session(Database& db, const std::string& session_id);
// Problem 404 (auth.account_not_found); 409 (auth.cannot_disable_self) when `by` disables itself.
void set_account_disabled(Database& db, const Principal& by, const std::string& account_id, bool disabled);

}  // namespace wangban::kernel
