// AuditLog: appends with subtree nodes, tree heads and proofs from storage, full verification.
#include "audit/audit_log.hpp"

#include <soci/soci.h>

#include "db/sql_database.hpp"
#include "trust/signing_key.hpp"
#include "util/digest.hpp"

namespace wangban::kernel {
namespace {

void put_field(std::string& out, const std::string& v) {
  std::uint32_t n = static_cast<std::uint32_t>(v.size());
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xFF);
  out += v;
}

AuditEntry read_entry(const soci::row& r) {
  AuditEntry e;
  e.seq = row_integer(r, 0);
  e.at = r.get<std::string>(1);
  e.actor = r.get<std::string>(2);
  e.actor_kind = r.get<std::string>(3);
  e.org_unit = r.get<std::string>(4);
  e.action = r.get<std::string>(5);
  e.object_type = r.get<std::string>(6);
  e.object_id = r.get<std::string>(7);
  e.outcome = r.get<std::string>(8);
  e.client_ip = r.get<std::string>(9);
  e.request_id = r.get<std::string>(10);
  return e;
}

constexpr const char* kColumns =
    "seq, at, actor, actor_kind, org_unit, action, object_type, object_id, outcome, client_ip, request_id, leaf_hash";

}  // namespace

AuditLog::AuditLog(SqlDatabase& db) : db_(db) {}

std::string SignedTreeHead::signature_input(std::uint64_t size, std::int64_t timestamp_ms, const merkle::Hash& root) {
  std::string out;
  out += '\0';  // version v1 (0)
  out += '\1';  // signature_type tree_hash (1)
  auto be64 = [&out](std::uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
  };
  be64(static_cast<std::uint64_t>(timestamp_ms));
  be64(size);
  out.append(reinterpret_cast<const char*>(root.data()), root.size());
  return out;
}

std::optional<SignedTreeHead> AuditLog::sign_head(const SigningKey& key, bool only_if_grown) {
  auto h = head();
  if (only_if_grown) {
    auto last = signed_heads(1);
    if ((!last.empty() && last[0].size == h.size) || h.size == 0) return std::nullopt;
  }
  SignedTreeHead sth{h.size, h.root, epoch_ms_now(), key.key_id(), ""};
  sth.signature = key.sign(SignedTreeHead::signature_input(sth.size, sth.timestamp_ms, sth.root));
  auto s = db_.session();
  long long size = static_cast<long long>(sth.size);
  long long at = sth.timestamp_ms;
  std::string root = merkle::hex(sth.root), signature = base64_encode(sth.signature);
  *s << "INSERT INTO wb_audit_tree_heads (size, timestamp_ms, root, key_id, signature) VALUES (:s, :t, :r, :k, :g)",
      soci::use(size), soci::use(at), soci::use(root), soci::use(sth.key_id), soci::use(signature);
  return sth;
}

std::vector<SignedTreeHead> AuditLog::signed_heads(int limit) {
  auto s = db_.session();
  soci::rowset<soci::row> rows = (s->prepare << "SELECT size, timestamp_ms, root, key_id, signature FROM wb_audit_tree_heads"
                                                " ORDER BY timestamp_ms DESC, size DESC LIMIT :l",
                                  soci::use(limit));
  std::vector<SignedTreeHead> out;
  for (auto& r : rows) {
    SignedTreeHead h;
    h.size = static_cast<std::uint64_t>(row_integer(r, 0));
    h.timestamp_ms = row_integer(r, 1);
    h.root = merkle::from_hex(r.get<std::string>(2));
    h.key_id = r.get<std::string>(3);
    h.signature = base64_decode(r.get<std::string>(4)).value_or("");
    out.push_back(std::move(h));
  }
  return out;
}

