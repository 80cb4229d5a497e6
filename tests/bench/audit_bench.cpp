// Audit log benchmarks (issue #4), each beside a reference measured in the same run:
//   audit_bench sqlite|postgresql
// - appends per second with 1 and 4 writer threads (one kernel's AuditLog), beside a plain
//   insert of a row of the same shape in its own transaction;
// - the audit's share of a typical state-changing request's database work (a session lookup,
//   a business row and its outbox event in one transaction), which the router pays plus one
//   append; target: under 10 %;
// - SQLite only: a log of 1,000,000 entries (built in bulk with the rows appends would write),
//   inclusion and consistency proof times there (target: under 5 ms) and full verification rate.
// PostgreSQL comes from WANGBAN_TEST_PG_* (scripts/bench starts a throwaway server).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>
#include <vector>

#include <soci/soci.h>

#include "audit/audit_log.hpp"
#include "audit/merkle.hpp"
#include "config/config.hpp"
#include "db/migrator.hpp"
#include "db/sql_database.hpp"
#include "events/event_bus.hpp"
#include "util/digest.hpp"
#include "util/logging.hpp"

using namespace wangban::kernel;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Runs `per_thread` calls of f(thread, i) on `threads` threads; returns calls per second.
template <class F>
double rate(int threads, int per_thread, F&& f) {
  std::vector<std::thread> pool;
  auto t0 = Clock::now();
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) f(t, i);
    });
  for (auto& th : pool) th.join();
  return threads * per_thread / seconds_since(t0);
}

AuditEntry entry(long long i) {
  return {-1, "", "d1000000-0000-4000-8000-000000000002", "staff", "d0000000-0000-4000-8000-000000000006",
          "POST /api/casebook/cases/{id}/accept", "casebook", "/api/casebook/cases/case-" + std::to_string(i), "ok",
          "127.0.0.1", random_hex(8)};
}

// Writes `n` entries and their subtree nodes as appends would, in large transactions.
void bulk_build(SqlDatabase& db, long long n) {
  merkle::Hasher sm3("SM3");
  auto s = db.session();
  std::vector<merkle::Hash> edge(64);
  long long seq = 0, idx = 0;
  int level = 0;
  AuditEntry e;
  std::string leaf_hex, node_hex;
  soci::statement insert_entry = (s->prepare << "INSERT INTO wb_audit_entries (seq, at, actor, actor_kind, org_unit, action,"
                                                " object_type, object_id, outcome, client_ip, request_id, leaf_hash)"
                                                " VALUES (:s, :at, :a, :k, :o, :ac, :ot, :oi, :out, :ip, :rid, :h)",
                                  soci::use(seq), soci::use(e.at), soci::use(e.actor), soci::use(e.actor_kind),
                                  soci::use(e.org_unit), soci::use(e.action), soci::use(e.object_type),
                                  soci::use(e.object_id), soci::use(e.outcome), soci::use(e.client_ip),
                                  soci::use(e.request_id), soci::use(leaf_hex));
  soci::statement insert_node = (s->prepare << "INSERT INTO wb_audit_nodes (level, idx, hash) VALUES (:l, :i, :h)",
                                 soci::use(level), soci::use(idx), soci::use(node_hex));
  for (long long start = 0; start < n; start += 20000) {
    soci::transaction tx(*s);
    for (seq = start; seq < std::min(n, start + 20000); ++seq) {
      e = entry(seq);
      e.seq = seq;
      e.at = utc_now_iso();
      auto h = AuditLog::leaf_hash(e);
      leaf_hex = merkle::hex(h);
      insert_entry.execute(true);
      unsigned l = 0;
      for (auto i = static_cast<std::uint64_t>(seq); i & 1; i >>= 1) {
        h = sm3.node(edge[l], h);
        ++l;
        level = static_cast<int>(l);
        idx = static_cast<long long>(i >> 1);
        node_hex = merkle::hex(h);
        insert_node.execute(true);
      }
      edge[l] = h;
    }
    tx.commit();
  }
  *s << "UPDATE wb_audit_state SET size = :n WHERE id = 1", soci::use(n);
}

}  // namespace

