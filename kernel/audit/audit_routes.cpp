// Audit routes: head, entries (filters: actor, action, object type and id, time range), CSV export, proofs.
#include "audit/audit_routes.hpp"

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "audit/audit_log.hpp"
#include "audit/kernel_audit.hpp"
#include "db/sql_database.hpp"
#include "http/router.hpp"
#include "trust/signing_key.hpp"
#include "util/digest.hpp"

namespace wangban::kernel {
namespace {

using json = nlohmann::json;

std::uint64_t number(const Request& req, const char* name) {
  auto v = req.query(name);
  try {
    if (v && !v->empty() && v->find_first_not_of("0123456789") == std::string::npos) return std::stoull(*v);
  } catch (const std::exception&) {
  }
  throw Problem::bad_request("audit.bad_parameter", std::string("参数 ") + name + " 必须是非负整数");
}

json hashes(const std::vector<merkle::Hash>& v) {
  json out = json::array();
  for (auto& h : v) out.push_back(merkle::hex(h));
  return out;
}

constexpr long long kExportLimit = 100000;
constexpr const char* kColumns[] = {"seq", "at", "actor", "actor_kind", "org_unit", "action", "object_type",
                                    "object_id", "outcome", "client_ip", "request_id", "leaf_hash"};

// Entries matching the request's filters (actor, action, object_type, object_id, from, to,
// before), newest first.
json query_entries(Database& db, const Request& req, long long limit) {
  std::string f[6];
  const char* names[6] = {"actor", "action", "object_type", "object_id", "from", "to"};
  for (int i = 0; i < 6; ++i) f[i] = req.query(names[i]).value_or("");
  long long before = req.query("before") ? static_cast<long long>(number(req, "before")) : (1LL << 62);
  auto s = db.session();
  soci::row row;
  soci::statement st = (s->prepare << "SELECT seq, at, actor, actor_kind, org_unit, action, object_type, object_id,"
                                      " outcome, client_ip, request_id, leaf_hash FROM wb_audit_entries"
                                      " WHERE (:a1 = '' OR actor = :a2) AND (:b1 = '' OR action = :b2)"
                                      " AND (:c1 = '' OR object_type = :c2) AND (:d1 = '' OR object_id = :d2)"
                                      " AND (:e1 = '' OR at >= :e2) AND (:g1 = '' OR at <= :g2) AND seq < :before"
                                      " ORDER BY seq DESC LIMIT :limit",
                        soci::use(f[0], "a1"), soci::use(f[0], "a2"), soci::use(f[1], "b1"), soci::use(f[1], "b2"),
                        soci::use(f[2], "c1"), soci::use(f[2], "c2"), soci::use(f[3], "d1"), soci::use(f[3], "d2"),
                        soci::use(f[4], "e1"), soci::use(f[4], "e2"), soci::use(f[5], "g1"), soci::use(f[5], "g2"),
                        soci::use(before, "before"), soci::use(limit, "limit"), soci::into(row));
  json out = json::array();
  if (st.execute(true)) {
    do {
      json e = {{"seq", row_integer(row, 0)}};
      for (std::size_t i = 1; i < std::size(kColumns); ++i) e[kColumns[i]] = row.get<std::string>(i);
      out.push_back(std::move(e));
    } while (st.fetch());
  }
  return out;
}

// RFC 4180 CSV with a UTF-8 BOM (so spreadsheet programs read the Chinese text). A cell that
// starts with = + - @ is prefixed with ' so that no spreadsheet runs it as a formula.
std::string to_csv(const json& entries) {
  std::string out = "\xEF\xBB\xBF";
  auto cell = [&out](const std::string& v) {
    std::string text = (!v.empty() && std::string("=+-@").find(v[0]) != std::string::npos) ? "'" + v : v;
    if (text.find_first_of(",\"\r\n") == std::string::npos) {
      out += text;
      return;
    }
    out += '"';
    for (char c : text) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  };
  for (std::size_t i = 0; i < std::size(kColumns); ++i) out += (i ? "," : "") + std::string(kColumns[i]);
  out += "\r\n";
  for (auto& e : entries) {
    for (std::size_t i = 0; i < std::size(kColumns); ++i) {
      if (i) out += ',';
      const auto& v = e[kColumns[i]];
      cell(v.is_string() ? v.get<std::string>() : v.dump());
    }
    out += "\r\n";
  }
  return out;
}

json head_json(const SignedTreeHead& h) {
  return {{"size", h.size}, {"root", merkle::hex(h.root)}, {"timestamp_ms", h.timestamp_ms}, {"key_id", h.key_id},
          {"signature", base64_encode(h.signature)}, {"algorithm", "SM2-SM3"}};
}

}  // namespace

void register_audit_routes(Router& router, AuditLog& log, KernelAudit& audit, Database& db, const SigningKey& key) {
  auto add = [&](std::string path, std::string summary, Handler h) {
    router.add("kernel", nullptr, Route{"GET", std::move(path), "audit.read", std::move(summary), "", "", std::move(h)});
  };
  add("/api/audit/head", "审计日志的当前树根 (the audit log's tree head: size and SM3 root)", [&log](const Request&) {
    auto h = log.head();
    return Response::json({{"size", h.size}, {"root", merkle::hex(h.root)}, {"hash", "SM3"}});
  });

  add("/api/audit/entries",
      "查询审计日志 (entries, newest first; filters actor, action, object_type, object_id, from, to; before, limit)",
      [&db](const Request& req) {
        long long limit = req.query("limit") ? static_cast<long long>(std::min<std::uint64_t>(number(req, "limit"), 1000)) : 100;
        return Response::json({{"entries", query_entries(db, req, limit)}});
      });

  add("/api/audit/export",
      "导出审计日志为 CSV（UTF-8，含 BOM；筛选条件同查询，最多 100000 条；导出本身也记入审计日志）",
      [&db, &audit](const Request& req) {
        auto rows = query_entries(db, req, kExportLimit);
        audit.record(req, "audit.export", "audit_log", std::to_string(rows.size()) + " entries");
        Response r;
        r.content_type = "text/csv; charset=utf-8";
        r.body = to_csv(rows);
        r.headers.emplace_back("content-disposition", "attachment; filename=\"audit-log.csv\"");
        return r;
      });

  add("/api/audit/tree-heads", "已签名的树根 (tree heads signed by the kernel, newest first; ?limit=)",
      [&log](const Request& req) {
        int limit = req.query("limit") ? static_cast<int>(std::min<std::uint64_t>(number(req, "limit"), 1000)) : 20;
        json out = json::array();
        for (auto& h : log.signed_heads(limit)) out.push_back(head_json(h));
        return Response::json({{"tree_heads", out}});
      });
  router.add("kernel", nullptr,
             Route{"POST", "/api/audit/tree-heads", "audit.sign", "立即签名当前树根 (sign the current tree head now)", "", "",
                   [&log, &key](const Request&) { return Response::json(head_json(*log.sign_head(key)), 201); }});
  router.add("kernel", nullptr,
             Route{"GET", "/api/audit/public-key", std::string(kPublic),
                   "内核签名公钥 (the kernel's SM2 public key that verifies tree heads; PEM)", "", "",
                   [&key](const Request&) {
                     return Response::json(
                         {{"algorithm", "SM2 with SM3, ID 1234567812345678, DER signature"}, {"key_id", key.key_id()},
                          {"public_key_pem", key.public_pem()},
                          {"signature_input",
                           "RFC 6962 TreeHeadSignature: 0x00 version, 0x01 tree_hash, timestamp_ms (uint64 BE), "
                           "tree_size (uint64 BE), root (32 bytes)"}});
                   }});

  add("/api/audit/proofs/inclusion", "某条审计记录的包含证明 (inclusion proof of entry ?seq= in the tree of ?size=)",
      [&log](const Request& req) {
        auto seq = number(req, "seq"), size = number(req, "size");
        auto head = log.head();
        if (size == 0 || size > head.size || seq >= size)
          throw Problem::bad_request("audit.bad_range", "需要 seq < size <= 当前日志长度");
        return Response::json({{"seq", seq}, {"size", size}, {"root", merkle::hex(log.head_at(size).root)},
                               {"path", hashes(log.inclusion_proof(seq, size))}});
      });

  add("/api/audit/proofs/consistency", "两个树根之间的一致性证明 (consistency proof from ?first= to ?second=)",
      [&log](const Request& req) {
        auto first = number(req, "first"), second = number(req, "second");
        if (first == 0 || first > second || second > log.head().size)
          throw Problem::bad_request("audit.bad_range", "需要 0 < first <= second <= 当前日志长度");
        return Response::json({{"first", first}, {"second", second}, {"first_root", merkle::hex(log.head_at(first).root)},
                               {"second_root", merkle::hex(log.head_at(second).root)},
                               {"proof", hashes(log.consistency_proof(first, second))}});
      });
}

}  // namespace wangban::kernel
