// Database access for plugins: sessions leased from the kernel's SOCI pool.
//
// A Session is a lease on one pooled soci::session; it returns the connection
// when destroyed. A soci::session is not thread-safe: use a lease from one
// thread at a time and keep it short. Transactions are plain soci::transaction
// objects on the leased session. Migrations are not run from here: they are
// compiled into the plugin (see manifest.h) and applied by the kernel before
// start(). The same SQL runs on SQLite and PostgreSQL unless a migration is
// marked for one of them.
#pragma once

#include <cstddef>

namespace soci {
class session;
class connection_pool;
}  // namespace soci

namespace wangban {

enum class Dialect { sqlite, postgresql };

class Session {
 public:
  Session(soci::connection_pool& pool, std::size_t position) noexcept;
  Session(Session&& other) noexcept;
  Session& operator=(Session&&) = delete;
  Session(const Session&) = delete;
  ~Session();

  soci::session& operator*() const;
  soci::session* operator->() const;

 private:
  soci::connection_pool* pool_;
  std::size_t position_;
};

class Database {
 public:
  virtual ~Database();
  virtual Dialect dialect() const = 0;
  // Waits for a free connection (up to the configured timeout, then throws Problem 503).
  virtual Session session() = 0;
};

}  // namespace wangban
