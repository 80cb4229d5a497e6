// Digital-certificate login: a natural person signs the server's one-time nonce with the key
// of an SM2 certificate (ECDSA accepted); every refusal has its own problem code.
#include <atomic>
#include <fstream>
#include <thread>

#include "support.hpp"
#include "test_pki.hpp"

using namespace wbtest;

namespace {

struct CertKernel {
  testpki::Key root_key = testpki::sm2_key();
  testpki::Cert root = testpki::issue({"网办测试根CA", "", -10, 3650, true, "", 1}, root_key.get(), root_key.get(), nullptr);
  testpki::Key person_key = testpki::sm2_key();
  testpki::Cert person = leaf("张三", "11010519491231002X", -1, 365, 10);
  testpki::Key revoked_key = testpki::sm2_key();
  testpki::Cert revoked = testpki::issue({"吊销者", "440524188001010014", -1, 365, false, "digitalSignature", 11},
                                         revoked_key.get(), root_key.get(), root.get());
  fs::path dir = fs::temp_directory_path() / ("wangban-pki-" + wangban::testing::random_suffix());
  PluginFolder folder{{"greeting"}};
  std::unique_ptr<KernelProcess> k;

  // With `crl_url`, the CRL is published there instead of being a file.
  explicit CertKernel(const std::string& crl_url = "") {
    fs::create_directories(dir);
    std::ofstream(dir / "root.pem") << testpki::pem(root.get());
    std::ofstream(dir / "crl.pem") << testpki::crl_pem(root.get(), root_key.get(), {revoked.get()});
    auto o = options(folder, {"greeting"});
    o.env["WANGBAN_IDENTITY_TRUST_ANCHORS"] = (dir / "root.pem").string();
    if (crl_url.empty()) o.env["WANGBAN_IDENTITY_CRL_FILES"] = (dir / "crl.pem").string();
    else o.env["WANGBAN_IDENTITY_CRL_URLS"] = crl_url;
    k = std::make_unique<KernelProcess>(o);
  }
  ~CertKernel() { fs::remove_all(dir); }

  testpki::Cert leaf(const std::string& cn, const std::string& id, long from, long to, long serial,
                     EVP_PKEY* key = nullptr, const std::string& usage = "digitalSignature,nonRepudiation") {
    return testpki::issue({cn, id, from, to, false, usage, serial}, key ? key : person_key.get(), root_key.get(), root.get());
  }

  std::string nonce() { return body_of(k->client().Post("/api/auth/cert/challenge", "", "application/json"))["nonce"]; }

  httplib::Result login(X509* cert, EVP_PKEY* key, std::string n = {}, bool corrupt = false) {
    if (n.empty()) n = nonce();
    std::string sig = testpki::sign(key, n);
    if (corrupt) sig[sig.size() / 2] ^= 0x01;
    json body = {{"certificate_chain", {testpki::pem(cert)}}, {"nonce", n}, {"signature", testpki::base64(sig)},
                 {"mode", "bearer"}};
    return k->client().Post("/api/auth/cert/login", body.dump(), "application/json");
  }
};

std::string code_of(const httplib::Result& r) {
  REQUIRE(r);
  INFO(r->body);
  return json::parse(r->body).value("code", "");
}

}  // namespace

TEST_CASE("an SM2 certificate login creates the natural person once and opens a session") {
  CertKernel t;
  auto first = t.login(t.person.get(), t.person_key.get());
  REQUIRE(first);
  INFO(first->body);
  REQUIRE(first->status == 200);
  auto p = json::parse(first->body)["principal"];
  CHECK(p["kind"] == "person");
  CHECK(p["display_name"] == "张三");
  auto c = t.k->client();
  c.set_bearer_token_auth(json::parse(first->body)["token"].get<std::string>());
  CHECK(body_of(c.Get("/api/auth/me"))["account_id"] == p["account_id"]);
  auto again = t.login(t.person.get(), t.person_key.get());
  REQUIRE(again);
  CHECK(json::parse(again->body)["principal"]["account_id"] == p["account_id"]);  // the same person
}

