// Session: a lease on one connection of the SOCI pool.
#include <soci/connection-pool.h>
#include <soci/session.h>

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

}  // namespace wangban