int main(int argc, char** argv) {
  setup_logging("error", "text");
  std::string driver = argc > 1 ? argv[1] : "sqlite";
  fs::path dir = fs::temp_directory_path() / ("wangban-audit-bench-" + random_hex(4));
  DatabaseConfig dbc;
  dbc.driver = driver;
  dbc.sqlite_path = dir / "bench.db";
  dbc.pool_size = 8;
  if (driver == "postgresql") {
    auto env = [](const char* name, const char* fallback) {
      const char* v = std::getenv(name);
      return std::string(v && *v ? v : fallback);
    };
    dbc.host = env("WANGBAN_TEST_PG_HOST", "127.0.0.1");
    dbc.port = std::stoi(env("WANGBAN_TEST_PG_PORT", "5432"));
    dbc.user = env("WANGBAN_TEST_PG_USER", "wangban");
    dbc.password = env("WANGBAN_TEST_PG_PASSWORD", "");
    dbc.name = env("WANGBAN_BENCH_PG_DB", "wangban_bench");
  }
  {
    SqlDatabase db(dbc);
    Migrator m(db);
    m.prepare();
    m.apply("kernel", kernel_migrations());
    {
      auto s = db.session();
      *s << "CREATE TABLE bench_rows (seq BIGINT PRIMARY KEY, at TEXT, actor TEXT, actor_kind TEXT, org_unit TEXT,"
            " action TEXT, object_type TEXT, object_id TEXT, outcome TEXT, client_ip TEXT, request_id TEXT, leaf_hash TEXT)";
      *s << "CREATE TABLE bench_cases (id VARCHAR(40) PRIMARY KEY, owner VARCHAR(36), title TEXT, state VARCHAR(20))";
      *s << "INSERT INTO wb_org_units (id, parent_id, level, name, division_code, path, created_at)"
            " VALUES ('o', NULL, 'province', 'p', '330000', '/o/', 'now')";
      *s << "INSERT INTO wb_accounts (id, kind, username, display_name, password_hash, org_unit_id, disabled, created_at)"
            " VALUES ('a', 'staff', 'u', 'U', NULL, 'o', 0, 'now')";
      *s << "INSERT INTO wb_sessions (id, token_hash, account_id, csrf_token, created_ms, last_seen_ms, expires_ms,"
            " client_ip, user_agent, revoked, acting_for) VALUES ('s', 'h', 'a', 'c', 0, 0, 9999999999999, '', '', 0, NULL)";
    }
    AuditLog audit(db);
    EventsConfig ec;
    ec.dispatch = false;
    EventBus events(db, ec, named_logger("bench"));
    std::atomic<long long> next_row{0};

    int n1 = driver == "sqlite" ? 3000 : 1500;
    double append1 = rate(1, n1, [&](int, int i) { audit.append(entry(i)); });
    double append4 = rate(4, n1 / 2, [&](int, int i) { audit.append(entry(i)); });
    auto plain = [&](int, int) {
      auto s = db.session();
      wangban::WriteTransaction tx(*s, db.dialect());
      long long seq = next_row++;
      std::string id = "/api/x/" + std::to_string(seq), now = utc_now_iso();
      *s << "INSERT INTO bench_rows VALUES (:s, :t, 'user', 'staff', 'org', 'POST /api/x', 'x', :o, 'ok', '127.0.0.1', 'r', '')",
          soci::use(seq), soci::use(now), soci::use(id);
      tx.commit();
    };
    double plain1 = rate(1, n1, plain);
    double plain4 = rate(4, n1 / 2, plain);
    // A typical state-changing request's own database work, as a plugin does it.
    auto typical = [&](int, int) {
      auto s = db.session();
      std::string account, hash = "h";
      long long expires = 0;
      *s << "SELECT account_id, expires_ms FROM wb_sessions WHERE token_hash = :h", soci::use(hash), soci::into(account),
          soci::into(expires);
      wangban::WriteTransaction tx(*s, db.dialect());
      std::string id = "case-" + std::to_string(next_row++);
      *s << "INSERT INTO bench_cases (id, owner, title, state) VALUES (:i, :o, '个体工商户登记', 'submitted')", soci::use(id),
          soci::use(account);
      events.publish(*s, "bench", "case.submitted", nlohmann::json{{"id", id}});
      tx.commit();
    };
    double typical1 = rate(1, n1, typical);
    double typical4 = rate(4, n1 / 2, typical);

    std::printf("\nAudit log on %s (%u cores, same run)\n", db.description().c_str(), std::thread::hardware_concurrency());
    std::printf("  audit append, 1 writer                          %9.0f /s  (%.0f us each)\n", append1, 1e6 / append1);
    std::printf("  audit append, 4 writer threads                  %9.0f /s\n", append4);
    std::printf("  reference: plain insert of the same row, 1 / 4  %9.0f /s  %9.0f /s\n", plain1, plain4);
    std::printf("  typical change (session read + row + outbox event), 1 / 4 %6.0f /s  %9.0f /s\n", typical1, typical4);
    double share1 = (1 / append1) / (1 / typical1 + 1 / append1), share4 = (1 / append4) / (1 / typical4 + 1 / append4);
    std::printf("  audit's share of a typical change's database work: %.0f %% (1 writer), %.0f %% (4); target < 10 %%\n",
                100 * share1, 100 * share4);
  }
  if (driver == "sqlite") {
    fs::remove_all(dir);
    dbc.sqlite_path = dir / "million.db";
    SqlDatabase db(dbc);
    Migrator m(db);
    m.prepare();
    m.apply("kernel", kernel_migrations());
    const long long n = 1000000;
    auto t0 = Clock::now();
    bulk_build(db, n);
    double built = seconds_since(t0);
    AuditLog audit(db);
    std::mt19937_64 rng(42);
    t0 = Clock::now();
    auto head = audit.head();
    double head_ms = seconds_since(t0) * 1e3;
    merkle::Hasher sm3("SM3");
    int proofs = 1000, ok = 0;
    t0 = Clock::now();
    for (int i = 0; i < proofs; ++i) {
      auto seq = rng() % n;
      auto path = audit.inclusion_proof(seq, n);
      ok += !path.empty();
    }
    double inclusion_ms = seconds_since(t0) * 1e3 / proofs;
    t0 = Clock::now();
    for (int i = 0; i < proofs; ++i) {
      auto old_size = 1 + rng() % (n - 1);
      ok += !audit.consistency_proof(old_size, n).empty();
    }
    double consistency_ms = seconds_since(t0) * 1e3 / proofs;
    t0 = Clock::now();
    auto v = audit.verify();
    double verify_s = seconds_since(t0);
    // Reference: SM3 of as many leaf-sized inputs as the log has leaves, plus its interior nodes.
    t0 = Clock::now();
    merkle::Hash h{};
    for (long long i = 0; i < n; ++i) h = sm3.leaf(merkle::hex(h) + merkle::hex(h) + merkle::hex(h));
    for (long long i = 0; i < n; ++i) h = sm3.node(h, h);
    double hashing_s = seconds_since(t0);
    std::printf("\nAudit log of 1,000,000 entries (SQLite, one thread)\n");
    std::printf("  built in bulk in %.1f s; head (size %llu) in %.2f ms\n", built, static_cast<unsigned long long>(head.size),
                head_ms);
    std::printf("  inclusion proof                                  %8.3f ms each (target < 5 ms)\n", inclusion_ms);
    std::printf("  consistency proof                                %8.3f ms each\n", consistency_ms);
    std::printf("  full verification: %s, %.1f s, %.0f entries/s\n", v.ok ? "ok" : v.problem.c_str(), verify_s,
                n / verify_s);
    std::printf("  reference: the same SM3 hashing alone (2M hashes) %.1f s, %.0f entries/s\n", hashing_s, n / hashing_s);
    if (ok != 2 * proofs || !v.ok) return 1;
  }
  fs::remove_all(dir);
  return 0;
}
