// Trust services through the running kernel (demo data, development CA): seals made, used with
// a time stamp and verified over HTTP, each failure named in the report; an applicant's CMS
// signature made in two steps with a key that never leaves the applicant (signed here by the
// openssl command line, as the browser would with its own library); third-party ECDSA and RSA
// CMS signatures from `openssl cms`; the RFC 3161 endpoint driven by `openssl ts`; the seal
// life cycle (suspend, resume, revoke) with its audit records.
#include <chrono>
#include <fstream>
#include <thread>

#include "support.hpp"
#include "util/digest.hpp"
#include "util/files.hpp"

using namespace wbtest;
using wangban::kernel::base64_decode;
using wangban::kernel::base64_encode;
using wangban::kernel::read_file;

namespace {

const char* kClerk = "d1000000-0000-4000-8000-000000000002";

struct TrustKernel {
  PluginFolder folder{{"greeting"}};
  KernelProcess k{[this] {
    auto o = options(folder, {"greeting"});
    o.demo_data = true;
    o.extra_toml = "[trust]\ndevelopment_ca = true\n";
    return o;
  }()};
  fs::path work = k.dir() / "work";
  TrustKernel() { fs::create_directories(work); }

  std::string login(const std::string& user) {
    auto token = bearer_login(k, user);
    REQUIRE(!token.empty());
    return token;
  }
  httplib::Client as(const std::string& token) { return client_as(k, token); }
  // POST with JSON as `who` (a bearer token, "admin" for the administrator token, "" for anonymous);
  // returns the status and the JSON body (null when it is not JSON).
  std::pair<int, json> post(const std::string& who, const std::string& path, const json& body) {
    auto c = who == "admin" ? k.client(true) : who.empty() ? k.client() : as(who);
    auto r = c.Post(path, body.dump(), "application/json");
    REQUIRE(r);
    INFO(path << " " << r->body);
    return {r->status, r->body.empty() || r->get_header_value("content-type").find("json") == std::string::npos ? json()
                                                                                                               : json::parse(r->body)};
  }
  json verify(const std::string& signature, const std::string& document) {
    auto [status, report] = post("", "/api/trust/verify",
                                 {{"signature_base64", base64_encode(signature)}, {"document_base64", base64_encode(document)}});
    REQUIRE(status == 200);
    return report;
  }
  std::string file(const std::string& name, const std::string& bytes) {
    auto p = work / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }
  std::string sh(const std::string& cmd) {
    auto [out, code] = run_command("cd " + work.string() + " && " + cmd + " 2>&1");
    INFO(cmd << "\n" << out);
    REQUIRE(code == 0);
    return out;
  }
};

std::optional<bool> check_of(const json& report, const std::string& name) {
  for (auto& c : report["checks"])
    if (c["name"] == name) return c["ok"].is_null() ? std::nullopt : std::optional<bool>(c["ok"].get<bool>());
  FAIL("no check " << name << " in " << report.dump());
  return std::nullopt;
}

std::string seal_of(TrustKernel& t, const std::string& kind, const std::string& owner = {}) {
  auto list = body_of(t.k.client(true).Get("/api/admin/seals?kind=" + kind));
  for (auto& s : list["items"])
    if (owner.empty() || (s["owner"].is_object() && s["owner"]["account_id"] == owner)) return s["id"];
  FAIL("no " << kind << " seal");
  return {};
}

}  // namespace