merkle::Hash AuditLog::leaf_hash(const AuditEntry& e) {
  std::string data;
  for (const auto* f : {&e.at, &e.actor, &e.actor_kind, &e.org_unit, &e.action, &e.object_type, &e.object_id,
                        &e.outcome, &e.client_ip, &e.request_id})
    put_field(data, *f);
  put_field(data, std::to_string(e.seq));  // the position is part of the leaf: reordering shows
  static const merkle::Hasher sm3("SM3");
  return sm3.leaf(data);
}

merkle::Perfect AuditLog::perfect(soci::session& sql) {
  return [&sql](unsigned level, std::uint64_t index) {
    std::string hex;
    long long i = static_cast<long long>(index);
    if (level == 0) {
      sql << "SELECT leaf_hash FROM wb_audit_entries WHERE seq = :i", soci::use(i), soci::into(hex);
    } else {
      int l = static_cast<int>(level);
      sql << "SELECT hash FROM wb_audit_nodes WHERE level = :l AND idx = :i", soci::use(l), soci::use(i), soci::into(hex);
    }
    if (!sql.got_data())
      throw std::runtime_error("audit log: missing tree node " + std::to_string(level) + "/" + std::to_string(index));
    return merkle::from_hex(hex);
  };
}

// The connection kept for appends and its prepared statements, bound to the members below.
struct AuditLog::Writer {
  std::unique_ptr<soci::session> lease;  // its own connection, outside the pool
  Dialect dialect;
  long long size = 0, count = 0, seq = 0, node_index = 0;
  int node_level = 0;
  AuditEntry entry;
  std::string leaf_hex, node_hex;
  soci::statement bump, insert_entry, insert_node;

  explicit Writer(SqlDatabase& db)
      : lease(db.open_dedicated()),
        dialect(db.dialect()),
        // The increment takes the append lock and tells the position in one statement.
        bump((lease->prepare << "UPDATE wb_audit_state SET size = size + :n WHERE id = 1 RETURNING size", soci::use(count),
              soci::into(size))),
        insert_entry((lease->prepare << "INSERT INTO wb_audit_entries (" << kColumns
                                     << ") VALUES (:s, :at, :a, :k, :o, :ac, :ot, :oi, :out, :ip, :rid, :h)",
                      soci::use(seq), soci::use(entry.at), soci::use(entry.actor), soci::use(entry.actor_kind),
                      soci::use(entry.org_unit), soci::use(entry.action), soci::use(entry.object_type),
                      soci::use(entry.object_id), soci::use(entry.outcome), soci::use(entry.client_ip),
                      soci::use(entry.request_id), soci::use(leaf_hex))),
        insert_node((lease->prepare << "INSERT INTO wb_audit_nodes (level, idx, hash) VALUES (:l, :i, :h)",
                     soci::use(node_level), soci::use(node_index), soci::use(node_hex))) {}
};

AuditLog::~AuditLog() = default;

struct AuditLog::Pending {
  AuditEntry entry;
  std::int64_t seq = -1;
  std::exception_ptr error;
  bool done = false;
};

std::int64_t AuditLog::append(AuditEntry e) {
  auto mine = std::make_shared<Pending>();
  mine->entry = std::move(e);
  std::unique_lock lock(queue_mutex_);
  queue_.push_back(mine);
  while (!mine->done) {
    if (writing_) {  // another caller is committing a batch; ours may be in the next one
      written_.wait(lock);
      continue;
    }
    writing_ = true;
    auto batch = std::move(queue_);
    queue_.clear();
    lock.unlock();
    write_batch(batch);
    lock.lock();
    for (auto& p : batch) p->done = true;
    writing_ = false;
    written_.notify_all();
  }
  if (mine->error) std::rethrow_exception(mine->error);
  return mine->seq;
}

