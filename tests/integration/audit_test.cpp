// The audit log through the running kernel: what it records by itself (state-changing
// requests, logins, logouts, denials) and through Context::audit(), who may read it, and
// proofs from its API checked with the RFC 9162 verifiers.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <soci/soci.h>

#include "audit/audit_log.hpp"
#include "audit/merkle.hpp"
#include "config/config.hpp"
#include "db/sql_database.hpp"
#include "support.hpp"
#include "util/digest.hpp"

using namespace wbtest;
namespace merkle = wangban::kernel::merkle;

namespace {

const char* kClerk = "d1000000-0000-4000-8000-000000000002";          // demo staff "clerk"
const char* kServiceCentre = "d0000000-0000-4000-8000-000000000006";  // the clerk's unit

struct AuditKernel {
  PluginFolder folder{{"greeting", "probe"}};
  KernelProcess k{[this] {
    auto o = options(folder, {"greeting", "probe"});
    o.demo_data = true;
    return o;
  }()};
  std::string login(const std::string& user, const std::string& password = kDemoPassword) {
    return bearer_login(k, user, password);
  }
  httplib::Client as(const std::string& token) { return client_as(k, token); }
  json entries(const std::string& query) { return body_of(k.client(true).Get("/api/audit/entries?" + query))["entries"]; }
};

merkle::Hash unhex(const json& h) { return merkle::from_hex(h.get<std::string>()); }

}  // namespace

TEST_CASE("the kernel audits state-changing requests, logins, logouts and denials with who, where and which request") {
  AuditKernel t;
  auto clerk = t.as(t.login("clerk"));
  CHECK(t.login("clerk", "Wrong-pass-2026").empty());
  auto created = clerk.Post("/api/greeting/greetings", httplib::Headers{{"X-Request-Id", "audit-req-1"}}, R"({"name":"甲"})",
                            "application/json");
  REQUIRE(created);
  REQUIRE(created->status == 201);
  auto denied = clerk.Get("/api/admin/plugins", httplib::Headers{{"X-Request-Id", "audit-req-2"}});
  REQUIRE(denied);
  REQUIRE(denied->status == 403);
  auto personal = t.k.client().Get("/api/probe/people/P-42", httplib::Headers{{"X-Request-Id", "audit-req-3"}});
  REQUIRE(personal);
  REQUIRE(clerk.Post("/api/auth/logout", "{}", "application/json")->status == 204);

  auto change = t.entries("request_id=&actor=" + std::string(kClerk) + "&action=POST%20/api/greeting/greetings");
  REQUIRE(change.size() == 1);
  CHECK(change[0]["actor_kind"] == "staff");
  CHECK(change[0]["org_unit"] == kServiceCentre);
  CHECK(change[0]["object_type"] == "greeting");
  CHECK(change[0]["object_id"] == "/api/greeting/greetings");
  CHECK(change[0]["outcome"] == "ok");
  CHECK(change[0]["request_id"] == "audit-req-1");
  CHECK(change[0]["client_ip"] == "127.0.0.1");

  auto denial = t.entries("action=GET%20/api/admin/plugins");
  REQUIRE(denial.size() == 1);
  CHECK(denial[0]["outcome"] == "denied");
  CHECK(denial[0]["actor"] == kClerk);

  auto logins = t.entries("action=auth.login&object_id=password:clerk");
  REQUIRE(logins.size() == 2);  // newest first
  CHECK(logins[0]["outcome"] == "denied");
  CHECK(logins[1]["outcome"] == "ok");
  CHECK(logins[1]["actor"] == kClerk);
  CHECK(t.entries("action=auth.logout").size() == 1);

  auto read = t.entries("action=person.read");  // recorded by the plugin through Context::audit()
  REQUIRE(read.size() == 1);
  CHECK(read[0]["object_id"] == "P-42");
  CHECK(read[0]["request_id"] == "audit-req-3");
  CHECK(read[0]["actor_kind"] == "anonymous");
}

TEST_CASE("only auditors (audit.read) read the audit log") {
  AuditKernel t;
  auto auditor = t.as(t.login("auditor"));
  auto ok = auditor.Get("/api/audit/entries");
  REQUIRE(ok);
  CHECK(ok->status == 200);
  auto clerk = t.as(t.login("clerk"));
  auto no = clerk.Get("/api/audit/entries");
  REQUIRE(no);
  CHECK(no->status == 403);
  CHECK(t.k.client().Get("/api/audit/head")->status == 401);
}

