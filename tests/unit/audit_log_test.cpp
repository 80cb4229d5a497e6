// The audit log on a real SQLite database: heads and proofs from storage agree with the
// Merkle module, and manipulating rows directly (alter, delete, reorder, rewrite with
// fresh hashes) is found by verification, which names the first bad entry; signed tree heads
// fix the history even against a rewrite that rebuilds every stored hash.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>
#include <soci/soci.h>

#include "audit/audit_log.hpp"
#include "db/migrator.hpp"
#include "db/sql_database.hpp"
#include "trust/signing_key.hpp"
#include "util/digest.hpp"

using namespace wangban::kernel;
namespace fs = std::filesystem;

namespace {

struct TempLog {
  fs::path dir = fs::temp_directory_path() / ("wangban-audit-test-" + random_hex(6));
  std::unique_ptr<SqlDatabase> db;
  std::unique_ptr<AuditLog> log;
  explicit TempLog(int entries) {
    DatabaseConfig c;
    c.sqlite_path = dir / "audit.db";
    c.pool_size = 2;
    db = std::make_unique<SqlDatabase>(c);
    Migrator m(*db);
    m.prepare();
    m.apply("kernel", kernel_migrations());
    log = std::make_unique<AuditLog>(*db);
    for (int i = 0; i < entries; ++i)
      log->append({-1, "", "user-" + std::to_string(i % 7), "staff", "org-1", i % 2 ? "case.accept" : "case.read", "case",
                   "case-" + std::to_string(i), "allowed", "127.0.0.1", "req-" + std::to_string(i)});
  }
  ~TempLog() {
    log.reset();
    db.reset();
    fs::remove_all(dir);
  }
  void sql(const std::string& statement) {
    auto s = db->session();
    *s << statement;
  }
};

}  // namespace

TEST_CASE("audit log heads and proofs from storage verify with the RFC 9162 verifiers") {
  TempLog t(100);
  merkle::Hasher sm3("SM3");
  auto head = t.log->head();
  CHECK(head.size == 100);
  auto earlier = t.log->head_at(37);
  CHECK(merkle::verify_consistency(sm3, 37, 100, earlier.root, head.root, t.log->consistency_proof(37, 100)));
  for (std::uint64_t seq : {0u, 1u, 36u, 63u, 64u, 99u}) {
    auto s = t.db->session();
    std::string leaf_hex;
    long long q = static_cast<long long>(seq);
    *s << "SELECT leaf_hash FROM wb_audit_entries WHERE seq = :q", soci::use(q), soci::into(leaf_hex);
    INFO(seq);
    CHECK(merkle::verify_inclusion(sm3, seq, 100, merkle::from_hex(leaf_hex), t.log->inclusion_proof(seq, 100), head.root));
  }
  auto v = t.log->verify(nullptr, earlier);
  CHECK(v.ok);
  CHECK(v.entries == 100);
}

TEST_CASE("verification finds an altered entry, a removed one and a reordering, naming the first") {
  {
    TempLog t(50);
    t.sql("UPDATE wb_audit_entries SET action = 'case.delete' WHERE seq = 17");
    auto v = t.log->verify();
    CHECK_FALSE(v.ok);
    CHECK(v.first_bad == 17);
    CHECK(v.problem.find("altered") != std::string::npos);
  }
  {
    TempLog t(50);
    t.sql("DELETE FROM wb_audit_entries WHERE seq = 23");
    auto v = t.log->verify();
    CHECK_FALSE(v.ok);
    CHECK(v.first_bad == 23);
    CHECK(v.problem.find("missing") != std::string::npos);
  }
  {
    TempLog t(50);
    // Swap two entries' contents and hashes, keeping their positions.
    t.sql("UPDATE wb_audit_entries SET seq = -1 WHERE seq = 30");
    t.sql("UPDATE wb_audit_entries SET seq = 30 WHERE seq = 31");
    t.sql("UPDATE wb_audit_entries SET seq = 31 WHERE seq = -1");
    auto v = t.log->verify();
    CHECK_FALSE(v.ok);
    CHECK(v.first_bad == 30);
  }
}