TEST_CASE("ECDSA certificates are accepted as well") {
  CertKernel t;
  auto key = testpki::ec_key();
  auto cert = t.leaf("李四", "440524188001010014", -1, 30, 20, key.get());
  auto r = t.login(cert.get(), key.get());
  REQUIRE(r);
  CHECK(r->status == 200);
}

TEST_CASE("certificate login refuses a wrong signature, expired, not yet valid, revoked and untrusted certificates") {
  CertKernel t;
  CHECK(code_of(t.login(t.person.get(), t.person_key.get(), {}, true)) == "auth.cert_signature_invalid");
  auto other_key = testpki::sm2_key();
  CHECK(code_of(t.login(t.person.get(), other_key.get())) == "auth.cert_signature_invalid");  // not the certificate's key
  auto expired = t.leaf("张三", "11010519491231002X", -30, -1, 30);
  CHECK(code_of(t.login(expired.get(), t.person_key.get())) == "auth.cert_expired");
  auto early = t.leaf("张三", "11010519491231002X", 1, 30, 31);
  CHECK(code_of(t.login(early.get(), t.person_key.get())) == "auth.cert_not_yet_valid");
  CHECK(code_of(t.login(t.revoked.get(), t.revoked_key.get())) == "auth.cert_revoked");
  auto stranger_key = testpki::sm2_key();
  auto stranger_root = testpki::issue({"陌生CA", "", -10, 3650, true, "", 1}, stranger_key.get(), stranger_key.get(), nullptr);
  auto foreign = testpki::issue({"张三", "11010519491231002X", -1, 30, false, "digitalSignature", 40}, t.person_key.get(),
                                stranger_key.get(), stranger_root.get());
  CHECK(code_of(t.login(foreign.get(), t.person_key.get())) == "auth.cert_untrusted");
  auto encipher_only = t.leaf("张三", "11010519491231002X", -1, 30, 41, nullptr, "keyEncipherment");
  CHECK(code_of(t.login(encipher_only.get(), t.person_key.get())) == "auth.cert_key_usage");
  auto no_id = t.leaf("无证件", "", -1, 30, 42);
  CHECK(code_of(t.login(no_id.get(), t.person_key.get())) == "auth.cert_subject");
  auto bad_id = t.leaf("错号", "110105194912310021", -1, 30, 43);
  CHECK(code_of(t.login(bad_id.get(), t.person_key.get())) == "auth.cert_subject");
  // Every refusal is a 401 problem.
  auto r = t.login(expired.get(), t.person_key.get());
  REQUIRE(r);
  CHECK(r->status == 401);
  CHECK(r->get_header_value("Content-Type") == "application/problem+json");
}

TEST_CASE("a nonce serves one login only: a replay is refused even with a valid signature") {
  CertKernel t;
  std::string n = t.nonce();
  auto first = t.login(t.person.get(), t.person_key.get(), n);
  REQUIRE(first);
  CHECK(first->status == 200);
  CHECK(code_of(t.login(t.person.get(), t.person_key.get(), n)) == "auth.nonce_invalid");
  CHECK(code_of(t.login(t.person.get(), t.person_key.get(), std::string(64, 'a'))) == "auth.nonce_invalid");
}

