// SqlDatabase: pool creation for SQLite and PostgreSQL, script execution.
#include "db/sql_database.hpp"

#include <chrono>
#include <ctime>
#include <filesystem>

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

#include "wangban/problem.hpp"

namespace wangban::kernel {
namespace {

std::string pg_quote(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

void pg_notice(void*, const char* message) {
  std::string m(message);
  while (!m.empty() && m.back() == '\n') m.pop_back();
  spdlog::info("postgresql: {}", m);
}

}  // namespace

SqlDatabase::SqlDatabase(const DatabaseConfig& c)
    : dialect_(c.driver == "postgresql" ? Dialect::postgresql : Dialect::sqlite),
      acquire_timeout_ms_(c.acquire_timeout_ms),
      size_(static_cast<std::size_t>(c.pool_size)),
      pool_(std::make_unique<soci::connection_pool>(size_)) {
  std::string connect;
  if (dialect_ == Dialect::sqlite) {
    std::filesystem::create_directories(c.sqlite_path.parent_path());
    connect = "db=" + c.sqlite_path.string() + " timeout=30 shared_cache=false";
    description_ = "sqlite:" + c.sqlite_path.string();
  } else {
    connect = "host=" + pg_quote(c.host) + " port=" + std::to_string(c.port) + " dbname=" + pg_quote(c.name) +
              " user=" + pg_quote(c.user) + " connect_timeout=10 application_name=wangban";
    if (!c.password.empty()) connect += " password=" + pg_quote(c.password);
    description_ = "postgresql:" + c.host + ":" + std::to_string(c.port) + "/" + c.name;
  }
  connect_ = connect;
  for (std::size_t i = 0; i != size_; ++i) open_connection(pool_->at(i));
}

void SqlDatabase::open_connection(soci::session& s) const {
  try {
    if (dialect_ == Dialect::sqlite) {
      s.open(soci::sqlite3, connect_);
      s << "PRAGMA journal_mode=WAL";
      s << "PRAGMA synchronous=NORMAL";
      s << "PRAGMA foreign_keys=ON";
      s << "PRAGMA busy_timeout=30000";
    } else {
      s.open(soci::postgresql, connect_);
      auto* be = static_cast<soci::postgresql_session_backend*>(s.get_backend());
      PQsetNoticeProcessor(be->conn_, pg_notice, nullptr);
    }
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot open database " + description_ + ": " + e.what());
  }
}

std::unique_ptr<soci::session> SqlDatabase::open_dedicated() const {
  auto s = std::make_unique<soci::session>();
  open_connection(*s);
  return s;
}

SqlDatabase::~SqlDatabase() = default;

Session SqlDatabase::session() {
  std::size_t pos = 0;
  if (!pool_->try_lease(pos, acquire_timeout_ms_))
    throw Problem::unavailable("database.busy", "数据库繁忙，请稍后重试 (no free database connection)");
  return Session(*pool_, pos);
}

void SqlDatabase::execute_script(soci::session& sql, Dialect dialect, const std::string& script) {
  if (dialect == Dialect::sqlite) {
    auto* be = static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
    char* error = nullptr;
    if (sqlite_api::sqlite3_exec(be->conn_, script.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : "unknown error";
      sqlite_api::sqlite3_free(error);
      throw std::runtime_error(message);
    }
  } else {
    auto* be = static_cast<soci::postgresql_session_backend*>(sql.get_backend());
    PGresult* res = PQexec(be->conn_, script.c_str());
    auto status = PQresultStatus(res);
    std::string message = PQresultErrorMessage(res);
    PQclear(res);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      while (!message.empty() && message.back() == '\n') message.pop_back();
      throw std::runtime_error(message);
    }
  }
}

std::string utc_now_iso() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
  return out;
}

long long epoch_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace wangban::kernel