TEST_CASE("inclusion and consistency proofs from the API verify against the tree heads") {
  AuditKernel t;
  auto admin = t.k.client(true);
  for (int i = 0; i < 12; ++i)
    REQUIRE(admin.Post("/api/greeting/greetings", json{{"name", "名" + std::to_string(i)}}.dump(), "application/json")->status == 201);
  auto first = body_of(admin.Get("/api/audit/head"));
  for (int i = 0; i < 5; ++i)
    REQUIRE(admin.Post("/api/greeting/greetings", json{{"name", "后" + std::to_string(i)}}.dump(), "application/json")->status == 201);
  auto second = body_of(admin.Get("/api/audit/head"));
  std::uint64_t m = first["size"], n = second["size"];
  REQUIRE(m > 0);
  REQUIRE(n > m);
  merkle::Hasher sm3("SM3");
  auto consistency = body_of(admin.Get("/api/audit/proofs/consistency?first=" + std::to_string(m) + "&second=" + std::to_string(n)));
  std::vector<merkle::Hash> proof;
  for (auto& h : consistency["proof"]) proof.push_back(unhex(h));
  CHECK(merkle::verify_consistency(sm3, m, n, unhex(first["root"]), unhex(second["root"]), proof));

  auto entry = t.entries("limit=1&before=" + std::to_string(m))[0];  // the newest entry of the first head
  std::uint64_t seq = entry["seq"];
  auto inclusion = body_of(admin.Get("/api/audit/proofs/inclusion?seq=" + std::to_string(seq) + "&size=" + std::to_string(n)));
  std::vector<merkle::Hash> path;
  for (auto& h : inclusion["path"]) path.push_back(unhex(h));
  CHECK(merkle::verify_inclusion(sm3, seq, n, unhex(entry["leaf_hash"]), path, unhex(second["root"])));
  CHECK_FALSE(merkle::verify_inclusion(sm3, seq, n, sm3.leaf("forged"), path, unhex(second["root"])));

  auto bad = admin.Get("/api/audit/proofs/inclusion?seq=999999&size=1");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  // The offline verifier agrees.
  CHECK(t.k.terminate() == 0);
  auto [out, status] = run_command(KernelOptions{}.wangban.string() + " audit verify --config " + t.k.config_path().string() +
                                   " 2>/dev/null");
  CHECK(status == 0);
  CHECK(out.find("audit log verified") != std::string::npos);
}

TEST_CASE("auditors export the filtered log as CSV, and the export is itself audited") {
  AuditKernel t;
  t.login("clerk");
  t.login("clerk", "Wrong-password-1");
  auto auditor = t.as(t.login("auditor"));
  auto csv = auditor.Get("/api/audit/export?action=auth.login");
  REQUIRE(csv);
  REQUIRE(csv->status == 200);
  CHECK(csv->get_header_value("Content-Type").starts_with("text/csv"));
  CHECK(csv->get_header_value("Content-Disposition").find("attachment") != std::string::npos);
  REQUIRE(csv->body.starts_with("\xEF\xBB\xBF" "seq,at,actor,actor_kind,org_unit,action,object_type,object_id,outcome"));
  CHECK(count_lines_with(csv->body, ",auth.login,") == 3);  // two clerk logins and the auditor's
  CHECK(count_lines_with(csv->body, ",denied,") == 1);
  CHECK(csv->body.find("audit.export") == std::string::npos);  // the filter held
  auto exported = t.entries("action=audit.export");
  REQUIRE(exported.size() == 1);
  CHECK(exported[0]["object_id"] == "3 entries");
  CHECK(t.as(t.login("clerk")).Get("/api/audit/export")->status == 403);
}

TEST_CASE("a signed tree head verifies with the kernel's published public key") {
  AuditKernel t;
  auto auditor = t.as(t.login("auditor"));
  t.login("clerk");
  auto published = body_of(t.k.client().Get("/api/audit/public-key"));  // public: anyone may check
  std::string pem = published["public_key_pem"];
  REQUIRE(pem.find("BEGIN PUBLIC KEY") != std::string::npos);
  CHECK(t.as(t.login("clerk")).Post("/api/audit/tree-heads", "", "application/json")->status == 403);
  // Auditors only read (the issue: read-only access, nothing else); administrators sign on demand.
  CHECK(auditor.Post("/api/audit/tree-heads", "", "application/json")->status == 403);
  auto signed_now = t.k.client(true).Post("/api/audit/tree-heads", "", "application/json");
  REQUIRE(signed_now);
  INFO(signed_now->body);
  REQUIRE(signed_now->status == 201);
  auto head = json::parse(signed_now->body);
  CHECK(head["key_id"] == published["key_id"]);
  CHECK(body_of(auditor.Get("/api/audit/tree-heads"))["tree_heads"][0]["signature"] == head["signature"]);

  // Verify with OpenSSL alone: SM2/SM3 over the 50-byte RFC 6962 TreeHeadSignature layout.
  std::string input;
  input += '\0';
  input += '\1';
  auto be64 = [&](std::uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8) input += static_cast<char>((v >> shift) & 0xFF);
  };
  be64(head["timestamp_ms"].get<std::uint64_t>());
  be64(head["size"].get<std::uint64_t>());
  auto root = merkle::from_hex(head["root"].get<std::string>());
  input.append(reinterpret_cast<const char*>(root.data()), root.size());
  auto signature = *wangban::kernel::base64_decode(head["signature"].get<std::string>());
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  REQUIRE(key);
  auto verifies = [&](const std::string& data) {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pctx = nullptr;
    bool ok = EVP_DigestVerifyInit_ex(md, &pctx, "SM3", nullptr, nullptr, key, nullptr) == 1 &&
              EVP_PKEY_CTX_set1_id(pctx, "1234567812345678", 16) == 1 &&
              EVP_DigestVerify(md, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                               reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
    EVP_MD_CTX_free(md);
    return ok;
  };
  CHECK(verifies(input));
  std::string other_size = input;
  other_size[17] ^= 1;  // a different tree size
  CHECK_FALSE(verifies(other_size));
  EVP_PKEY_free(key);
  // The signed root is the root the log reports for that size.
  auto proof = body_of(auditor.Get("/api/audit/proofs/consistency?first=" + std::to_string(head["size"].get<int>()) +
                                   "&second=" + std::to_string(head["size"].get<int>())));
  CHECK(proof["first_root"] == head["root"]);
}