TEST_CASE("a staff member's name seal signs a document with a trusted time, and the report names every check") {
  TrustKernel t;
  auto list = body_of(t.k.client(true).Get("/api/admin/seals"));
  REQUIRE(list["items"].size() == 3);  // the demo: the service centre's business seal, 张三's and 李四's name seals
  std::string seal = seal_of(t, "personal_name", kClerk);
  std::string clerk = t.login("clerk"), approver = t.login("approver");
  std::string document = "受理通知书：个体工商户设立登记，受理编号 330106-2026-000123\n";

  auto [status, sealed] = t.post(clerk, "/api/seals/" + seal + "/sign",
                                 {{"document_base64", base64_encode(document)}, {"file_name", "受理通知书.pdf"}});
  REQUIRE(status == 200);
  CHECK(sealed["time_stamp"]["ok"] == true);
  std::string signature = *base64_decode(sealed["signature_base64"].get<std::string>());
  // The DER read by openssl: the seal header, the property info, the SM2-with-SM3 OID, the time stamp's TSTInfo.
  std::string parsed = t.sh("openssl asn1parse -inform DER -in " + t.file("sealed.ses", signature));
  CHECK(parsed.find("IA5STRING         :ES") != std::string::npos);
  CHECK(parsed.find("IA5STRING         :.pdf") != std::string::npos);  // the file name's ASCII part
  CHECK(parsed.find(":SM2-with-SM3") != std::string::npos);  // 1.2.156.10197.1.501

  auto report = t.verify(signature, document);
  INFO(report.dump(2));
  CHECK(report["ok"] == true);
  CHECK(report["kind"] == "seal");
  CHECK(report["code"] == "ok");
  for (auto name : {"structure", "signature", "chain", "validity", "revocation", "key_usage", "seal", "seal_maker",
                    "seal_status", "timestamp", "digest"})
    CHECK_MESSAGE(check_of(report, name) == true, name);
  CHECK(report["signer"]["common_name"] == "张三");
  CHECK(report["seal"]["name"] == "张三");
  CHECK(report["seal"]["kind"] == "personal_name");
  CHECK(report["time_stamp"]["tsa"] == "网办时间戳服务");

  SUBCASE("one byte changed in the document after sealing") {
    std::string changed = document;
    changed[3] ^= 1;
    auto bad = t.verify(signature, changed);
    CHECK(bad["ok"] == false);
    CHECK(bad["code"] == "signature.digest_mismatch");
    CHECK(check_of(bad, "digest") == false);
    CHECK(check_of(bad, "signature") == true);
  }
  SUBCASE("the sealed data changed after sealing, truncated, or garbage") {
    std::string tampered = signature;
    tampered[tampered.find(".pdf")] = 'X';
    CHECK(t.verify(tampered, document)["code"] == "signature.invalid");
    for (std::size_t n : {std::size_t{1}, std::size_t{2}, signature.size() / 3, signature.size() - 1})
      CHECK(t.verify(signature.substr(0, n), document)["code"] == "signature.malformed");
    CHECK(t.verify("not a signature at all", document)["code"] == "signature.malformed");
  }
  SUBCASE("a name seal is used by its owner only") {
    auto [denied, problem] = t.post(approver, "/api/seals/" + seal + "/sign", {{"document_base64", base64_encode(document)}});
    CHECK(denied == 403);
    CHECK(problem["code"] == "seal.not_yours");
    auto [bad_base64, p2] = t.post(clerk, "/api/seals/" + seal + "/sign", {{"document_base64", "!!"}});
    CHECK(bad_base64 == 400);
    CHECK(p2["code"] == "trust.invalid_request");
  }
  SUBCASE("an organisation seal needs seals.use") {
    std::string org = seal_of(t, "organisation");
    CHECK(t.post(clerk, "/api/seals/" + org + "/sign", {{"document_base64", base64_encode(document)}}).first == 403);
    auto [ok, sealed_by_approver] = t.post(approver, "/api/seals/" + org + "/sign",
                                           {{"document_base64", base64_encode(document)}, {"file_name", "decision.ofd"}});
    REQUIRE(ok == 200);  // 李四 holds seals.use through the demo role 用印人员
    auto org_report = t.verify(*base64_decode(sealed_by_approver["signature_base64"].get<std::string>()), document);
    CHECK(org_report["ok"] == true);
    CHECK(org_report["seal"]["kind"] == "organisation");
    CHECK(org_report["signer"]["organization"] == "西湖区行政服务中心");
  }
}