TEST_CASE("a legal person logs in with its certificate, authorises an agent, and the agent acts for it") {
  CertKernel t;
  // The natural person logs in once, so the platform knows them.
  auto person_login = t.login(t.person.get(), t.person_key.get());
  REQUIRE(person_login);
  REQUIRE(person_login->status == 200);
  auto person = t.k->client();
  person.set_bearer_token_auth(json::parse(person_login->body)["token"].get<std::string>());

  // The legal person's certificate (electronic business licence profile): credit code in serialNumber, name in O.
  auto org_key = testpki::sm2_key();
  testpki::CertSpec spec{"法人证书", "11330105002500287C", -1, 365, false, "digitalSignature", 50};
  spec.organization = "西湖区测试服务中心";
  auto org_cert = testpki::issue(spec, org_key.get(), t.root_key.get(), t.root.get());
  auto legal_login = t.login(org_cert.get(), org_key.get());
  REQUIRE(legal_login);
  INFO(legal_login->body);
  REQUIRE(legal_login->status == 200);
  CHECK(json::parse(legal_login->body)["principal"]["kind"] == "legal");
  CHECK(json::parse(legal_login->body)["principal"]["display_name"] == "西湖区测试服务中心");
  auto legal = t.k->client();
  legal.set_bearer_token_auth(json::parse(legal_login->body)["token"].get<std::string>());

  auto unknown = legal.Post("/api/auth/legal/agents",
                            R"({"id_number":"440524188001010014","scope":["*"],"valid_days":30})", "application/json");
  CHECK(code_of(unknown) == "auth.person_not_found");
  auto not_legal = person.Post("/api/auth/legal/agents",
                               R"({"id_number":"11010519491231002X","scope":["*"],"valid_days":30})", "application/json");
  CHECK(code_of(not_legal) == "auth.not_legal_person");
  auto granted = legal.Post("/api/auth/legal/agents",
                            R"({"id_number":"11010519491231002X","scope":["330106-XK-001"],"valid_days":30})",
                            "application/json");
  REQUIRE(granted);
  CHECK(granted->status == 204);
  CHECK(body_of(legal.Get("/api/auth/legal/agents"))["agents"][0]["name"] == "张三");

  auto mandates = body_of(person.Get("/api/auth/mandates"))["mandates"];
  REQUIRE(mandates.size() == 1);
  CHECK(mandates[0]["credit_code"] == "11330105002500287C");
  std::string legal_id = mandates[0]["legal_person_id"];
  auto act = person.Post("/api/auth/act-for", json{{"legal_person_id", legal_id}}.dump(), "application/json");
  REQUIRE(act);
  CHECK(act->status == 204);
  auto me = body_of(person.Get("/api/auth/me"));
  CHECK(me["acting_for"] == legal_id);
  CHECK(me["agent_scope"][0] == "330106-XK-001");

  auto wrong = person.Post("/api/auth/act-for", json{{"legal_person_id", "no-such-legal-person"}}.dump(), "application/json");
  CHECK(code_of(wrong) == "auth.no_mandate");

  // Revoked: the agent no longer acts for the legal person, even in the same session.
  auto revoked = legal.Delete("/api/auth/legal/agents/11010519491231002X");
  REQUIRE(revoked);
  CHECK(revoked->status == 204);
  CHECK(body_of(person.Get("/api/auth/me"))["acting_for"].is_null());
}

TEST_CASE("a natural person reads their GB/T 39046 record and edits contact fields: bad values change nothing") {
  CertKernel t;
  auto login = t.login(t.person.get(), t.person_key.get());
  REQUIRE(login);
  REQUIRE(login->status == 200);
  auto person = t.k->client();
  person.set_bearer_token_auth(json::parse(login->body)["token"].get<std::string>());
  auto p = body_of(person.Get("/api/auth/profile"));
  CHECK(p["kind"] == "person");
  CHECK(p["person"]["id_number"] == "11010519491231002X");
  CHECK(p["person"]["name"] == "张三");
  CHECK(p["person"]["gender_code"] == "2");  // 17th digit 2: female (GB 11643)
  CHECK(p["person"]["real_name_verified"] == true);
  CHECK(body_of(t.k->client().Get("/api/auth/methods"))["certificate"] == true);

  auto saved = person.Put("/api/auth/profile", R"({"mobile":"13800138000","email":"zhang.san@example.cn","ethnicity":"汉族"})",
                          "application/json");
  REQUIRE(saved);
  CHECK(saved->status == 204);
  auto bad_mobile = person.Put("/api/auth/profile", R"({"email":"other@example.cn","mobile":"1380013800"})", "application/json");
  CHECK(code_of(bad_mobile) == "profile.bad_mobile");
  CHECK(code_of(person.Put("/api/auth/profile", R"({"email":"not-an-address"})", "application/json")) == "profile.bad_email");
  CHECK(code_of(person.Put("/api/auth/profile", R"({"id_number":"440524188001010014"})", "application/json")) ==
        "request.schema_violation");  // not in the schema at all
  CHECK(code_of(person.Put("/api/auth/profile", R"({"registered_address":"x"})", "application/json")) ==
        "profile.not_editable_field");  // a legal person's field
  auto after = body_of(person.Get("/api/auth/profile"))["person"];
  CHECK(after["mobile"] == "13800138000");  // the refused requests left the record as it was
  CHECK(after["email"] == "zhang.san@example.cn");
  CHECK(after["ethnicity"] == "汉族");
  CHECK(after["id_number"] == "11010519491231002X");
}

