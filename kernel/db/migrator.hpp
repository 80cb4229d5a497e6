// Migrator: applies a component's SQL migrations in order and guards applied ones.
//
// Each migration runs in its own transaction together with its row in
// wb_migrations (component, name, SHA-256 of the SQL, time). A migration that
// was applied before and whose text has changed since is an error
// (MigrationError names the component and file); so is an applied migration
// that the component no longer ships. Files named *.sqlite.sql or
// *.postgresql.sql apply only to that database. Not thread-safe: run one
// migration pass at a time (the kernel does it during start-up and reload).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "wangban/database.hpp"
#include "wangban/manifest.h"

namespace wangban::kernel {

class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct MigrationFile {
  std::string name;
  std::string sql;
};

std::vector<MigrationFile> migration_files(const wangban_migration* items, std::size_t count);

struct MigrationOutcome {
  int applied = 0;    // newly applied now
  int unchanged = 0;  // applied earlier, checksum verified
};

class Migrator {
 public:
  explicit Migrator(Database& db);
  // Creates wb_migrations if needed.
  void prepare();
  // Applies `component`'s pending migrations; throws MigrationError.
  MigrationOutcome apply(const std::string& component, const std::vector<MigrationFile>& files);
  // True when every migration of the list (for this dialect) is applied with the same checksum.
  bool is_current(const std::string& component, const std::vector<MigrationFile>& files);

 private:
  Database& db_;
};

// The kernel's own tables (outbox, event processing, identity).
std::vector<MigrationFile> kernel_migrations();
// The kernel's demo data (applied when database.demo_data is set): an organisation tree in
// Zhejiang, the roles clerk and approver, and five staff accounts.
std::vector<MigrationFile> kernel_demo_migrations();

}  // namespace wangban::kernel