TEST_CASE("seals are made, suspended, resumed and revoked, each step audited and refused where it must be") {
  TrustKernel t;
  auto admin = t.k.client(true);  // for GETs
  std::string clerk = t.login("clerk");
  // A bad credit code names the field; nothing is made.
  auto [bad, problem] = t.post("admin", "/api/admin/seals",
                               {{"kind", "organisation"}, {"name", "西湖区市场监督管理局行政审批专用章"},
                                {"organization", "西湖区市场监督管理局"}, {"credit_code", "11330106002501411X"}});
  CHECK(bad == 400);
  CHECK(problem["code"] == "seal.invalid");
  CHECK(problem["field"] == "credit_code");
  CHECK(body_of(admin.Get("/api/admin/seals"))["items"].size() == 3);
  auto [no_owner, p2] = t.post("admin", "/api/admin/seals", {{"kind", "personal_name"}, {"owner_account_id", "nobody"}});
  CHECK(no_owner == 400);
  CHECK(p2["field"] == "owner_account_id");

  auto [made, seal] = t.post("admin", "/api/admin/seals",
                             {{"kind", "organisation"}, {"name", "西湖区市场监督管理局行政审批专用章"},
                              {"organization", "西湖区市场监督管理局"}, {"credit_code", "91350100M000100Y43"}, {"valid_days", 30}});
  REQUIRE(made == 201);
  CHECK(seal["status"] == "active");
  CHECK(seal["es_id"].get<std::string>().size() == 14);
  CHECK(seal["es_id"].get<std::string>().substr(0, 6) == "350100");  // the division in the credit code
  CHECK(seal["signer_certificate"]["common_name"] == "西湖区市场监督管理局行政审批专用章");
  std::string id = seal["id"];
  auto picture = admin.Get("/api/admin/seals/" + id + "/picture");
  REQUIRE(picture);
  CHECK(picture->get_header_value("content-type") == "image/png");
  CHECK(picture->body.substr(1, 3) == "PNG");
  auto preview = admin.Post("/api/admin/seals/preview", json{{"kind", "personal_name"}, {"name", "王五"}}.dump(), "application/json");
  REQUIRE(preview);
  CHECK(preview->status == 200);
  CHECK(preview->body.substr(1, 3) == "PNG");

  // The clerk's name seal: used, then suspended (a reason is required), refused, resumed, revoked.
  std::string name_seal = seal_of(t, "personal_name", kClerk);
  std::string document = "决定书 2026-000123";
  auto [used, sealed] = t.post(clerk, "/api/seals/" + name_seal + "/sign", {{"document_base64", base64_encode(document)}});
  REQUIRE(used == 200);
  std::string signature = *base64_decode(sealed["signature_base64"].get<std::string>());
  CHECK(t.post("admin", "/api/admin/seals/" + name_seal + "/suspend", {{"reason", "  "}}).second["code"] == "seal.reason_required");
  // Wait for the next second, so the suspension is later than the time stamp (which has whole seconds).
  auto stamped = std::chrono::system_clock::now();
  wait_until([&] { return std::chrono::system_clock::now() - stamped > std::chrono::milliseconds(1100); }, std::chrono::seconds(5));
  auto [suspended, s1] = t.post("admin", "/api/admin/seals/" + name_seal + "/suspend", {{"reason", "印章持有人休假"}});
  REQUIRE(suspended == 200);
  CHECK(s1["status"] == "suspended");
  auto [refused, p3] = t.post(clerk, "/api/seals/" + name_seal + "/sign", {{"document_base64", base64_encode(document)}});
  CHECK(refused == 409);
  CHECK(p3["code"] == "seal.not_active");
  // A signature time-stamped before the suspension stays valid, and says so.
  auto before = t.verify(signature, document);
  CHECK(before["ok"] == true);
  CHECK(before["seal"]["status"] == "suspended");
  CHECK(t.post("admin", "/api/admin/seals/" + name_seal + "/suspend", {{"reason", "again"}}).first == 409);
  CHECK(t.post("admin", "/api/admin/seals/" + name_seal + "/resume", {{"reason", "休假结束"}}).second["status"] == "active");
  CHECK(t.post(clerk, "/api/seals/" + name_seal + "/sign", {{"document_base64", base64_encode(document)}}).first == 200);
  auto [revoked, s2] = t.post("admin", "/api/admin/seals/" + name_seal + "/revoke", {{"reason", "人员调离"}});
  REQUIRE(revoked == 200);
  CHECK(s2["status"] == "revoked");
  CHECK(t.post("admin", "/api/admin/seals/" + name_seal + "/resume", {{"reason", "x"}}).second["code"] == "seal.bad_state");
  CHECK(t.post(clerk, "/api/seals/" + name_seal + "/sign", {{"document_base64", base64_encode(document)}}).first == 409);

  // The history: made, two uses, suspended, resumed, revoked — and the audit log has the same.
  auto uses = body_of(admin.Get("/api/admin/seals/" + name_seal + "/uses"))["items"];
  std::map<std::string, int> actions;
  for (auto& u : uses) ++actions[u["action"].get<std::string>()];
  CHECK(actions["seal.made"] == 1);
  CHECK(actions["seal.used"] == 2);
  CHECK(actions["seal.suspended"] == 1);
  CHECK(actions["seal.resumed"] == 1);
  CHECK(actions["seal.revoked"] == 1);
  CHECK(body_of(admin.Get("/api/admin/seals/" + name_seal))["uses"] == 2);
  auto audit = body_of(admin.Get("/api/audit/entries?object_id=" + name_seal + "&limit=50"));
  std::map<std::string, int> audited;
  for (auto& e : audit["entries"]) ++audited[e["action"].get<std::string>()];
  CHECK(audited["seal.used"] == 2);
  CHECK(audited["seal.revoked"] == 1);
  // A seal whose signer's certificate and key come from elsewhere (as in production, where the platform never issues):
  // the key must belong to the certificate, and the certificate must chain to a trust anchor.
  fs::path work = t.k.dir() / "imported";
  auto issue = [&](const std::string& name) {
    auto issued = issue_development_certificate(t.k, "staff", name, "d1000000-0000-4000-8000-000000000004", work);
    return std::pair{read_file(issued.certificate_file), read_file(issued.key_file)};
  };
  auto [auditor_cert, auditor_key] = issue("王五");
  auto [other_cert, other_key] = issue("别人");
  json imported = {{"kind", "personal_name"}, {"owner_account_id", "d1000000-0000-4000-8000-000000000004"},
                   {"signer_certificate_pem", auditor_cert}, {"signer_key_pem", other_key}};
  auto [mismatched, p4] = t.post("admin", "/api/admin/seals", imported);
  CHECK(mismatched == 400);
  CHECK(p4["field"] == "signer_key_pem");
  imported["signer_key_pem"] = auditor_key;
  auto [imported_status, imported_seal] = t.post("admin", "/api/admin/seals", imported);
  REQUIRE(imported_status == 201);
  CHECK(imported_seal["signer_certificate"]["common_name"] == "王五");
  std::string auditor = t.login("auditor");
  auto [auditor_used, auditor_sealed] = t.post(auditor, "/api/seals/" + imported_seal["id"].get<std::string>() + "/sign",
                                               {{"document_base64", base64_encode(document)}});
  REQUIRE(auditor_used == 200);
  CHECK(t.verify(*base64_decode(auditor_sealed["signature_base64"].get<std::string>()), document)["ok"] == true);

  // Who may hold a name seal: active staff accounts, listed to seals.manage only.
  auto owners = body_of(admin.Get("/api/admin/seal-owners"))["accounts"];
  bool clerk_listed = false;
  for (auto& o : owners) clerk_listed = clerk_listed || (o["id"] == kClerk && o["org_name"] == "西湖区行政服务中心");
  CHECK(clerk_listed);
  CHECK(t.as(clerk).Get("/api/admin/seal-owners")->status == 403);

  // Only seals.manage makes or changes seals.
  CHECK(t.post(clerk, "/api/admin/seals", {{"kind", "personal_name"}, {"owner_account_id", kClerk}}).first == 403);
}