void AuditLog::write_batch(std::vector<std::shared_ptr<Pending>>& batch) {
  try {
    if (!writer_) writer_ = std::make_unique<Writer>(db_);
    auto& w = *writer_;
    auto& sql = *w.lease;
    WriteTransaction tx(sql, w.dialect);
    w.count = static_cast<long long>(batch.size());
    w.bump.execute(true);
    while (w.bump.fetch()) {
    }  // step to its end, so SQLite does not count it as in progress at COMMIT
    auto first = static_cast<std::uint64_t>(w.size - w.count);  // the positions are first .. size-1
    if (first != edge_size_) {  // first append here, or another node appended: read the right edge
      auto lookup = perfect(sql);
      edge_.assign(64, merkle::Hash{});
      std::uint64_t start = 0;
      for (int level = 63; level >= 0; --level)
        if (first >> level & 1) {
          edge_[static_cast<std::size_t>(level)] = lookup(static_cast<unsigned>(level), start >> level);
          start += std::uint64_t{1} << level;
        }
    }
    auto edge = edge_;
    std::uint64_t n = first;
    for (auto& p : batch) {
      p->entry.seq = static_cast<std::int64_t>(n);
      if (p->entry.at.empty()) p->entry.at = utc_now_iso();
      auto leaf = leaf_hash(p->entry);
      w.entry = p->entry;
      w.seq = static_cast<long long>(n);
      w.leaf_hex = merkle::hex(leaf);
      w.insert_entry.execute(true);
      // Store every complete subtree this leaf closes (it is the right child at each such level).
      merkle::Hash h = leaf;
      unsigned level = 0;
      for (std::uint64_t idx = n; idx & 1; idx >>= 1) {
        h = sm3_.node(edge[level], h);
        ++level;
        w.node_level = static_cast<int>(level);
        w.node_index = static_cast<long long>(idx >> 1);
        w.node_hex = merkle::hex(h);
        w.insert_node.execute(true);
      }
      edge[level] = h;
      ++n;
    }
    tx.commit();
    edge_ = std::move(edge);
    edge_size_ = n;
    for (auto& p : batch) p->seq = p->entry.seq;
  } catch (...) {
    edge_size_ = UINT64_MAX;  // nothing committed: read the edge again next time
    writer_.reset();          // and start from a fresh connection and statements
    for (auto& p : batch) p->error = std::current_exception();
  }
}

TreeHead AuditLog::head() {
  auto s = db_.session();
  long long size = 0;
  *s << "SELECT size FROM wb_audit_state WHERE id = 1", soci::into(size);
  return {static_cast<std::uint64_t>(size), merkle::root(sm3_, perfect(*s), static_cast<std::uint64_t>(size))};
}

TreeHead AuditLog::head_at(std::uint64_t size) {
  auto s = db_.session();
  return {size, merkle::root(sm3_, perfect(*s), size)};
}

std::vector<merkle::Hash> AuditLog::inclusion_proof(std::uint64_t seq, std::uint64_t size) {
  auto s = db_.session();
  return merkle::inclusion_proof(sm3_, perfect(*s), seq, size);
}

std::vector<merkle::Hash> AuditLog::consistency_proof(std::uint64_t old_size, std::uint64_t new_size) {
  auto s = db_.session();
  return merkle::consistency_proof(sm3_, perfect(*s), old_size, new_size);
}