TEST_CASE("a rewrite that recomputes the entry's hash is caught by the stored tree, and a full rebuild by an earlier head") {
  TempLog t(40);
  auto published = t.log->head();
  // Alter entry 9 and give it a matching leaf hash: the stored subtree nodes above it disagree.
  {
    auto s = t.db->session();
    AuditEntry e{9, "", "", "", "", "", "", "", "", "", ""};
    soci::row r;
    *s << "SELECT at, actor, actor_kind, org_unit, action, object_type, object_id, outcome, client_ip, request_id"
          " FROM wb_audit_entries WHERE seq = 9", soci::into(r);
    e.at = r.get<std::string>(0);
    e.actor = "someone-else";
    e.actor_kind = r.get<std::string>(2);
    e.org_unit = r.get<std::string>(3);
    e.action = r.get<std::string>(4);
    e.object_type = r.get<std::string>(5);
    e.object_id = r.get<std::string>(6);
    e.outcome = r.get<std::string>(7);
    e.client_ip = r.get<std::string>(8);
    e.request_id = r.get<std::string>(9);
    std::string hex = merkle::hex(AuditLog::leaf_hash(e));
    *s << "UPDATE wb_audit_entries SET actor = 'someone-else', leaf_hash = :h WHERE seq = 9", soci::use(hex);
  }
  auto v = t.log->verify();
  CHECK_FALSE(v.ok);
  CHECK(v.problem.find("stored tree node 1/4") != std::string::npos);
  CHECK(v.first_bad == 8);  // the subtree holding entries 8 and 9
  // Rebuild every stored node from the altered entries: only the head published before shows it.
  t.sql("DELETE FROM wb_audit_nodes");
  {
    auto s = t.db->session();
    std::vector<merkle::Hash> level;
    soci::rowset<std::string> hashes = (s->prepare << "SELECT leaf_hash FROM wb_audit_entries ORDER BY seq");
    merkle::Hasher sm3("SM3");
    for (auto& h : hashes) level.push_back(merkle::from_hex(h));
    for (int l = 1; level.size() >= 2; ++l) {
      std::vector<merkle::Hash> up;
      for (std::size_t i = 0; i + 1 < level.size(); i += 2) {
        up.push_back(sm3.node(level[i], level[i + 1]));
        long long idx = static_cast<long long>(i / 2);
        std::string hex = merkle::hex(up.back());
        *s << "INSERT INTO wb_audit_nodes (level, idx, hash) VALUES (:l, :i, :h)", soci::use(l), soci::use(idx), soci::use(hex);
      }
      level = std::move(up);
    }
  }
  CHECK(t.log->verify().ok);  // self-consistent again...
  auto against_published = t.log->verify(nullptr, published);
  CHECK_FALSE(against_published.ok);  // ...but not with what was published
  CHECK(against_published.problem.find("history rewritten") != std::string::npos);
}

