// The development CA: root and issuing CA kept under the master key, leaf certificates per
// profile that the kernel's own certificate verifier accepts, refusals of bad subjects and
// keys, and revocation through its CRL.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "identity/certificate_verifier.hpp"
#include "trust/development_ca.hpp"
#include "util/digest.hpp"
#include "wangban/problem.hpp"

using namespace wangban::kernel;
namespace fs = std::filesystem;

namespace {

struct Key {
  EVP_PKEY* k;
  explicit Key(const char* type) : k(std::string(type) == "SM2" ? EVP_PKEY_Q_keygen(nullptr, nullptr, "SM2")
                                                                 : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")) {}
  ~Key() { EVP_PKEY_free(k); }
  std::string public_pem() const {
    BIO* b = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(b, k);
    char* d = nullptr;
    long n = BIO_get_mem_data(b, &d);
    std::string out(d, static_cast<std::size_t>(n));
    BIO_free(b);
    return out;
  }
  std::string sign(const std::string& message) const {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pctx = nullptr;
    EVP_DigestSignInit_ex(md, &pctx, "SM3", nullptr, nullptr, k, nullptr);
    EVP_PKEY_CTX_set1_id(pctx, "1234567812345678", 16);
    std::size_t len = 0;
    EVP_DigestSign(md, nullptr, &len, reinterpret_cast<const unsigned char*>(message.data()), message.size());
    std::string sig(len, '\0');
    EVP_DigestSign(md, reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(message.data()), message.size());
    sig.resize(len);
    EVP_MD_CTX_free(md);
    return sig;
  }
};

struct TempCa {
  fs::path dir = fs::temp_directory_path() / ("wangban-ca-test-" + random_hex(6));
  std::unique_ptr<DevelopmentCa> ca = DevelopmentCa::open_or_create(dir / "ca", dir / "master-key");
  ~TempCa() { fs::remove_all(dir); }
  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return dir / name;
  }
};

std::string serial_hex(const std::string& pem) {
  BIO* b = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* c = PEM_read_bio_X509(b, nullptr, nullptr, nullptr);
  BIO_free(b);
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(c), nullptr);
  char* hex = BN_bn2hex(bn);
  std::string out(hex);
  OPENSSL_free(hex);
  BN_free(bn);
  X509_free(c);
  return out;
}

}  // namespace

TEST_CASE("the development CA keeps its root across restarts and its keys only encrypted") {
  TempCa t;
  std::string root = t.ca->root_pem();
  CHECK(root.find("BEGIN CERTIFICATE") != std::string::npos);
  auto key_text = [&](const char* f) {
    std::ifstream in(t.dir / "ca" / f);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  CHECK(key_text("root.key.pem").find("BEGIN ENCRYPTED PRIVATE KEY") != std::string::npos);
  CHECK(key_text("issuing.key.pem").find("BEGIN ENCRYPTED PRIVATE KEY") != std::string::npos);
  t.ca.reset();
  t.ca = DevelopmentCa::open_or_create(t.dir / "ca", t.dir / "master-key");
  CHECK(t.ca->root_pem() == root);
}

TEST_CASE("certificates of each profile verify with the kernel's verifier and carry their subject") {
  TempCa t;
  auto anchors = t.write("root.pem", t.ca->root_pem());
  Key person(("SM2"));
  auto cert = t.ca->issue(DevelopmentCa::Profile::person, {"张三", "", "", "11010519491231002X"}, person.public_pem());
  CertificateVerifier verifier({anchors}, {});
  std::string nonce = random_hex(32);
  auto subject = verifier.verify({cert, t.ca->issuing_pem()}, nonce, person.sign(nonce));
  CHECK(subject.common_name == "张三");
  CHECK(subject.serial_number == "11010519491231002X");
  CHECK(subject.key_algorithm == "SM2");

  Key legal("SM2");
  auto legal_cert = t.ca->issue(DevelopmentCa::Profile::legal, {"西湖区测试服务中心", "", "", "91350100M000100Y43"},
                                legal.public_pem());
  auto legal_subject = verifier.verify({legal_cert, t.ca->issuing_pem()}, nonce, legal.sign(nonce));
  CHECK(legal_subject.organization == "西湖区测试服务中心");  // O defaults to the name for a legal person
  CHECK(legal_subject.serial_number == "91350100M000100Y43");

  // The extensions as `openssl x509` reads them.
  auto file = t.write("legal.pem", legal_cert);
  FILE* p = popen(("openssl x509 -noout -text -in " + file.string() + " 2>&1").c_str(), "r");
  std::string text;
  char buf[512];
  while (fgets(buf, sizeof buf, p)) text += buf;
  pclose(p);
  INFO(text);
  CHECK(text.find("X509v3 Basic Constraints: critical") != std::string::npos);
  CHECK(text.find("CA:FALSE") != std::string::npos);
  CHECK(text.find("X509v3 Key Usage: critical") != std::string::npos);
  CHECK(text.find("Digital Signature, Non Repudiation") != std::string::npos);
  CHECK(text.find("X509v3 Authority Key Identifier") != std::string::npos);
  CHECK(text.find("SM2-with-SM3") != std::string::npos);
}

TEST_CASE("the development CA refuses a bad ID number, a bad credit code and a key that is not SM2") {
  TempCa t;
  Key sm2("SM2"), ec("EC");
  CHECK_THROWS_AS(t.ca->issue(DevelopmentCa::Profile::person, {"张三", "", "", "110105194912310021"}, sm2.public_pem()),
                  std::invalid_argument);
  CHECK_THROWS_AS(t.ca->issue(DevelopmentCa::Profile::seal, {"公章", "某局", "", "91350100M000100Y44"}, sm2.public_pem()),
                  std::invalid_argument);
  CHECK_THROWS_AS(t.ca->issue(DevelopmentCa::Profile::kernel, {"网办平台", "", "", ""}, ec.public_pem()),
                  std::invalid_argument);
  CHECK_THROWS_AS(t.ca->issue(DevelopmentCa::Profile::staff, {"李四", "西湖区", "行政服务中心", ""}, sm2.public_pem()),
                  std::invalid_argument);
  CHECK_NOTHROW(t.ca->issue(DevelopmentCa::Profile::staff, {"李四", "西湖区", "行政服务中心", "d1000000-0000-4000-8000-000000000003"},
                            sm2.public_pem()));
}

TEST_CASE("a revoked certificate is on the CA's CRL and refused by the verifier") {
  TempCa t;
  auto anchors = t.write("root.pem", t.ca->root_pem());
  Key person("SM2");
  auto cert = t.ca->issue(DevelopmentCa::Profile::person, {"王五", "", "", "440524188001010014"}, person.public_pem());
  CHECK_FALSE(t.ca->revoke("00ff"));
  CHECK(t.ca->revoke(serial_hex(cert)));
  auto crl = t.write("ca.crl", t.ca->crl_pem());
  CertificateVerifier verifier({anchors}, {crl});
  std::string nonce = random_hex(32);
  try {
    verifier.verify({cert, t.ca->issuing_pem()}, nonce, person.sign(nonce));
    FAIL("a revoked certificate was accepted");
  } catch (const wangban::Problem& p) {
    CHECK(p.code() == "auth.cert_revoked");
  }
}
