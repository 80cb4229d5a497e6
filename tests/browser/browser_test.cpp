// The browser tests: a real kernel serving the built web UI, and Debian's Chromium driven by
// playwright-core through the console: the plugin page (plugins.test.mjs), the identity admin pages
// (console.test.mjs), certificate login, self-service, session admin and the audit log
// (identity.test.mjs, with a test PKI made here), content, messages and search (content.test.mjs),
// electronic seals and signature verification (seals.test.mjs), and an applicant signing a document
// with their own certificate, the key never leaving the browser (sign.test.mjs).
#include <fstream>

#include "../integration/support.hpp"
#include "../integration/test_pki.hpp"

using namespace wbtest;

namespace {

// A folder of test certificates under an SM2 root (PEM; keys as unencrypted PKCS#8) for the
// browser to pick with setInputFiles, with the root in root.pem; removed afterwards.
struct TestPkiFolder {
  fs::path dir;
  testpki::Key root_key = testpki::sm2_key();
  testpki::Cert root = testpki::issue({"网办测试根CA", "", -10, 3650, true, "", 1}, root_key.get(), root_key.get(), nullptr);

  explicit TestPkiFolder(const std::string& prefix)
      : dir(fs::temp_directory_path() / (prefix + wangban::testing::random_suffix())) {
    fs::create_directories(dir);
    write("root.pem", testpki::pem(root.get()));
  }
  ~TestPkiFolder() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  void write(const std::string& name, const std::string& text) const { std::ofstream(dir / name) << text; }
  // <name>.crt and <name>.key: a certificate issued by the root for `key`.
  void leaf(const testpki::CertSpec& spec, const testpki::Key& key, const std::string& name) const {
    write(name + ".crt", testpki::pem(testpki::issue(spec, key.get(), root_key.get(), root.get()).get()));
    write(name + ".key", testpki::key_pem(key.get()));
  }
};

}  // namespace

TEST_CASE("the admin console lists the plugins with their states and reloads one in a real browser") {
  REQUIRE_MESSAGE(fs::exists(fs::path(WANGBAN_WEB_DIST) / "index.html"), "build the web UI first (scripts/test does)");
  PluginFolder folder({"greeting", "probe", "needs-missing"});
  auto o = options(folder, {"greeting", "probe", "needs-missing"});
  o.web_root = WANGBAN_WEB_DIST;
  KernelProcess k(o);

  std::string shot = (k.dir() / "plugins.png").string();
  std::string cmd = "WANGBAN_URL=" + k.url() + " WANGBAN_ADMIN_TOKEN=" + k.admin_token() +
                    " EXPECT_PLUGINS=probe=started,greeting=started,needs-missing=refused SCREENSHOT=" + shot +
                    " node " WANGBAN_BROWSER_SCRIPT " 2>&1";
  auto [out, status] = run_command(cmd);
  INFO(out);
  CHECK(status == 0);
  CHECK(out.find(" 0 failed") != std::string::npos);
  // The reload went through the kernel: the log shows it.
  CHECK(k.log_text().find("reloading plugin probe") != std::string::npos);
}

TEST_CASE("the admin console's identity pages: org tree, staff, roles, password login and sessions in a real browser") {
  REQUIRE_MESSAGE(fs::exists(fs::path(WANGBAN_WEB_DIST) / "index.html"), "build the web UI first (scripts/test does)");
  PluginFolder folder({"greeting"});
  auto o = options(folder, {"greeting"});
  o.web_root = WANGBAN_WEB_DIST;
  o.env = {{"WANGBAN_IDENTITY_ARGON2_MEMORY_KIB", "1024"}, {"WANGBAN_IDENTITY_ARGON2_TIME_COST", "1"}};
  KernelProcess k(o);
  std::string shot = (k.dir() / "console").string();
  auto [out, status] = run_command("WANGBAN_URL=" + k.url() + " WANGBAN_ADMIN_TOKEN=" + k.admin_token() + " SCREENSHOT=" +
                                   shot + " node " WANGBAN_CONSOLE_SCRIPT " 2>&1");
  INFO(out);
  CHECK(status == 0);
  CHECK(out.find(" 0 failed") != std::string::npos);
  CHECK(k.log_text().find("staff clerk1 logged in") != std::string::npos);
}

