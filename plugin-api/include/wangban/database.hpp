// Database access for plugins: sessions leased from the kernel's SOCI pool.
//
// A Session is a lease on one pooled soci::session; it returns the connection
// when destroyed. A soci::session is not thread-safe: use a lease from one
// thread at a time and keep it short. A transaction that writes is a
// WriteTransaction on the leased session (a read-only one may be a plain
// soci::transaction). Migrations are not run from here: they are
// compiled into the plugin (see manifest.h) and applied by the kernel before
// start(). The same SQL runs on SQLite and PostgreSQL unless a migration is
// marked for one of them.
#pragma once

#include <cstddef>

#include <string>

namespace soci {
class session;
class connection_pool;
class row;
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

// A transaction that may write (since API 1.2). On SQLite it takes the write lock when it
// begins (BEGIN IMMEDIATE): a transaction that reads and then writes would otherwise fail at
// its first write whenever another connection committed in between (SQLITE_BUSY_SNAPSHOT);
// this one waits for the lock instead. On PostgreSQL it is a plain BEGIN. Rolls back when
// destroyed without commit().
class WriteTransaction {
 public:
  WriteTransaction(soci::session& session, Dialect dialect);
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  ~WriteTransaction();
  void commit();
  void rollback();

 private:
  soci::session& session_;
  bool open_ = true;
};

// Reading a soci::row alike on SQLite and PostgreSQL (since API 1.5). An integer column whatever
// type the backend reports for it (SQLite reports expressions and some declared types loosely);
// NULL reads as 0. A text column; NULL reads as "".
long long row_integer(const soci::row& r, std::size_t column);
std::string row_text(const soci::row& r, std::size_t column);

}  // namespace wangban