TEST_CASE("an applicant's own key signs in two steps and the kernel assembles a time-stamped GB/T 35275 CMS signature") {
  TrustKernel t;
  auto [cert_file, key_file] = issue_development_certificate(t.k, "person", "王小明", "11010519491231002X", t.work);
  auto chain = pem_certificates(read_file(cert_file));
  REQUIRE(chain.size() == 2);
  const std::string leaf = chain[0], issuing = chain[1];
  std::string person = t.login("clerk");  // any logged-in caller may ask; the applicant's own session in the hall
  std::string document = "申请材料清单\n1. 营业执照申请书 sm3=…\n2. 住所证明 sm3=…\n";

  auto [prepared, step1] =
      t.post(person, "/api/trust/signatures/prepare", {{"document_base64", base64_encode(document)}, {"certificate_pem", leaf}});
  REQUIRE(prepared == 200);
  std::string attributes = *base64_decode(step1["signed_attributes_base64"].get<std::string>());
  // The applicant signs the attributes with SM2/SM3 and the standard ID — here with openssl, independently of our code.
  auto sign = [&](const std::string& bytes, const std::string& key) {
    t.file("tbs.der", bytes);
    t.sh("openssl pkeyutl -sign -rawin -digest sm3 -inkey " + key +
         " -pkeyopt distid:1234567812345678 -in tbs.der -out sig.der");
    return read_file(t.work / "sig.der");
  };
  std::string value = sign(attributes, key_file);
  auto [completed, step2] = t.post(person, "/api/trust/signatures/complete",
                                   {{"document_base64", base64_encode(document)},
                                    {"signed_attributes_base64", base64_encode(attributes)},
                                    {"signature_base64", base64_encode(value)},
                                    {"certificate_chain", {leaf, issuing}}});
  REQUIRE(completed == 201);
  std::string cms = *base64_decode(step2["signature_base64"].get<std::string>());
  std::string parsed = t.sh("openssl asn1parse -inform DER -in " + t.file("signature.p7s", cms));
  for (auto oid : {":1.2.156.10197.6.1.4.2.2", ":1.2.156.10197.6.1.4.2.1", ":sm3", ":1.2.156.10197.1.301.1", ":messageDigest",
                   ":signingTime", ":id-smime-aa-timeStampToken", ":id-smime-ct-TSTInfo"})
    CHECK_MESSAGE(parsed.find(oid) != std::string::npos, oid);

  auto report = t.verify(cms, document);
  INFO(report.dump(2));
  CHECK(report["ok"] == true);
  CHECK(report["kind"] == "cms");
  CHECK(report["signer"]["common_name"] == "王小明");
  CHECK(report["signer"]["serial_number"] == "11010519491231002X");
  CHECK(check_of(report, "timestamp") == true);
  CHECK(check_of(report, "chain") == true);

  std::string changed = document;
  changed.back() = '!';
  CHECK(t.verify(cms, changed)["code"] == "signature.digest_mismatch");
  for (std::size_t n : {std::size_t{2}, cms.size() / 2, cms.size() - 3})
    CHECK(t.verify(cms.substr(0, n), document)["code"] == "signature.malformed");

  // A value that does not sign these attributes; a certificate for another key; wrong key usage (the TSA's own certificate).
  auto [wrong, p1] = t.post(person, "/api/trust/signatures/complete",
                            {{"document_base64", base64_encode(document)}, {"signed_attributes_base64", base64_encode(attributes)},
                             {"signature_base64", base64_encode(sign(attributes + "x", key_file))},
                             {"certificate_chain", {leaf, issuing}}});
  CHECK(wrong == 422);
  CHECK(p1["code"] == "signature.invalid");
  auto var = t.k.dir() / "var";
  t.sh("openssl pkey -in " + (var / "keys" / "tsa.pem").string() + " -passin file:" + (var / "master-key").string() +
       " -out tsa-key.pem");
  std::string tsa_chain = read_file(var / "keys" / "tsa.pem.crt");
  auto [usage, p2] = t.post(person, "/api/trust/signatures/complete",
                            {{"document_base64", base64_encode(document)}, {"signed_attributes_base64", base64_encode(attributes)},
                             {"signature_base64", base64_encode(sign(attributes, (t.work / "tsa-key.pem").string()))},
                             {"certificate_chain", {pem_certificates(tsa_chain).front()}}});
  CHECK(usage == 422);
  CHECK(p2["code"] == "cert.key_usage");
  // Attributes for another document: the digest does not match.
  auto other = t.post(person, "/api/trust/signatures/prepare",
                      {{"document_base64", base64_encode("另一份文件")}, {"certificate_pem", leaf}}).second;
  std::string other_attributes = *base64_decode(other["signed_attributes_base64"].get<std::string>());
  auto [mismatch, p3] = t.post(person, "/api/trust/signatures/complete",
                               {{"document_base64", base64_encode(document)}, {"signed_attributes_base64", base64_encode(other_attributes)},
                                {"signature_base64", base64_encode(sign(other_attributes, key_file))},
                                {"certificate_chain", {leaf, issuing}}});
  CHECK(mismatch == 422);
  CHECK(p3["code"] == "signature.digest_mismatch");
  // An ECDSA certificate gets SHA-256 attributes; this one is self-signed, so the chain is what fails (not the digest).
  t.sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec.pem -out ec.crt -days 2 -subj /CN=EC");
  std::string ec_cert = read_file(t.work / "ec.crt");
  auto ec = t.post(person, "/api/trust/signatures/prepare", {{"document_base64", base64_encode(document)}, {"certificate_pem", ec_cert}})
                .second;
  std::string ec_attributes = *base64_decode(ec["signed_attributes_base64"].get<std::string>());
  t.file("ec-tbs.der", ec_attributes);
  t.sh("openssl dgst -sha256 -sign ec.pem -out ec-sig.der ec-tbs.der");
  auto [ec_status, p4] = t.post(person, "/api/trust/signatures/complete",
                                {{"document_base64", base64_encode(document)}, {"signed_attributes_base64", base64_encode(ec_attributes)},
                                 {"signature_base64", base64_encode(read_file(t.work / "ec-sig.der"))}, {"certificate_chain", {ec_cert}}});
  CHECK(ec_status == 422);
  CHECK(p4["code"] == "cert.untrusted");
}

