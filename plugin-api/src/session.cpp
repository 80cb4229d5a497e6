// Session: a lease on one connection of the SOCI pool; WriteTransaction.
#include <soci/connection-pool.h>
#include <soci/soci.h>

#include "wangban/database.hpp"

namespace wangban {

Session::Session(soci::connection_pool& pool, std::size_t position) noexcept
    : pool_(&pool), position_(position) {}

Session::Session(Session&& other) noexcept : pool_(other.pool_), position_(other.position_) {
  other.pool_ = nullptr;
}

Session::~Session() {
  if (pool_) pool_->give_back(position_);
}

soci::session& Session::operator*() const { return pool_->at(position_); }
soci::session* Session::operator->() const { return &pool_->at(position_); }

WriteTransaction::WriteTransaction(soci::session& session, Dialect dialect) : session_(session) {
  session_ << (dialect == Dialect::sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
}

WriteTransaction::~WriteTransaction() {
  if (!open_) return;
  try {
    session_ << "ROLLBACK";
  } catch (...) {  // the connection is gone; nothing was committed
  }
}

void WriteTransaction::commit() {
  session_ << "COMMIT";
  open_ = false;
}

void WriteTransaction::rollback() {
  session_ << "ROLLBACK";
  open_ = false;
}

}  // namespace wangban
