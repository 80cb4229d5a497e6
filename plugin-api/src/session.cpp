// Session: a lease on one connection of the SOCI pool; WriteTransaction; reading rows alike on both backends.
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

long long row_integer(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) return 0;
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_integer: return r.get<int>(i);
    case soci::dt_long_long: return r.get<long long>(i);
    case soci::dt_unsigned_long_long: return static_cast<long long>(r.get<unsigned long long>(i));
    case soci::dt_double: return static_cast<long long>(r.get<double>(i));
    case soci::dt_string: return std::stoll(r.get<std::string>(i));
    default: throw std::runtime_error("unexpected column type for an integer");
  }
}

std::string row_text(const soci::row& r, std::size_t column) {
  return r.get_indicator(column) == soci::i_null ? std::string() : r.get<std::string>(column);
}

}  // namespace wangban