TEST_CASE("CMS signatures made by openssl with ECDSA and RSA keys verify, their untrusted chain named") {
  TrustKernel t;
  std::string document = "third-party document\n";
  t.file("doc.txt", document);
  for (std::string key : {"-newkey ec -pkeyopt ec_paramgen_curve:P-256", "-newkey rsa:2048"}) {
    CAPTURE(key);
    t.sh("openssl req -x509 " + key + " -nodes -keyout k.pem -out c.pem -days 2 -subj /CN=Outside -sha256");
    t.sh("openssl cms -sign -binary -md sha256 -outform DER -signer c.pem -inkey k.pem -in doc.txt -out doc.p7s");
    std::string cms = read_file(t.work / "doc.p7s");
    auto report = t.verify(cms, document);
    INFO(report.dump(2));
    CHECK(report["kind"] == "cms");
    CHECK(check_of(report, "structure") == true);
    CHECK(check_of(report, "signature") == true);
    CHECK(check_of(report, "digest") == true);
    CHECK(check_of(report, "chain") == false);
    CHECK(report["code"] == "cert.untrusted");
    CHECK(report["signer"]["common_name"] == "Outside");
    CHECK(t.verify(cms, document + "x")["code"] == "cert.untrusted");  // the first failure in order
    CHECK(check_of(t.verify(cms, document + "x"), "digest") == false);
  }
}

