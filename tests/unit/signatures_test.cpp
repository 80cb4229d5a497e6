// Electronic signatures below the HTTP API: CMS SignedData (GB/T 35275 conventions) made and
// read back, time-stamp tokens from the TSA checked, certificate chains checked at a point in
// time (expired, not yet valid, revoked before or after signing), and the verification report of
// seal signatures whose maker is not trusted; every truncation of a CMS refused without a crash.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "identity/certificate_verifier.hpp"
#include "trust/certificate.hpp"
#include "trust/cms_signature.hpp"
#include "trust/der.hpp"
#include "trust/development_ca.hpp"
#include "trust/electronic_seal.hpp"
#include "trust/seal_signature.hpp"
#include "trust/signature_verifier.hpp"
#include "trust/signing_key.hpp"
#include "trust/time_stamp_authority.hpp"
#include "util/digest.hpp"
#include "shell.hpp"
#include "util/files.hpp"

using namespace wangban::kernel;
using wangban::VerificationReport;
namespace fs = std::filesystem;

namespace {

struct Pki {
  fs::path dir = fs::temp_directory_path() / ("wangban-signatures-test-" + random_hex(6));
  std::unique_ptr<DevelopmentCa> ca = DevelopmentCa::open_or_create(dir / "ca", dir / "master-key");
  SigningKey signer = SigningKey::generate();
  std::string signer_cert = read_certificate(ca->issue(DevelopmentCa::Profile::person, {"王小明", "", "", "11010519491231002X"},
                                                       signer.public_pem()))
                                .der;
  std::shared_ptr<SigningKey> tsa_key = std::make_shared<SigningKey>(SigningKey::generate());
  std::string tsa_cert =
      read_certificate(ca->issue(DevelopmentCa::Profile::tsa, {"测试时间戳服务", "", "", ""}, tsa_key->public_pem())).der;
  TimeStampAuthority tsa{tsa_key, tsa_cert, {read_certificate(ca->issuing_pem()).der}, "1.2.3.4"};

  Pki() { write_file_atomically(dir / "ca.crl", ca->crl_pem()); }
  ~Pki() { fs::remove_all(dir); }
  CertificateVerifier verifier() {
    write_file_atomically(dir / "ca.crl", ca->crl_pem());
    return CertificateVerifier({dir / "ca" / "root.pem"}, {dir / "ca.crl"}, {dir / "ca" / "issuing.pem"});
  }
};

std::optional<bool> check_of(const VerificationReport& r, const std::string& name) {
  for (auto& c : r.checks)
    if (c.name == name) return c.ok;
  FAIL("no check " << name);
  return std::nullopt;
}

}  // namespace

TEST_CASE("a detached CMS signature is DER as GB/T 35275 names it and verifies with a time stamp") {
  Pki p;
  std::string document = "申请材料清单：营业执照申请书";
  cms::SignedDataParts parts;
  parts.signer_certificate = p.signer_cert;
  parts.more_certificates = {read_certificate(p.ca->issuing_pem()).der};
  parts.signed_attributes = cms::signed_attributes(cms::kGbData, digest_bytes("SM3", document), 1795737600);
  parts.signature = p.signer.sign(parts.signed_attributes);
  parts.unsigned_attributes = {cms::attribute(cms::kSignatureTimeStampToken, p.tsa.stamp(parts.signature))};
  std::string signed_data = cms::assemble(parts);

  std::ofstream(p.dir / "s.p7s", std::ios::binary) << signed_data;
  std::string parsed = shell_output("openssl asn1parse -inform DER -in " + (p.dir / "s.p7s").string() + " 2>&1");
  CHECK(parsed.find(":1.2.156.10197.6.1.4.2.2") != std::string::npos);  // signedData (GB/T 35275)
  CHECK(parsed.find(":1.2.156.10197.6.1.4.2.1") != std::string::npos);  // data
  CHECK(parsed.find(":sm3") != std::string::npos);                      // 1.2.156.10197.1.401
  CHECK(parsed.find(":1.2.156.10197.1.301.1") != std::string::npos);    // SM2 signature
  CHECK(parsed.find(":messageDigest") != std::string::npos);
  CHECK(parsed.find(":id-smime-aa-timeStampToken") != std::string::npos);
  CHECK(parsed.find("UTCTIME           :261127000000Z") != std::string::npos);
  CHECK(parsed.find("Error") == std::string::npos);

  auto back = cms::parse(signed_data);
  REQUIRE(back.signers.size() == 1);
  CHECK(back.certificates.size() == 2);
  CHECK(back.signers[0].certificate == p.signer_cert);
  CHECK(back.signers[0].signing_time == 1795737600);
  REQUIRE(back.signers[0].time_stamp_token);
  CHECK(cms::check_signer(back, back.signers[0], document) == cms::SignerCheck::ok);
  CHECK(cms::check_signer(back, back.signers[0], document + " ") == cms::SignerCheck::digest_mismatch);

  auto verifier = p.verifier();
  SignatureVerifier reports(verifier, nullptr);
  auto report = reports.verify(signed_data, document);
  INFO(report.message);
  CHECK(report.ok);
  CHECK(report.kind == "cms");
  CHECK(check_of(report, "timestamp") == true);
  CHECK(report.signer->serial_number == "11010519491231002X");
  // The one-step signature made here has no time stamp: valid, the time unproven.
  auto plain = reports.verify(cms::sign_detached(document, p.signer, p.signer_cert, 1795737600), document);
  CHECK(plain.ok);
  CHECK_FALSE(check_of(plain, "timestamp").has_value());

  // Every truncation of the DER is refused as malformed, never a crash.
  for (std::size_t n = 0; n < signed_data.size(); n += 7) CHECK(reports.verify(signed_data.substr(0, n), document).code == "signature.malformed");
}