TEST_CASE("a legal person completes its registration data: a date in the future is refused") {
  CertKernel t;
  auto org_key = testpki::sm2_key();
  testpki::CertSpec spec{"法人证书", "11330105002500287C", -1, 365, false, "digitalSignature", 51};
  spec.organization = "西湖区测试服务中心";
  auto org_cert = testpki::issue(spec, org_key.get(), t.root_key.get(), t.root.get());
  auto login = t.login(org_cert.get(), org_key.get());
  REQUIRE(login);
  REQUIRE(login->status == 200);
  auto legal = t.k->client();
  legal.set_bearer_token_auth(json::parse(login->body)["token"].get<std::string>());
  auto saved = legal.Put("/api/auth/profile",
                         R"({"legal_representative":"王五","registered_address":"杭州市西湖区文三路 1 号",)"
                         R"("registered_date":"2016-02-29","business_scope":"政务服务咨询"})",
                         "application/json");
  REQUIRE(saved);
  CHECK(saved->status == 204);
  CHECK(code_of(legal.Put("/api/auth/profile", R"({"registered_date":"2999-01-01"})", "application/json")) == "profile.bad_date");
  CHECK(code_of(legal.Put("/api/auth/profile", R"({"registered_date":"2015-02-29"})", "application/json")) == "profile.bad_date");
  CHECK(code_of(legal.Put("/api/auth/profile", R"({"mobile":"13800138000"})", "application/json")) ==
        "profile.not_editable_field");
  auto p = body_of(legal.Get("/api/auth/profile"));
  CHECK(p["kind"] == "legal");
  CHECK(p["legal"]["credit_code"] == "11330105002500287C");
  CHECK(p["legal"]["name"] == "西湖区测试服务中心");
  CHECK(p["legal"]["legal_representative"] == "王五");
  CHECK(p["legal"]["registered_date"] == "2016-02-29");
}