TEST_CASE("a signed tree head fixes the history: a full rewrite is found from the log alone, and signatures check") {
  TempLog t(20);
  fs::path dir = fs::temp_directory_path() / ("wangban-key-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  auto key = SigningKey::load_or_create(dir / "keys" / "kernel.pem", dir / "master-key");
  CHECK((fs::status(dir / "master-key").permissions() & fs::perms::group_all) == fs::perms::none);
  CHECK((fs::status(dir / "keys" / "kernel.pem").permissions() & fs::perms::others_all) == fs::perms::none);
  auto sth = t.log->sign_head(key);
  REQUIRE(sth);
  CHECK(sth->size == 20);
  CHECK_FALSE(t.log->sign_head(key, true));  // nothing new to sign
  // Anyone holding only the public key checks the signature over the RFC 6962 layout.
  auto published = SigningKey::public_only(SigningKey::public_file_of(dir / "keys" / "kernel.pem"));
  CHECK(published.key_id() == key.key_id());
  auto input = SignedTreeHead::signature_input(sth->size, sth->timestamp_ms, sth->root);
  CHECK(input.size() == 50);
  CHECK(published.verify(input, sth->signature));
  CHECK(t.log->verify(&published).ok);
  // The same key opens again with the master key; a wrong master key is refused.
  auto reopened = SigningKey::load_or_create(dir / "keys" / "kernel.pem", dir / "master-key");
  CHECK(reopened.key_id() == key.key_id());
  {
    std::ofstream(dir / "other-master") << std::string(64, 'x');
    fs::permissions(dir / "other-master", fs::perms::owner_read | fs::perms::owner_write);
    CHECK_THROWS_WITH_AS(SigningKey::load_or_create(dir / "keys" / "kernel.pem", dir / "other-master"),
                         doctest::Contains("wrong master key"), std::runtime_error);
    fs::permissions(dir / "other-master", fs::perms::owner_read | fs::perms::group_read);
    CHECK_THROWS_WITH_AS(SigningKey::load_or_create(dir / "keys" / "kernel.pem", dir / "other-master"),
                         doctest::Contains("chmod 600"), std::runtime_error);
  }

  // Rewrite entry 3 and rebuild every stored hash: the stored signed head still tells.
  t.sql("UPDATE wb_audit_entries SET actor = 'forger' WHERE seq = 3");
  {
    auto s = t.db->session();
    merkle::Hasher sm3("SM3");
    std::vector<merkle::Hash> level;
    soci::rowset<soci::row> rows = (s->prepare << "SELECT seq, at, actor, actor_kind, org_unit, action, object_type,"
                                                  " object_id, outcome, client_ip, request_id FROM wb_audit_entries ORDER BY seq");
    std::vector<std::pair<long long, std::string>> leaf_updates;
    for (auto& r : rows) {
      AuditEntry e{row_integer(r, 0), r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3),
                   r.get<std::string>(4), r.get<std::string>(5), r.get<std::string>(6), r.get<std::string>(7),
                   r.get<std::string>(8), r.get<std::string>(9), r.get<std::string>(10)};
      level.push_back(AuditLog::leaf_hash(e));
      leaf_updates.emplace_back(e.seq, merkle::hex(level.back()));
    }
    for (auto& [seq, hex] : leaf_updates)
      *s << "UPDATE wb_audit_entries SET leaf_hash = :h WHERE seq = :s", soci::use(hex), soci::use(seq);
    *s << "DELETE FROM wb_audit_nodes";
    for (int l = 1; level.size() >= 2; ++l) {
      std::vector<merkle::Hash> up;
      for (std::size_t i = 0; i + 1 < level.size(); i += 2) {
        up.push_back(sm3.node(level[i], level[i + 1]));
        long long idx = static_cast<long long>(i / 2);
        std::string hex = merkle::hex(up.back());
        *s << "INSERT INTO wb_audit_nodes (level, idx, hash) VALUES (:l, :i, :h)", soci::use(l), soci::use(idx), soci::use(hex);
      }
      level = std::move(up);
    }
  }
  auto v = t.log->verify(&published);
  CHECK_FALSE(v.ok);
  CHECK(v.problem.find("signed at size 20 no longer matches") != std::string::npos);
  // A forged head (a new root signed by another key) does not pass either.
  auto other = SigningKey::load_or_create(dir / "keys" / "other.pem", dir / "master-key");
  t.sql("DELETE FROM wb_audit_tree_heads");
  REQUIRE(t.log->sign_head(other));
  auto forged = t.log->verify(&published);
  CHECK_FALSE(forged.ok);
  CHECK(forged.problem.find("does not carry a valid signature") != std::string::npos);
  fs::remove_all(dir);
}
