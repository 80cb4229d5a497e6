// Electronic seals (GB/T 38540 v4): our DER read back field by field by `openssl asn1parse`,
// decoded again, the maker's SM2 signature over DER(SES_SealInfo) checked, and every
// truncation or alteration of the encoding refused without a crash; seal signatures over a
// document's digest verified in order, each failure with its reason.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "trust/der.hpp"
#include "trust/development_ca.hpp"
#include "trust/electronic_seal.hpp"
#include "trust/seal_signature.hpp"
#include "trust/signing_key.hpp"
#include "util/digest.hpp"
#include "shell.hpp"

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

struct SealFixture {
  fs::path dir = fs::temp_directory_path() / ("wangban-seal-test-" + random_hex(6));
  std::unique_ptr<DevelopmentCa> ca = DevelopmentCa::open_or_create(dir / "ca", dir / "master-key");
  SigningKey maker = SigningKey::load_or_create(dir / "maker.pem", dir / "master-key");
  std::string maker_cert = der_of(ca->issue(DevelopmentCa::Profile::kernel, {"网办制章", "", "", ""}, maker.public_pem()));
  SigningKey signer = SigningKey::load_or_create(dir / "signer.pem", dir / "master-key");
  std::string signer_cert;
  ElectronicSeal seal;
  SealFixture() {
    signer_cert = der_of(ca->issue(DevelopmentCa::Profile::seal,
                                   {"西湖区行政服务中心公章", "西湖区行政服务中心", "", "91350100M000100Y43"}, signer.public_pem()));
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
  std::string parsed = shell_output("openssl asn1parse -inform DER -in " + (t.dir / "seal.der").string() + " 2>&1");
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

TEST_CASE("a seal signature over a document verifies, and each kind of damage is named") {
  SealFixture t;
  std::string seal = encode_seal(t.seal);
  std::string document = "受理通知书：个体工商户设立登记，受理编号 330106-2026-000123";
  std::string digest;  // SM3 of the document
  {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    unsigned char out[32];
    unsigned int n = 0;
    EVP_DigestInit_ex(md, EVP_sm3(), nullptr);
    EVP_DigestUpdate(md, document.data(), document.size());
    EVP_DigestFinal_ex(md, out, &n);
    EVP_MD_CTX_free(md);
    digest.assign(reinterpret_cast<char*>(out), n);
  }
  std::time_t at = t.seal.valid_start + 86400;
  std::string signed_der = sign_with_seal(seal, t.signer, t.signer_cert, digest, "/Doc_0/Signs/Sign_0/Signature.xml", at);
  std::ofstream(t.dir / "signature.der", std::ios::binary) << signed_der;
  std::string parsed = shell_output("openssl asn1parse -inform DER -in " + (t.dir / "signature.der").string() + " 2>&1");
  CHECK(parsed.find("IA5STRING         :/Doc_0/Signs/Sign_0/Signature.xml") != std::string::npos);
  CHECK(parsed.find("Error") == std::string::npos);

  auto good = verify_seal_signature(signed_der, digest);
  CHECK(good.ok);
  CHECK(good.code == "ok");
  CHECK(good.seal.name == "西湖区行政服务中心");
  CHECK(good.signed_at == at);
  CHECK_FALSE(good.time_stamp_token);

  std::string changed_digest = digest;
  changed_digest[0] ^= 1;  // the document changed by one bit after signing
  CHECK(verify_seal_signature(signed_der, changed_digest).code == "signature.digest_mismatch");
  std::string tampered = signed_der;
  tampered[tampered.find("Sign_0")] = 'X';  // what was signed changed after signing
  CHECK(verify_seal_signature(tampered, digest).code == "signature.invalid");
  auto other = SigningKey::load_or_create(t.dir / "other-signer.pem", t.dir / "master-key");
  auto other_cert = der_of(t.ca->issue(DevelopmentCa::Profile::staff, {"冒用者", "", "", "x"}, other.public_pem()));
  CHECK(verify_seal_signature(sign_with_seal(seal, other, other_cert, digest, "x", at), digest).code ==
        "seal.signer_not_listed");
  // A seal presenting another maker's certificate with the first maker's signature.
  auto other_maker = SigningKey::load_or_create(t.dir / "other-maker.pem", t.dir / "master-key");
  ElectronicSeal forged = t.seal;
  forged.maker_cert = der_of(t.ca->issue(DevelopmentCa::Profile::kernel, {"另一制章者", "", "", ""}, other_maker.public_pem()));
  auto forged_signature = sign_with_seal(encode_seal(forged), t.signer, t.signer_cert, digest, "x", at);
  CHECK(verify_seal_signature(forged_signature, digest).code == "seal.maker_invalid");
  CHECK(verify_seal_signature(sign_with_seal(seal, t.signer, t.signer_cert, digest, "x", t.seal.valid_end + 1), digest).code ==
        "seal.not_valid_then");
  CHECK(verify_seal_signature(std::string_view(signed_der).substr(0, signed_der.size() / 2), digest).code ==
        "signature.malformed");
  CHECK(verify_seal_signature("garbage", digest).code == "signature.malformed");
  // A time stamp over the signature value rides in timeStamp [0] and is handed back as is.
  auto stamped = sign_with_seal(seal, t.signer, t.signer_cert, digest, "x", at,
                                [](std::string_view value) { return "token over " + std::to_string(value.size()); });
  auto with_stamp = verify_seal_signature(stamped, digest);
  CHECK(with_stamp.ok);
  REQUIRE(with_stamp.time_stamp_token);
  CHECK(*with_stamp.time_stamp_token == "token over " + std::to_string(with_stamp.signature_value.size()));
}