TEST_CASE("certificate login, my profile, agents and acting for a legal person, session admin and the audit log in a real browser") {
  REQUIRE_MESSAGE(fs::exists(fs::path(WANGBAN_WEB_DIST) / "index.html"), "build the web UI first (scripts/test does)");
  // The test PKI: an SM2 root; SM2 certificates of a natural person (citizen ID in serialNumber) and
  // of a legal person (unified social credit code, name in O); ECDSA P-256 and RSA persons; a stray
  // SM2 key. Written as PEM (keys as unencrypted PKCS#8) for the browser to pick with setInputFiles.
  // The folder exists before the kernel, whose trust anchor it holds.
  TestPkiFolder folder_pki("wangban-browser-pki-");
  const fs::path& pki = folder_pki.dir;
  folder_pki.leaf({"张三", "11010519491231002X", -1, 365, false, "digitalSignature,nonRepudiation", 10}, testpki::sm2_key(), "person");
  testpki::CertSpec legal{"法人证书", "91350100M000100Y43", -1, 365, false, "digitalSignature,nonRepudiation", 11};
  legal.organization = "福州测试科技有限公司";
  folder_pki.leaf(legal, testpki::sm2_key(), "legal");
  folder_pki.leaf({"李四", "440524188001010014", -1, 365, false, "digitalSignature", 12}, testpki::ec_key(), "ec");
  folder_pki.leaf({"王小明", "330106198503071238", -1, 365, false, "digitalSignature", 13}, testpki::rsa_key(), "rsa");
  folder_pki.write("wrong.key", testpki::key_pem(testpki::sm2_key().get()));

  PluginFolder folder({"greeting"});
  auto o = options(folder, {"greeting"});
  o.web_root = WANGBAN_WEB_DIST;
  o.demo_data = true;  // admin, clerk2, approver and auditor with the demo password
  o.env = {{"WANGBAN_IDENTITY_ARGON2_MEMORY_KIB", "1024"},
           {"WANGBAN_IDENTITY_ARGON2_TIME_COST", "1"},
           {"WANGBAN_IDENTITY_TRUST_ANCHORS", (pki / "root.pem").string()}};
  KernelProcess k(o);
  std::string shot = (k.dir() / "identity").string();
  auto [out, status] = run_command("WANGBAN_URL=" + k.url() + " PKI_DIR=" + pki.string() + " SCREENSHOT=" + shot +
                                   " node " WANGBAN_IDENTITY_SCRIPT " 2>&1");
  INFO(out);
  CHECK(status == 0);
  CHECK(out.find(" 0 failed") != std::string::npos);
  CHECK(k.log_text().find("natural person account created at first real-name login") != std::string::npos);
  CHECK(k.log_text().find("staff clerk2 changed their password") != std::string::npos);
}

TEST_CASE("content written, reviewed and published, read and found without login, and messages pushed live in a real browser") {
  REQUIRE_MESSAGE(fs::exists(fs::path(WANGBAN_WEB_DIST) / "index.html"), "build the web UI first (scripts/test does)");
  PluginFolder folder({"greeting"});
  auto o = options(folder, {"greeting"});
  o.web_root = WANGBAN_WEB_DIST;
  o.demo_data = true;  // clerk (editor), approver (reviewer, messages), auditor, clerk2; no SMTP or SMS configured
  KernelProcess k(o);
  std::string shot = (k.dir() / "content").string();
  auto [out, status] =
      run_command("WANGBAN_URL=" + k.url() + " SCREENSHOT=" + shot + " node " WANGBAN_CONTENT_SCRIPT " 2>&1");
  INFO(out);
  CHECK(status == 0);
  CHECK(out.find(" 0 failed") != std::string::npos);
  CHECK(k.log_text().find("live push:") == std::string::npos);
}

