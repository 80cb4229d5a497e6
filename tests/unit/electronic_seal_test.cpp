// Electronic seals (GB/T 38540 v4): our DER read back field by field by `openssl asn1parse`,
// decoded again, the maker's SM2 signature over DER(SES_SealInfo) checked, and every
// truncation or alteration of the encoding refused without a crash.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "trust/der.hpp"
#include "trust/development_ca.hpp"
#include "trust/electronic_seal.hpp"
#include "trust/signing_key.hpp"
#include "util/digest.hpp"

using namespace wangban::kernel;
namespace fs = std::filesystem;

namespace {

std::string der_of(const std::string& pem) {
  BIO* b = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* c = PEM_read_bio_X509(b, nullptr, nullptr, nullptr);
  BIO_free(b);
  unsigned char* out = nullptr;
  int n = i2d_X509(c, &out);
  std::string der(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
  OPENSSL_free(out);
  X509_free(c);
  return der;
}

std::string run(const std::string& cmd) {
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[512];
  while (fgets(buf, sizeof buf, p)) out += buf;
  pclose(p);
  return out;
}

struct SealFixture {
  fs::path dir = fs::temp_directory_path() / ("wangban-seal-test-" + random_hex(6));
  std::unique_ptr<DevelopmentCa> ca = DevelopmentCa::open_or_create(dir / "ca", dir / "master-key");
  SigningKey maker = SigningKey::load_or_create(dir / "maker.pem", dir / "master-key");
  std::string maker_cert = der_of(ca->issue(DevelopmentCa::Profile::kernel, {"网办制章", "", "", ""}, maker.public_pem()));
  std::string signer_cert;
  ElectronicSeal seal;
  SealFixture() {
    auto [key, pub] = DevelopmentCa::new_sm2_key();
    signer_cert = der_of(ca->issue(DevelopmentCa::Profile::seal, {"西湖区行政服务中心公章", "西湖区行政服务中心", "", "91350100M000100Y43"}, pub));
    seal.es_id = "33010620260001";
    seal.name = "西湖区行政服务中心";
    seal.signer_certs = {signer_cert};
    seal.create_date = 1795737600;  // 2026-11-27
    seal.valid_start = 1795737600;
    seal.valid_end = 1795737600 + 3 * 365 * 86400;
    seal.picture = std::string("\x89PNG\r\n\x1a\n", 8) + "picture";
    make_seal(seal, maker, maker_cert);
  }
  ~SealFixture() { fs::remove_all(dir); }
};

}  // namespace

TEST_CASE("an electronic seal is DER exactly as GB/T 38540 lays it out, field by field") {
  SealFixture t;
  std::string der = encode_seal(t.seal);
  std::ofstream(t.dir / "seal.der", std::ios::binary) << der;
  // WANGBAN_SEAL_SEED=FILE keeps this seal as a seed for the fuzz corpus (tests/fuzz/corpus).
  if (const char* seed = std::getenv("WANGBAN_SEAL_SEED")) std::ofstream(seed, std::ios::binary) << der;
  std::string parsed = run("openssl asn1parse -inform DER -in " + (t.dir / "seal.der").string() + " 2>&1");
  INFO(parsed);
  CHECK(parsed.find("IA5STRING         :ES") != std::string::npos);
  CHECK(parsed.find("INTEGER           :04") != std::string::npos);
  CHECK(parsed.find("IA5STRING         :WANGBAN") != std::string::npos);
  CHECK(parsed.find("IA5STRING         :33010620260001") != std::string::npos);
  CHECK(parsed.find("UTF8STRING") != std::string::npos);
  CHECK(parsed.find("GENERALIZEDTIME   :20261127000000Z") != std::string::npos);
  CHECK(parsed.find("IA5STRING         :PNG") != std::string::npos);
  CHECK(parsed.find("INTEGER           :28") != std::string::npos);  // 40 mm
  CHECK((parsed.find(":SM2-with-SM3") != std::string::npos || parsed.find(":1.2.156.10197.1.501") != std::string::npos));
  CHECK(parsed.find("BIT STRING") != std::string::npos);
  CHECK(parsed.find("Error") == std::string::npos);

  auto back = decode_seal(der);
  CHECK(back.es_id == t.seal.es_id);
  CHECK(back.name == "西湖区行政服务中心");
  CHECK(back.type == 1);
  CHECK(back.signer_certs == t.seal.signer_certs);
  CHECK(back.valid_end == t.seal.valid_end);
  CHECK(back.picture == t.seal.picture);
  CHECK(back.maker_cert == t.maker_cert);
  CHECK(maker_signature_valid(back, t.maker));
  CHECK(encode_seal(back) == der);  // decoding and encoding again changes nothing
}

TEST_CASE("a seal whose information was changed after making, or signed by another maker, does not verify") {
  SealFixture t;
  auto changed = decode_seal(encode_seal(t.seal));
  changed.name = "伪造的公章";
  changed.seal_info_der.clear();  // re-encoded from the fields: the maker never signed this
  CHECK_FALSE(maker_signature_valid(changed, t.maker));
  auto other = SigningKey::load_or_create(t.dir / "other.pem", t.dir / "master-key");
  CHECK_FALSE(maker_signature_valid(decode_seal(encode_seal(t.seal)), other));
}

TEST_CASE("every truncation and many single-byte changes of a seal's DER are refused or decoded without a crash") {
  SealFixture t;
  std::string der = encode_seal(t.seal);
  int refused = 0;
  for (std::size_t n = 0; n < der.size(); ++n) {
    try {
      decode_seal(std::string_view(der).substr(0, n));
    } catch (const der::Error&) {
      ++refused;
    }
  }
  CHECK(refused == static_cast<int>(der.size()));  // no prefix is a whole seal
  int verified_after_change = 0;
  for (std::size_t i = 0; i < der.size(); i += 7) {
    std::string bad = der;
    bad[i] = static_cast<char>(bad[i] ^ 0x5A);
    try {
      auto s = decode_seal(bad);
      // (a changed maker certificate is caught by checking it against the trusted CA, as verification will)
      verified_after_change += maker_signature_valid(s, t.maker) && s.maker_cert == t.maker_cert &&
                               s.signer_certs == t.seal.signer_certs &&
                               s.name == t.seal.name && s.picture == t.seal.picture && s.valid_end == t.seal.valid_end;
    } catch (const der::Error&) {
    }
  }
  CHECK(verified_after_change == 0);  // a change is refused, or it breaks the signature or a field
  std::string v5 = der;
  auto at = v5.find(std::string("\x02\x01\x04", 3));  // header.version
  REQUIRE(at != std::string::npos);
  v5[at + 2] = 5;
  CHECK_THROWS_WITH_AS(decode_seal(v5), doctest::Contains("is not 4"), der::Error);
}