AuditVerification AuditLog::verify(const SigningKey* key, const std::optional<TreeHead>& trusted) {
  AuditVerification v;
  auto fail = [&](std::int64_t seq, std::string why) {
    if (v.ok) {
      v.ok = false;
      v.first_bad = seq;
      v.problem = std::move(why);
    }
  };
  auto s = db_.session();
  std::vector<merkle::Hash> leaves;
  {
    soci::rowset<soci::row> rows = (s->prepare << "SELECT " << kColumns << " FROM wb_audit_entries ORDER BY seq");
    for (auto& r : rows) {
      auto e = read_entry(r);
      auto expected = static_cast<std::int64_t>(leaves.size());
      if (e.seq != expected)
        fail(expected, e.seq > expected ? "entry " + std::to_string(expected) + " is missing (removed)"
                                        : "entry " + std::to_string(e.seq) + " appears out of order");
      auto h = leaf_hash(e);
      if (merkle::hex(h) != r.get<std::string>(11))
        fail(e.seq, "entry " + std::to_string(e.seq) + " was altered (its content no longer matches its hash)");
      leaves.push_back(h);
    }
  }
  v.entries = leaves.size();
  long long size = 0;
  *s << "SELECT size FROM wb_audit_state WHERE id = 1", soci::into(size);
  if (static_cast<std::uint64_t>(size) != leaves.size())
    fail(static_cast<std::int64_t>(std::min<std::uint64_t>(leaves.size(), size)),
         "the log records " + std::to_string(size) + " entries but holds " + std::to_string(leaves.size()));
  // Every stored subtree node must be the hash of the recomputed leaves below it.
  std::vector<std::vector<merkle::Hash>> levels{leaves};  // every complete subtree, recomputed
  for (int level = 1; levels.back().size() >= 2; ++level) {
    const auto& below = levels.back();
    std::vector<merkle::Hash> up;
    for (std::size_t i = 0; i + 1 < below.size(); i += 2) up.push_back(sm3_.node(below[i], below[i + 1]));
    soci::rowset<soci::row> nodes =
        (s->prepare << "SELECT idx, hash FROM wb_audit_nodes WHERE level = :l ORDER BY idx", soci::use(level));
    std::size_t seen = 0;
    for (auto& r : nodes) {
      auto idx = static_cast<std::size_t>(row_integer(r, 0));
      if (idx >= up.size() || merkle::hex(up[idx]) != r.get<std::string>(1))
        fail(static_cast<std::int64_t>(idx) << level,
             "stored tree node " + std::to_string(level) + "/" + std::to_string(idx) + " does not match the entries");
      ++seen;
    }
    if (seen != up.size())
      fail(static_cast<std::int64_t>(seen) << level, "tree nodes of level " + std::to_string(level) + " are missing");
    levels.push_back(std::move(up));
  }
  merkle::Perfect from_memory = [&](unsigned level, std::uint64_t index) { return levels[level][index]; };
  // Every signed head must still be the root of its first `size` entries, signed by the kernel.
  {
    soci::rowset<soci::row> heads = (s->prepare << "SELECT size, timestamp_ms, root, key_id, signature"
                                                   " FROM wb_audit_tree_heads ORDER BY size");
    for (auto& r : heads) {
      auto size_signed = static_cast<std::uint64_t>(row_integer(r, 0));
      std::string what = "the tree head signed at size " + std::to_string(size_signed);
      if (size_signed > leaves.size()) {
        fail(static_cast<std::int64_t>(leaves.size()), what + " is longer than the log (entries removed)");
        continue;
      }
      auto root = merkle::from_hex(r.get<std::string>(2));
      if (size_signed > 0 && merkle::root(sm3_, from_memory, size_signed) != root) {
        fail(0, what + " no longer matches the entries (history rewritten)");
        continue;
      }
      if (key) {
        auto signature = base64_decode(r.get<std::string>(4)).value_or("");
        if (r.get<std::string>(3) != key->key_id() ||
            !key->verify(SignedTreeHead::signature_input(size_signed, row_integer(r, 1), root), signature))
          fail(static_cast<std::int64_t>(size_signed), what + " does not carry a valid signature of the kernel key");
      }
    }
  }
  if (trusted && v.ok) {
    if (trusted->size > leaves.size()) {
      fail(static_cast<std::int64_t>(leaves.size()), "the log is shorter than a tree head published earlier");
    } else {
      if (merkle::root(sm3_, from_memory, trusted->size) != trusted->root)
        fail(0, "the first " + std::to_string(trusted->size) +
                    " entries no longer hash to the tree head published earlier (history rewritten)");
    }
  }
  return v;
}

}  // namespace wangban::kernel