TEST_CASE("the RFC 3161 time-stamping endpoint answers openssl ts queries and rejects bad ones") {
  TrustKernel t;
  std::string token = t.login("clerk");
  t.file("data.txt", "stamp me");
  t.sh("openssl ts -query -data data.txt -sha256 -cert -out q.tsq");
  auto post_raw = [&](const std::string& body, const std::string& type) {
    auto c = t.as(token);
    auto r = c.Post("/api/trust/time-stamp", body, type);
    REQUIRE(r);
    return std::pair{r->status, r->body};
  };
  auto [status, reply] = post_raw(read_file(t.work / "q.tsq"), "application/timestamp-query");
  REQUIRE(status == 200);
  t.file("r.tsr", reply);
  std::string text = t.sh("openssl ts -reply -in r.tsr -text");
  CHECK(text.find("Status: Granted.") != std::string::npos);
  CHECK(text.find("Policy OID: 2.25.212861207307929906005337283637412233533") != std::string::npos);
  CHECK(text.find("Hash Algorithm: sha256") != std::string::npos);
  CHECK(text.find("Nonce: 0x") != std::string::npos);
  // Garbage, and an unsupported digest, are answered with an RFC 3161 rejection; a wrong media type with 415.
  auto [s2, rejected] = post_raw("not a request", "application/timestamp-query");
  CHECK(s2 == 200);
  t.file("bad.tsr", rejected);
  std::string bad = t.sh("openssl ts -reply -in bad.tsr -text");
  CHECK(bad.find("Status: Rejected.") != std::string::npos);
  CHECK(bad.find("Failure info: the data submitted has the wrong format") != std::string::npos);
  t.sh("openssl ts -query -data data.txt -md5 -out md5.tsq");
  t.file("md5.tsr", post_raw(read_file(t.work / "md5.tsq"), "application/timestamp-query").second);
  CHECK(t.sh("openssl ts -reply -in md5.tsr -text").find("Failure info: unrecognized or unsupported algorithm identifier") !=
        std::string::npos);
  CHECK(post_raw(read_file(t.work / "q.tsq"), "application/json").first == 415);
  CHECK(t.k.client().Post("/api/trust/time-stamp", read_file(t.work / "q.tsq"), "application/timestamp-query")->status == 401);
  auto cert = t.k.client().Get("/api/trust/tsa-certificate");
  REQUIRE(cert);
  CHECK(cert->body.find("-----BEGIN CERTIFICATE-----") == 0);
}

