// Identity and audit micro-benchmarks, each beside a plain reference measured in the same run:
// Argon2id password verification (what one password login costs), SHA-256 of a session
// token (plain hashing), the permission check of the middleware, and the whole caller
// resolution (session lookup in SQLite + grants) that a request with a cookie pays.
#include <chrono>
#include <cstdio>
#include <filesystem>

#include <soci/soci.h>

#include "config/config.hpp"
#include "db/migrator.hpp"
#include "db/sql_database.hpp"
#include "http/http_message.hpp"
#include "audit/audit_log.hpp"
#include "identity/certificate_verifier.hpp"
#include "identity/identity_service.hpp"
#include "identity/password.hpp"
#include "util/digest.hpp"
#include "util/logging.hpp"
#include "../integration/test_pki.hpp"
#include <fstream>

using namespace wangban::kernel;
using Clock = std::chrono::steady_clock;

template <class F>
double per_second(int n, F&& f) {
  auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) f(i);
  return n / std::chrono::duration<double>(Clock::now() - t0).count();
}

int main() {
  setup_logging("error", "text");
  IdentityConfig config;
  Argon2Params params{static_cast<std::uint32_t>(config.argon2_time_cost), static_cast<std::uint32_t>(config.argon2_memory_kib),
                      static_cast<std::uint32_t>(config.argon2_parallelism)};
  auto hash = hash_password("Wangban-Demo-2026", params);
  double argon = per_second(10, [&](int) { verify_password(hash, "Wangban-Demo-2026"); });
  std::string token = random_hex(32);
  volatile std::size_t sink = 0;
  double sha = per_second(200000, [&](int) { sink = sink + sha256_hex(token).size(); });

  wangban::Principal p;
  p.kind = wangban::Principal::Kind::staff;
  for (int i = 0; i < 10; ++i) p.grants.push_back({"plugin" + std::to_string(i) + ".case.accept", "org", "/a/b/"});
  std::string wanted = "plugin9.case.accept";
  int hits = 0;
  double checks = per_second(2000000, [&](int) { hits += p.has(wanted); });

  // Certificate login's checks: chain to the anchor, CRL, key usage, SM2 signature over a nonce.
  auto pki_dir = std::filesystem::temp_directory_path() / ("wangban-pki-bench-" + random_hex(4));
  std::filesystem::create_directories(pki_dir);
  auto root_key = testpki::sm2_key();
  auto root = testpki::issue({"Bench Root", "", -1, 3650, true, "", 1}, root_key.get(), root_key.get(), nullptr);
  auto leaf_key = testpki::sm2_key();
  auto leaf = testpki::issue({"张三", "11010519491231002X", -1, 365, false, "digitalSignature", 2}, leaf_key.get(),
                             root_key.get(), root.get());
  std::ofstream(pki_dir / "root.pem") << testpki::pem(root.get());
  std::ofstream(pki_dir / "crl.pem") << testpki::crl_pem(root.get(), root_key.get(), {});
  CertificateVerifier verifier({pki_dir / "root.pem"}, {pki_dir / "crl.pem"});
  std::vector<std::string> chain = {testpki::pem(leaf.get())};
  std::string nonce = random_hex(32), signature = testpki::sign(leaf_key.get(), nonce);
  double cert_checks = per_second(300, [&](int) { hits += !verifier.verify(chain, nonce, signature).fingerprint.empty(); });
  double sm2_signs = per_second(300, [&](int) { hits += !testpki::sign(leaf_key.get(), nonce).empty(); });
  std::filesystem::remove_all(pki_dir);

  // Whole resolution on a real SQLite database with one staff session.
  auto dir = std::filesystem::temp_directory_path() / ("wangban-identity-bench-" + random_hex(4));
  DatabaseConfig dbc;
  dbc.sqlite_path = dir / "bench.db";
  dbc.pool_size = 2;
  double resolves = 0, audit_appends = 0, plain_inserts = 0, proof_us = 0;
  {
    SqlDatabase db(dbc);
    Migrator m(db);
    m.prepare();
    m.apply("kernel", kernel_migrations());
    config.argon2_memory_kib = 1024;
    config.argon2_time_cost = 1;
    IdentityService identity(db, config, random_hex(32), named_logger("bench"));
    auto unit = identity.create_org_unit(std::nullopt, "province", "浙江省", "330000");
    auto account = identity.create_staff("clerk", "张三", "Zheng-wu-2026", unit);
    identity.define_role("clerk", "受理人员", {"a.b", "c.d", "greeting.write"});
    identity.assign(account, "clerk", unit);
    auto login = identity.password_login("clerk", "Zheng-wu-2026", "127.0.0.1", "bench");
    HttpRequest req;
    req.headers.emplace_back("authorization", "Bearer " + login.token);
    resolves = per_second(20000, [&](int) { hits += identity.resolve(req).principal.has("greeting.write"); });

    // Audit appends beside a plain insert of a row of the same shape, both one transaction each.
    AuditLog audit(db);
    audit_appends = per_second(3000, [&](int i) {
      audit.append({-1, "", "user", "staff", "org", "POST /api/x", "x", "/api/x/" + std::to_string(i), "ok", "127.0.0.1", "r"});
    });
    {
      auto s = db.session();
      *s << "CREATE TABLE plain_rows (seq BIGINT PRIMARY KEY, at TEXT, actor TEXT, actor_kind TEXT, org_unit TEXT, action TEXT,"
            " object_type TEXT, object_id TEXT, outcome TEXT, client_ip TEXT, request_id TEXT, leaf_hash TEXT)";
    }
    plain_inserts = per_second(3000, [&](int i) {
      auto s = db.session();
      soci::transaction tx(*s);
      long long seq = i;
      std::string id = "/api/x/" + std::to_string(i), now = utc_now_iso();
      *s << "INSERT INTO plain_rows VALUES (:s, :t, 'user', 'staff', 'org', 'POST /api/x', 'x', :o, 'ok', '127.0.0.1', 'r', '')",
          soci::use(seq), soci::use(now), soci::use(id);
      tx.commit();
    });
    auto t0 = Clock::now();
    for (int i = 0; i < 200; ++i) audit.inclusion_proof(static_cast<std::uint64_t>(i * 13), 3000);
    proof_us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count() / 200;
  }
  std::filesystem::remove_all(dir);

  std::printf("\nIdentity (one thread, same run)\n");
  std::printf("  password login: Argon2id verify (t=%u, m=%u KiB, p=%u)  %10.1f /s  (%.1f ms each)\n", params.time_cost,
              params.memory_kib, params.parallelism, argon, 1000.0 / argon);
  std::printf("  certificate login checks (SM2 chain + CRL + nonce signature) %7.0f /s  (%.2f ms each)\n", cert_checks,
              1000.0 / cert_checks);
  std::printf("  reference: SM2 signature with SM3 (signing side)     %10.0f /s\n", sm2_signs);
  std::printf("  reference: SHA-256 of a 32-byte token               %10.0f /s  (%.2f us each)\n", sha, 1e6 / sha);
  std::printf("  permission check (10 grants)                         %10.0f /s  (%.3f us each; target < 5 us)\n", checks,
              1e6 / checks);
  std::printf("  caller resolution from a bearer session (SQLite)     %10.0f /s  (%.1f us each)\n", resolves, 1e6 / resolves);
  std::printf("\nAudit log (SQLite, one thread, same run)\n");
  std::printf("  audit append (entry + SM3 leaf + closed subtrees)    %10.0f /s\n", audit_appends);
  std::printf("  reference: plain insert of the same row              %10.0f /s  (append costs %.0f%% more)\n",
              plain_inserts, 100.0 * (plain_inserts / audit_appends - 1));
  std::printf("  inclusion proof at 3,000 entries                     %10.1f us each\n", proof_us);
  return hits > 0 ? 0 : 1;
}
