// SqlDatabase: the kernel's SOCI connection pool behind wangban::Database.
//
// Opens `pool_size` connections to SQLite (WAL, busy timeout, foreign keys)
// or PostgreSQL (keyword connection string built from the config, NOTICEs
// routed to the log). session() waits for a free connection up to the
// configured timeout, then throws Problem 503 "database.busy". Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "config/config.hpp"
#include "wangban/database.hpp"

namespace soci {
class connection_pool;
class row;
}

namespace wangban::kernel {

class SqlDatabase final : public Database {
 public:
  explicit SqlDatabase(const DatabaseConfig& config);
  ~SqlDatabase() override;

  Dialect dialect() const override { return dialect_; }
  Session session() override;

  // "sqlite:/path/file.db" or "postgresql:host:port/db" with no secrets, for logs.
  const std::string& description() const { return description_; }

  // A connection of its own, outside the pool, opened like the pooled ones (for a component
  // that keeps prepared statements, such as the audit log's writer).
  std::unique_ptr<soci::session> open_dedicated() const;

  // Runs a whole SQL script (several statements) on the session's connection.
  static void execute_script(soci::session& sql, Dialect dialect, const std::string& script);

 private:
  void open_connection(soci::session& s) const;
  Dialect dialect_;
  int acquire_timeout_ms_;
  std::size_t size_;
  std::unique_ptr<soci::connection_pool> pool_;
  std::string description_;
  std::string connect_;  // the connection string (holds the password: never logged)
};

// row_integer and row_text are the plugin API's (wangban/database.hpp), shared with the plugins.
using wangban::row_integer;
using wangban::row_text;

// Current UTC time as ISO 8601 with milliseconds ("2026-11-27T01:02:03.456Z").
std::string utc_now_iso();
// Milliseconds since the Unix epoch.
long long epoch_ms_now();

}  // namespace wangban::kernel