TEST_CASE("rows altered, deleted or reordered in the database are named by `wangban audit verify`") {
  AuditKernel t;
  for (int i = 0; i < 4; ++i) t.login("clerk");
  REQUIRE(t.k.client(true).Post("/api/audit/tree-heads", "", "application/json")->status == 201);
  for (int i = 0; i < 4; ++i) t.login("clerk");  // entries after the signed head too
  REQUIRE(t.k.terminate() == 0);

  // The test reaches into the kernel's database (SQLite or PostgreSQL) as an intruder would.
  auto config = wangban::kernel::KernelConfig::load(t.k.config_path(), {});
  wangban::kernel::SqlDatabase db(config.database);
  auto sql = [&](const std::string& statement) {
    auto s = db.session();
    *s << statement;
  };
  auto verify = [&] {
    return run_command(KernelOptions{}.wangban.string() + " audit verify --config " + t.k.config_path().string() + " 2>&1");
  };
  auto [clean, clean_status] = verify();
  INFO(clean);
  REQUIRE(clean_status == 0);
  CHECK(clean.find("signatures checked") != std::string::npos);
  long long size = 0;
  {
    auto s = db.session();
    *s << "SELECT COUNT(*) FROM wb_audit_entries", soci::into(size);
  }
  REQUIRE(size >= 9);

  // Altered: the action of entry 2 (a login).
  sql("UPDATE wb_audit_entries SET action = 'auth.logout' WHERE seq = 2");
  auto [altered, altered_status] = verify();
  CHECK(altered_status == 1);
  CHECK(altered.find("AUDIT LOG DAMAGED at entry 2: entry 2 was altered") != std::string::npos);
  sql("UPDATE wb_audit_entries SET action = 'auth.login' WHERE seq = 2");
  auto [restored, restored_status] = verify();
  INFO(restored);
  CHECK(restored_status == 0);

  // Removed: entry 5 (kept aside and put back).
  json row;
  {
    auto s = db.session();
    soci::row r;
    *s << "SELECT at, actor, actor_kind, org_unit, action, object_type, object_id, outcome, client_ip, request_id, leaf_hash"
          " FROM wb_audit_entries WHERE seq = 5", soci::into(r);
    for (std::size_t i = 0; i < 11; ++i) row.push_back(r.get<std::string>(i));
  }
  sql("DELETE FROM wb_audit_entries WHERE seq = 5");
  auto [removed, removed_status] = verify();
  CHECK(removed_status == 1);
  CHECK(removed.find("AUDIT LOG DAMAGED at entry 5: entry 5 is missing (removed)") != std::string::npos);
  {
    auto s = db.session();
    std::vector<std::string> v = row.get<std::vector<std::string>>();
    *s << "INSERT INTO wb_audit_entries (seq, at, actor, actor_kind, org_unit, action, object_type, object_id, outcome,"
          " client_ip, request_id, leaf_hash) VALUES (5, :a, :b, :c, :d, :e, :f, :g, :h, :i, :j, :k)",
        soci::use(v[0]), soci::use(v[1]), soci::use(v[2]), soci::use(v[3]), soci::use(v[4]), soci::use(v[5]),
        soci::use(v[6]), soci::use(v[7]), soci::use(v[8]), soci::use(v[9]), soci::use(v[10]);
  }
  CHECK(verify().second == 0);

  // Reordered: entries 1 and 7 trade places (sequence numbers swapped through a free one).
  sql("UPDATE wb_audit_entries SET seq = 1000000 WHERE seq = 1");
  sql("UPDATE wb_audit_entries SET seq = 1 WHERE seq = 7");
  sql("UPDATE wb_audit_entries SET seq = 7 WHERE seq = 1000000");
  auto [reordered, reordered_status] = verify();
  CHECK(reordered_status == 1);
  CHECK(reordered.find("AUDIT LOG DAMAGED at entry 1: entry 1 was altered") != std::string::npos);
}
