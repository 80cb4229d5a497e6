// AuditLog: the append-only, tamper-evident audit log (统一日志审计) in the database.
//
// Each entry (actor, actor kind, org unit, action, object, outcome, client IP, request id,
// time) becomes a leaf of an SM3 Merkle tree in the RFC 6962 shape; its position is its
// sequence number. Appends are serialised through wb_audit_state and store, in the same
// transaction, every complete subtree the new leaf closes, so a tree head, an inclusion
// proof or a consistency proof needs O(log n) reads. verify() recomputes the whole log
// and names the first entry whose content, position or stored hashes disagree. Thread-safe
// (through the database).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/merkle.hpp"
#include "wangban/database.hpp"

namespace wangban::kernel {

struct AuditEntry {
  std::int64_t seq = -1;   // assigned by append()
  std::string at;          // UTC ISO 8601, assigned by append() when empty
  std::string actor, actor_kind, org_unit, action, object_type, object_id, outcome, client_ip, request_id;
};

struct TreeHead {
  std::uint64_t size = 0;
  merkle::Hash root{};
};

struct AuditVerification {
  bool ok = true;
  std::uint64_t entries = 0;
  std::optional<std::int64_t> first_bad;  // the first sequence number that does not check out
  std::string problem;                    // what is wrong there
};

class AuditLog {
 public:
  explicit AuditLog(Database& db);
  // Appends in its own transaction; returns the entry's sequence number.
  std::int64_t append(AuditEntry entry);
  TreeHead head();
  TreeHead head_at(std::uint64_t size);
  std::vector<merkle::Hash> inclusion_proof(std::uint64_t seq, std::uint64_t size);
  std::vector<merkle::Hash> consistency_proof(std::uint64_t old_size, std::uint64_t new_size);
  // The leaf hash of an entry's content: SM3(0x00 || canonical encoding).
  static merkle::Hash leaf_hash(const AuditEntry& e);
  // Recomputes every leaf and stored node; when `trusted` is given (a head published
  // earlier), also proves the log still extends it.
  AuditVerification verify(const std::optional<TreeHead>& trusted = std::nullopt);

 private:
  merkle::Perfect perfect(soci::session& sql);
  Database& db_;
  merkle::Hasher sm3_{"SM3"};
};

}  // namespace wangban::kernel
