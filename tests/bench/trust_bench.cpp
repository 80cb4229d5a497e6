// Trust-service micro-benchmarks (issue #5), beside `openssl speed sm2` and `openssl speed -evp sm3`
// run by scripts/bench in the same run: SM2 signatures (SM3, standard ID) and their verification
// through the kernel's SigningKey over 32 bytes; a detached CMS signature of a 1 MB document made
// and verified (SM3 of the document twice, one SM2 signature and one verification, plus the full
// report with the chain check); time-stamp tokens issued; seal signatures verified (the
// GB/T 38540 checks alone, and the full report with chains and the time stamp).
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "identity/certificate_verifier.hpp"
#include "trust/certificate.hpp"
#include "trust/cms_signature.hpp"
#include "trust/development_ca.hpp"
#include "trust/electronic_seal.hpp"
#include "trust/seal_signature.hpp"
#include "trust/signature_verifier.hpp"
#include "trust/signing_key.hpp"
#include "trust/time_stamp_authority.hpp"
#include "util/digest.hpp"
#include "util/files.hpp"

using namespace wangban::kernel;
using Clock = std::chrono::steady_clock;

template <class F>
double per_second(int n, F&& f) {
  auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) f(i);
  return n / std::chrono::duration<double>(Clock::now() - t0).count();
}

int main() {
  auto dir = std::filesystem::temp_directory_path() / ("wangban-trust-bench-" + random_hex(4));
  auto key = SigningKey::load_or_create(dir / "k.pem", dir / "master-key");
  std::string data = random_hex(16);
  std::string sig = key.sign(data);
  int ok = 0;
  double signs = per_second(3000, [&](int) { ok += !key.sign(data).empty(); });
  double verifies = per_second(3000, [&](int) { ok += key.verify(data, sig); });

  // A development PKI: a person's certificate, a TSA, a seal made by a maker.
  auto ca = DevelopmentCa::open_or_create(dir / "ca", dir / "master-key");
  write_file_atomically(dir / "ca.crl", ca->crl_pem());
  CertificateVerifier certificates({dir / "ca" / "root.pem"}, {dir / "ca.crl"}, {dir / "ca" / "issuing.pem"});
  SignatureVerifier reports(certificates, nullptr);
  auto signer = SigningKey::generate();
  std::string cert = read_certificate(ca->issue(DevelopmentCa::Profile::person, {"王小明", "", "", "11010519491231002X"},
                                                signer.public_pem()))
                         .der;
  auto tsa_key = std::make_shared<SigningKey>(SigningKey::generate());
  TimeStampAuthority tsa(tsa_key, read_certificate(ca->issue(DevelopmentCa::Profile::tsa, {"TSA", "", "", ""}, tsa_key->public_pem())).der,
                         {read_certificate(ca->issuing_pem()).der}, "1.2.3.4");

  std::string document(1 << 20, 'x');
  for (std::size_t i = 0; i < document.size(); i += 64) document[i] = static_cast<char>(i);
  std::string cms_der;
  double cms_signs = per_second(100, [&](int) { cms_der = cms::sign_detached(document, signer, cert, std::time(nullptr)); });
  double cms_verifies = per_second(100, [&](int) {
    auto sd = cms::parse(cms_der);
    ok += cms::check_signer(sd, sd.signers[0], document) == cms::SignerCheck::ok;
  });
  double cms_reports = per_second(100, [&](int) { ok += reports.verify(cms_der, document).ok; });
  double stamps = per_second(1000, [&](int) { ok += !tsa.stamp(data).empty(); });

  auto maker = SigningKey::generate();
  ElectronicSeal seal;
  seal.es_id = "33010600000001";
  seal.name = "西湖区行政服务中心业务专用章";
  seal.signer_certs = {cert};
  seal.create_date = seal.valid_start = std::time(nullptr) - 60;
  seal.valid_end = seal.valid_start + 86400;
  seal.picture = std::string(20000, 'p');  // about the size of a drawn round seal's PNG
  make_seal(seal, maker, read_certificate(ca->issue(DevelopmentCa::Profile::kernel, {"制章者", "", "", ""}, maker.public_pem())).der);
  std::string small = "受理通知书";
  std::string sealed = sign_with_seal(encode_seal(seal), signer, cert, digest_bytes("SM3", small), "x", std::time(nullptr),
                                      [&](std::string_view v) { return tsa.stamp(v); });
  std::string small_sm3 = digest_bytes("SM3", small);
  double seal_checks = per_second(1000, [&](int) { ok += verify_seal_signature(sealed, small_sm3).ok; });
  double seal_reports = per_second(500, [&](int) { ok += reports.verify(sealed, small).ok; });
  std::filesystem::remove_all(dir);

  std::printf("\nTrust services (one thread, same run as openssl speed sm2 and -evp sm3 above)\n");
  std::printf("  SM2 sign through SigningKey                       %9.0f /s\n", signs);
  std::printf("  SM2 verify through SigningKey                     %9.0f /s\n", verifies);
  std::printf("  CMS detached signature of 1 MB, make              %9.1f /s  (%.1f ms)\n", cms_signs, 1000 / cms_signs);
  std::printf("  CMS detached signature of 1 MB, verify            %9.1f /s  (%.1f ms)\n", cms_verifies, 1000 / cms_verifies);
  std::printf("  CMS 1 MB, full report (chain, CRL)                %9.1f /s  (%.1f ms)\n", cms_reports, 1000 / cms_reports);
  std::printf("  RFC 3161 time-stamp tokens issued                 %9.0f /s\n", stamps);
  std::printf("  seal signature, GB/T 38540 checks                 %9.0f /s\n", seal_checks);
  std::printf("  seal signature, full report (chains, time stamp)  %9.0f /s\n", seal_reports);
  int expected = 6000 + 100 + 100 + 1000 + 1000 + 500;
  if (ok != expected) std::printf("  (!) %d of %d operations failed\n", expected - ok, expected);
  return ok == expected ? 0 : 1;
}