TEST_CASE("a plugin seals, time-stamps and verifies through Context::trust()") {
  PluginFolder folder{{"casebook"}};
  KernelProcess k{[&] {
    auto o = options(folder, {"casebook"});
    o.demo_data = true;
    o.extra_toml = "[trust]\ndevelopment_ca = true\n";
    return o;
  }()};
  auto admin = k.client(true);
  REQUIRE(admin.Put("/api/admin/roles/caseworker", R"({"title":"caseworker","permissions":["casebook.case.accept"]})",
                    "application/json")
              ->status == 204);
  for (auto account : {kClerk, "d1000000-0000-4000-8000-000000000005"})
    REQUIRE(admin.Post("/api/admin/assignments",
                       json{{"account_id", account}, {"role", "caseworker"}, {"org_unit_id", "d0000000-0000-4000-8000-000000000001"}}.dump(),
                       "application/json")
                ->status == 204);
  // A case filed by a natural person, logged in with a development certificate.
  fs::path work = k.dir() / "work";
  fs::create_directories(work);
  auto [cert_file, key_file] = issue_development_certificate(k, "person", "王小明", "11010519491231002X", work);
  auto nonce = body_of(k.client().Post("/api/auth/cert/challenge", "", "application/json"));
  std::string nonce_text = nonce["nonce"];
  std::ofstream(work / "nonce.txt", std::ios::binary) << nonce_text;
  REQUIRE(run_command("openssl pkeyutl -sign -rawin -digest sm3 -inkey " + key_file +
                      " -pkeyopt distid:1234567812345678 -in " + (work / "nonce.txt").string() + " -out " + (work / "nonce.sig").string())
              .second == 0);
  auto login = k.client().Post("/api/auth/cert/login",
                               json{{"nonce", nonce_text}, {"certificate_chain", pem_certificates(read_file(cert_file))},
                                    {"signature", base64_encode(read_file(work / "nonce.sig"))}, {"mode", "bearer"}}.dump(),
                               "application/json");
  REQUIRE(login);
  INFO(login->body);
  REQUIRE(login->status == 200);
  auto applicant = k.client();
  applicant.set_bearer_token_auth(json::parse(login->body)["token"].get<std::string>());
  const char* xihu = "/d0000000-0000-4000-8000-000000000001/d0000000-0000-4000-8000-000000000002/"
                     "d0000000-0000-4000-8000-000000000003/d0000000-0000-4000-8000-000000000004/";
  std::string case_id = body_of(applicant.Post("/api/casebook/cases", json{{"title", "个体工商户设立登记"}, {"org_path", xihu}}.dump(),
                                               "application/json"))["id"];

  auto staff = [&](const std::string& user) { return client_as(k, bearer_login(k, user)); };
  auto clerk = staff("clerk");
  auto r = clerk.Post("/api/casebook/cases/" + case_id + "/notice", "", "application/json");
  REQUIRE(r);
  INFO(r->body);
  REQUIRE(r->status == 200);
  auto notice = json::parse(r->body);
  CHECK(notice["report"]["ok"] == true);
  CHECK(notice["report"]["kind"] == "seal");
  auto unhex = [](const std::string& h) {
    std::string out;
    for (std::size_t i = 0; i + 1 < h.size(); i += 2) out += static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16));
    return out;
  };
  // The same signature checked over HTTP, and against a changed notice.
  auto check = [&](const std::string& document) {
    return body_of(k.client().Post("/api/trust/verify",
                                   json{{"signature_base64", base64_encode(unhex(notice["signature_hex"]))},
                                        {"document_base64", base64_encode(document)}}.dump(),
                                   "application/json"));
  };
  auto report = check(notice["notice"]);
  CHECK(report["ok"] == true);
  CHECK(report["signer"]["common_name"] == "张三");
  CHECK(check(notice["notice"].get<std::string>() + " ")["code"] == "signature.digest_mismatch");
  // The time stamp from Context::trust().time_stamp() reads as an RFC 3161 token.
  std::ofstream(work / "token.der", std::ios::binary) << unhex(notice["time_stamp_hex"]);
  auto [text, status] = run_command("openssl ts -reply -token_in -in " + (work / "token.der").string() + " -text 2>&1");
  CHECK(status == 0);
  CHECK(text.find("Policy OID: 2.25.212861207307929906005337283637412233533") != std::string::npos);
  // 赵六 (clerk2, 上城区) has the permission but no name seal: the plugin's own refusal.
  auto clerk2 = staff("clerk2");
  auto none = clerk2.Post("/api/casebook/cases/" + case_id + "/notice", "", "application/json");
  REQUIRE(none);
  CHECK(none->status == 409);
  CHECK(json::parse(none->body)["code"] == "casebook.no_name_seal");
  // Every use of the seal is in the audit log.
  auto audit = body_of(admin.Get("/api/audit/entries?action=seal.used&limit=10"));
  CHECK(audit["entries"].size() == 1);
}