TEST_CASE("seals made, signed with and revoked, and signatures verified without login in a real browser") {
  REQUIRE_MESSAGE(fs::exists(fs::path(WANGBAN_WEB_DIST) / "index.html"), "build the web UI first (scripts/test does)");
  PluginFolder folder({"greeting"});
  auto o = options(folder, {"greeting"});
  o.web_root = WANGBAN_WEB_DIST;
  o.demo_data = true;  // admin (every permission) makes the seals; clerk 张三 gets a personal name seal
  o.extra_toml = "[trust]\ndevelopment_ca = true\n";  // issues the seals' certificates; the demo seals are made too
  KernelProcess k(o);
  std::string shot = (k.dir() / "seals").string();
  auto [out, status] =
      run_command("WANGBAN_URL=" + k.url() + " SCREENSHOT=" + shot + " node " WANGBAN_SEALS_SCRIPT " 2>&1");
  INFO(out);
  CHECK(status == 0);
  CHECK(out.find(" 0 failed") != std::string::npos);
}

TEST_CASE("an applicant signs a document in the browser with their own certificate and key, and the signature verifies") {
  REQUIRE_MESSAGE(fs::exists(fs::path(WANGBAN_WEB_DIST) / "index.html"), "build the web UI first (scripts/test does)");
  // Besides the development CA's certificates (below): a test PKI whose SM2 root the kernel trusts,
  // with an ECDSA P-256 person (WebCrypto signs), and an RSA person (the kernel signs no RSA).
  TestPkiFolder folder_pki("wangban-browser-sign-");
  const fs::path& pki = folder_pki.dir;
  folder_pki.leaf({"李四", "440524188001010014", -1, 365, false, "digitalSignature,nonRepudiation", 10}, testpki::ec_key(), "ec");
  folder_pki.leaf({"赵五", "330106198503071238", -1, 365, false, "digitalSignature,nonRepudiation", 11}, testpki::rsa_key(), "rsa");

  PluginFolder folder({"greeting"});
  auto o = options(folder, {"greeting"});
  o.web_root = WANGBAN_WEB_DIST;
  o.demo_data = true;
  o.extra_toml = "[trust]\ndevelopment_ca = true\n";  // trusted for certificate login; its TSA stamps the signatures
  o.env = {{"WANGBAN_IDENTITY_TRUST_ANCHORS", (pki / "root.pem").string()}};
  KernelProcess k(o);

  // 王小明's certificate (with the issuing CA) and key from the development CA's command line, and
  // another person's key: not 王小明's.
  auto [cert_file, key_file] = issue_development_certificate(k, "person", "王小明", "11010519491231002X", pki / "ca");
  std::string other_key = issue_development_certificate(k, "person", "钱七", "110101199003070011", pki / "ca").key_file;

  std::string shot = (k.dir() / "sign").string();
  auto [out, status] = run_command("WANGBAN_URL=" + k.url() + " CERT_FILE=" + cert_file + " KEY_FILE=" + key_file +
                                   " WRONG_KEY_FILE=" + other_key + " PKI_DIR=" + pki.string() + " SCREENSHOT=" + shot +
                                   " node " WANGBAN_SIGN_SCRIPT " 2>&1");
  INFO(out);
  CHECK(status == 0);
  CHECK(out.find(" 0 failed") != std::string::npos);
}

TEST_CASE("the service-item catalogue edited, refused, reviewed and exported in a real browser") {
  REQUIRE_MESSAGE(fs::exists(fs::path(WANGBAN_WEB_DIST) / "index.html"), "build the web UI first (scripts/test does)");
  PluginFolder folder({"greeting", "items"});
  auto o = options(folder, {"greeting", "items"});
  o.web_root = WANGBAN_WEB_DIST;
  o.demo_data = true;  // 张三 edits the catalogue (item_editor), 李四 reviews it (item_reviewer); the demo catalogue is loaded
  KernelProcess k(o);
  std::string shot = (k.dir() / "items").string();
  auto [out, status] = run_command("WANGBAN_URL=" + k.url() + " SCREENSHOT=" + shot + " node " WANGBAN_ITEMS_SCRIPT " 2>&1");
  INFO(out);
  CHECK(status == 0);
  CHECK(out.find(" 0 failed") != std::string::npos);
}