TEST_CASE("time-stamp tokens prove the time of what was stamped and nothing else") {
  Pki p;
  std::string token = p.tsa.stamp("signature value");
  auto good = check_time_stamp(token, "signature value");
  CHECK(good.ok);
  CHECK(good.time >= std::time(nullptr) - 5);
  CHECK(good.tsa_certificate == p.tsa_cert);
  CHECK(check_time_stamp(token, "another value").code == "timestamp.imprint_mismatch");
  CHECK(check_time_stamp(token.substr(0, token.size() - 1), "signature value").code == "timestamp.malformed");
  std::string tampered = token;
  tampered[tampered.size() - 2] ^= 0x01;  // inside the TSA's signature value
  CHECK_FALSE(check_time_stamp(tampered, "signature value").ok);
  // A certificate without timeStamping in its extended key usage cannot be a TSA.
  CHECK_THROWS_AS(TimeStampAuthority(p.tsa_key, p.signer_cert, {}, "1.2.3.4"), std::invalid_argument);
}

TEST_CASE("a certificate chain is checked at the signing time, revocation before and after it told apart") {
  Pki p;
  auto info = read_certificate(p.signer_cert);
  {
    auto verifier = p.verifier();
    CHECK(verifier.check_chain(p.signer_cert, {}, std::time(nullptr)).ok);
    CHECK(verifier.check_chain(p.signer_cert, {}, info.not_after + 86400).reason == "expired");
    CHECK(verifier.check_chain(p.signer_cert, {}, info.not_before - 86400).reason == "not_yet_valid");
    auto outsider = DevelopmentCa::open_or_create(p.dir / "other-ca", p.dir / "master-key");
    auto stranger = read_certificate(outsider->issue(DevelopmentCa::Profile::person, {"外人", "", "", "11010519491231002X"},
                                                     SigningKey::generate().public_pem()))
                        .der;
    CHECK(verifier.check_chain(stranger, {}, std::time(nullptr)).reason == "untrusted");
    CHECK(verifier.check_chain("garbage", {}, std::time(nullptr)).reason == "malformed");
  }
  REQUIRE(p.ca->revoke(info.serial_hex));
  auto verifier = p.verifier();
  auto now = verifier.check_chain(p.signer_cert, {}, std::time(nullptr) + 5);
  CHECK(now.reason == "revoked");
  auto earlier = verifier.check_chain(p.signer_cert, {}, std::time(nullptr) - 3600);
  CHECK(earlier.ok);  // signed (and time-stamped) an hour before the revocation
  CHECK(earlier.revoked_at > 0);
}

TEST_CASE("a seal made by an untrusted maker is reported as such, the rest of the seal checked") {
  Pki p;
  auto outsider = DevelopmentCa::open_or_create(p.dir / "maker-ca", p.dir / "master-key");
  auto maker = SigningKey::generate();
  ElectronicSeal seal;
  seal.es_id = "33010600000001";
  seal.name = "伪造印章";
  seal.signer_certs = {p.signer_cert};
  seal.create_date = seal.valid_start = std::time(nullptr) - 60;
  seal.valid_end = seal.valid_start + 86400;
  seal.picture = "png";
  make_seal(seal, maker, read_certificate(outsider->issue(DevelopmentCa::Profile::kernel, {"外部制章者", "", "", ""},
                                                          maker.public_pem()))
                             .der);
  std::string document = "文档";
  auto signature = sign_with_seal(encode_seal(seal), p.signer, p.signer_cert, digest_bytes("SM3", document), "x",
                                  std::time(nullptr), [&](std::string_view v) { return p.tsa.stamp(v); });
  auto verifier = p.verifier();
  SignatureVerifier reports(verifier, [](const std::string&) { return std::nullopt; });
  auto report = reports.verify(signature, document);
  CHECK_FALSE(report.ok);
  CHECK(report.code == "seal.maker_untrusted");
  CHECK(check_of(report, "seal_maker") == false);
  CHECK(check_of(report, "signature") == true);
  CHECK(check_of(report, "chain") == true);
  CHECK(check_of(report, "timestamp") == true);
  CHECK(check_of(report, "digest") == true);
  CHECK_FALSE(check_of(report, "seal_status").has_value());  // not a seal of this platform
  // A registry that says the seal was revoked before the stamped time.
  SignatureVerifier revoked(verifier, [](const std::string&) {
    return RegisteredSealState{"organisation", "revoked", 0, std::time(nullptr) - 30};
  });
  CHECK(check_of(revoked.verify(signature, document), "seal_status") == false);
}