TEST_CASE("a CRL published at a URL is fetched and applied, and while it cannot be fetched logins are refused") {
  std::atomic<bool> available{false};
  std::string crl;  // set before the CRL is made available
  httplib::Server publisher;
  publisher.Get("/ca.crl", [&](const httplib::Request&, httplib::Response& res) {
    if (!available) {
      res.status = 503;
      return;
    }
    res.set_content(crl, "application/pkix-crl");
  });
  int port = publisher.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { publisher.listen_after_bind(); });
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/ca.crl";
  {
    CertKernel down(url);  // the CRL cannot be fetched: fail closed
    CHECK(code_of(down.login(down.person.get(), down.person_key.get())) == "auth.crl_unavailable");
  }
  {
    CertKernel t(url);
    // DER this time (a CRL endpoint usually serves DER).
    std::string pem = testpki::crl_pem(t.root.get(), t.root_key.get(), {t.revoked.get()});
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    X509_CRL* parsed = PEM_read_bio_X509_CRL(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    REQUIRE(parsed);
    unsigned char* der = nullptr;
    int n = i2d_X509_CRL(parsed, &der);
    crl.assign(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
    OPENSSL_free(der);
    X509_CRL_free(parsed);
    available = true;
    t.k->terminate();
    t.k->start();  // fetched at start
    auto ok = t.login(t.person.get(), t.person_key.get());
    REQUIRE(ok);
    INFO(ok->body);
    CHECK(ok->status == 200);
    CHECK(code_of(t.login(t.revoked.get(), t.revoked_key.get())) == "auth.cert_revoked");
  }
  publisher.stop();
  serving.join();
}

TEST_CASE("with the development CA on, a certificate from `wangban ca issue` logs in, and once revoked it is refused") {
  PluginFolder folder{{"greeting"}};
  auto o = options(folder, {"greeting"});
  o.env["WANGBAN_TRUST_DEVELOPMENT_CA"] = "true";
  KernelProcess k(o);
  fs::path out = k.dir() / "certs";
  auto cli = [&](const std::string& args) {
    return run_command("WANGBAN_TRUST_DEVELOPMENT_CA=true " + KernelOptions{}.wangban.string() + " " + args +
                       " --config " + k.config_path().string() + " 2>&1");
  };
  auto [issued, status] = cli("ca issue person --name 陈七 --serial 11010519491231002X --out " + out.string());
  INFO(issued);
  REQUIRE(status == 0);
  auto value = [&](const std::string& text, const std::string& label) {
    auto at = text.find(label + " ");
    REQUIRE(at != std::string::npos);
    return text.substr(at + label.size() + 1, text.find('\n', at) - at - label.size() - 1);
  };
  std::string serial = value(issued, "serial"), cert_file = value(issued, "certificate"), key_file = value(issued, "key");
  CHECK((fs::status(key_file).permissions() & fs::perms::group_all) == fs::perms::none);
  auto [bad, bad_status] = cli("ca issue person --name 错号 --serial 110105194912310021 --out " + out.string());
  CHECK(bad_status == 2);
  CHECK(bad.find("citizen ID") != std::string::npos);

  std::string chain_text = (std::ostringstream() << std::ifstream(cert_file).rdbuf()).str();
  std::vector<std::string> chain;
  for (std::size_t at = 0; (at = chain_text.find("-----BEGIN CERTIFICATE-----", at)) != std::string::npos;) {
    auto end = chain_text.find("-----END CERTIFICATE-----", at) + 25;
    chain.push_back(chain_text.substr(at, end - at) + "\n");
    at = end;
  }
  REQUIRE(chain.size() == 2);  // the leaf and the issuing CA
  std::string key_text = (std::ostringstream() << std::ifstream(key_file).rdbuf()).str();
  BIO* bio = BIO_new_mem_buf(key_text.data(), static_cast<int>(key_text.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  REQUIRE(key);
  auto login = [&] {
    std::string nonce = body_of(k.client().Post("/api/auth/cert/challenge", "", "application/json"))["nonce"];
    json body = {{"certificate_chain", chain}, {"nonce", nonce}, {"signature", testpki::base64(testpki::sign(key, nonce))},
                 {"mode", "bearer"}};
    return k.client().Post("/api/auth/cert/login", body.dump(), "application/json");
  };
  auto ok = login();
  REQUIRE(ok);
  CAPTURE(ok->body);
  CHECK(ok->status == 200);
  CHECK(json::parse(ok->body)["principal"]["display_name"] == "陈七");
  CHECK(fs::exists(k.dir() / "var" / "keys" / "kernel-signing.pem.crt"));  // the kernel key's certificate

  auto [revoked, revoked_status] = cli("ca revoke " + serial);
  INFO(revoked);
  CHECK(revoked_status == 0);
  k.terminate();
  k.start();  // the CRL is read at start
  CHECK(code_of(login()) == "auth.cert_revoked");
  EVP_PKEY_free(key);
}
