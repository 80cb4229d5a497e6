// Account administration: the platform's live sessions, forced logout, disabling accounts.
#include "identity/account_admin.hpp"

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "db/sql_database.hpp"
#include "util/digest.hpp"
#include "wangban/problem.hpp"

namespace wangban::kernel {

using json = nlohmann::json;

json live_sessions(Database& db, int idle_seconds) {
  auto s = db.session();
  long long now = epoch_ms_now(), idle_since = now - idle_seconds * 1000LL;
  soci::rowset<soci::row> rows =
      (s->prepare << "SELECT s.id, s.account_id, a.display_name, a.kind, s.created_ms, s.last_seen_ms, s.expires_ms,"
                     " s.client_ip, s.user_agent FROM wb_sessions s JOIN wb_accounts a ON a.id = s.account_id"
                     " WHERE s.revoked = 0 AND s.expires_ms >= :n AND s.last_seen_ms >= :i ORDER BY s.created_ms DESC",
       soci::use(now), soci::use(idle_since));
  json out = json::array();
  for (auto& r : rows)
    out.push_back({{"id", r.get<std::string>(0)}, {"account_id", r.get<std::string>(1)},
                   {"display_name", r.get<std::string>(2)}, {"kind", r.get<std::string>(3)},
                   {"created_ms", row_integer(r, 4)}, {"last_seen_ms", row_integer(r, 5)},
                   {"expires_ms", row_integer(r, 6)}, {"client_ip", r.get<std::string>(7)},
                   {"user_agent", r.get<std::string>(8)}});
  return out;
}

void end_session(Database& db, const std::string& session_id) {
  auto s = db.session();
  soci::statement st = (s->prepare << "UPDATE wb_sessions SET revoked = 1 WHERE id = :i AND revoked = 0",
                        soci::use(session_id));
  st.execute(true);
  if (st.get_affected_rows() == 0) throw Problem::not_found("auth.session_not_found", "没有这个会话，或它已结束");
}

void set_account_disabled(Database& db, const Principal& by, const std::string& account_id, bool disabled) {
  if (disabled && account_id == by.account_id)
    throw Problem::conflict("auth.cannot_disable_self", "不能停用自己正在使用的账号");
  auto s = db.session();
  WriteTransaction tx(*s, db.dialect());
  int flag = disabled ? 1 : 0;
  soci::statement st = (s->prepare << "UPDATE wb_accounts SET disabled = :d WHERE id = :i", soci::use(flag),
                        soci::use(account_id));
  st.execute(true);
  if (st.get_affected_rows() == 0) throw Problem::not_found("auth.account_not_found", "账号不存在");
  if (disabled) *s << "UPDATE wb_sessions SET revoked = 1 WHERE account_id = :a", soci::use(account_id);
  tx.commit();
}

}  // namespace wangban::kernel
