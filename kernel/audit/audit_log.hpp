// AuditLog: the append-only, tamper-evident audit log (统一日志审计) in the database.
//
// Each entry (actor, actor kind, org unit, action, object, outcome, client IP, request id,
// time) becomes a leaf of an SM3 Merkle tree in the RFC 6962 shape; its position is its
// sequence number. Appends are serialised through wb_audit_state and store, in the same
// transaction, every complete subtree the new leaf closes, so a tree head, an inclusion
// proof or a consistency proof needs O(log n) reads. The kernel signs tree heads (SM2) and
// keeps them: a signed head fixes its first `size` entries for good, even against someone
// who rewrites entries and rebuilds every stored hash. verify() recomputes the whole log
// and names the first entry whose content, position, stored hashes or signed heads disagree.
// Thread-safe (through the database).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "audit/merkle.hpp"
#include "wangban/database.hpp"

namespace wangban::kernel {

class SigningKey;
class SqlDatabase;

struct AuditEntry {
  std::int64_t seq = -1;   // assigned by append()
  std::string at;          // UTC ISO 8601, assigned by append() when empty
  std::string actor, actor_kind, org_unit, action, object_type, object_id, outcome, client_ip, request_id;
};

struct TreeHead {
  std::uint64_t size = 0;
  merkle::Hash root{};
};

// A tree head signed by the kernel. The signature input is RFC 6962's TreeHeadSignature:
// version 0 (1 byte), signature_type tree_hash = 1 (1 byte), timestamp in ms (8 bytes, big
// endian), tree_size (8 bytes, big endian), root hash (32 bytes): 50 bytes, signed with SM2/SM3.
struct SignedTreeHead {
  std::uint64_t size = 0;
  merkle::Hash root{};
  std::int64_t timestamp_ms = 0;
  std::string key_id;     // SigningKey::key_id()
  std::string signature;  // DER
  static std::string signature_input(std::uint64_t size, std::int64_t timestamp_ms, const merkle::Hash& root);
};

struct AuditVerification {
  bool ok = true;
  std::uint64_t entries = 0;
  std::optional<std::int64_t> first_bad;  // the first sequence number that does not check out
  std::string problem;                    // what is wrong there
};

class AuditLog {
 public:
  explicit AuditLog(SqlDatabase& db);
  ~AuditLog();
  // Appends durably (committed when it returns); returns the entry's sequence number.
  // Appends of this process go through one connection kept for them, with prepared
  // statements, and the right edge of the tree (one hash per level) is kept in memory, so an
  // append reads nothing (when another node appended in between, the edge is read again).
  // Concurrent appends are committed together (group commit): the first caller writes
  // everything queued in one transaction while the others wait for that commit.
  std::int64_t append(AuditEntry entry);
  TreeHead head();
  TreeHead head_at(std::uint64_t size);
  std::vector<merkle::Hash> inclusion_proof(std::uint64_t seq, std::uint64_t size);
  std::vector<merkle::Hash> consistency_proof(std::uint64_t old_size, std::uint64_t new_size);
  // The leaf hash of an entry's content: SM3(0x00 || canonical encoding).
  static merkle::Hash leaf_hash(const AuditEntry& e);
  // Signs the current head with `key` and keeps it; with only_if_grown, returns nothing when
  // the log did not grow since the last signed head.
  std::optional<SignedTreeHead> sign_head(const SigningKey& key, bool only_if_grown = false);
  std::vector<SignedTreeHead> signed_heads(int limit);  // newest first
  // Recomputes every leaf and stored node and checks every signed head against the entries
  // (and its signature, when `key` is given); when `trusted` is given (a head published
  // elsewhere), also proves the log still extends it.
  AuditVerification verify(const SigningKey* key = nullptr, const std::optional<TreeHead>& trusted = std::nullopt);

 private:
  struct Writer;
  struct Pending;
  merkle::Perfect perfect(soci::session& sql);
  void write_batch(std::vector<std::shared_ptr<Pending>>& batch);
  SqlDatabase& db_;
  merkle::Hasher sm3_{"SM3"};
  std::mutex queue_mutex_;  // guards queue_ and writing_
  std::condition_variable written_;
  std::vector<std::shared_ptr<Pending>> queue_;
  bool writing_ = false;            // a caller is writing a batch (the writer below is its alone)
  std::unique_ptr<Writer> writer_;  // created at the first append
  std::uint64_t edge_size_ = UINT64_MAX;  // the log size the edge below belongs to (MAX: unknown)
  std::vector<merkle::Hash> edge_;        // edge_[level]: the complete subtree at the right edge, where size has that bit
};

}  // namespace wangban::kernel
