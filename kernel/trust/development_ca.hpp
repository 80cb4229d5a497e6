// DevelopmentCa: the certificate authority that the embedded default and the tests use — a
// self-signed root and an issuing CA below it, both SM2, whose keys are kept like the kernel's
// (encrypted PKCS#8 under the master key). It issues SM2 certificates in five profiles and
// publishes a CRL. A production configuration never issues: it trusts configured anchors and
// CRLs instead (identity.trust_anchors, identity.crl_files / crl_urls).
//
// Profiles (the subject and extensions each gets):
//   person  CN = name, serialNumber = citizen ID number (GB 11643); digitalSignature, nonRepudiation
//   legal   CN = O = organisation name, serialNumber = unified social credit code (GB 32100) — our
//           profile for the electronic business licence; digitalSignature, nonRepudiation
//   staff   CN = name, O = organisation, OU = department, serialNumber = account id; digitalSignature, nonRepudiation
//   seal    CN = seal name, O = organisation, serialNumber = credit code; digitalSignature, nonRepudiation
//           (the certificate of a department's seal key, GB/T 38540)
//   kernel  CN = the platform's name; digitalSignature
//   tsa     CN = the time-stamping service; digitalSignature, nonRepudiation, extendedKeyUsage
//           timeStamping (critical, the only purpose — RFC 3161 §2.3)
// Every leaf: v3, a random 128-bit serial, basicConstraints CA:FALSE (critical), keyUsage
// (critical), subject and authority key identifiers. Issued serials and revocations are kept
// in the CA's folder (development use; not a production CA database). Thread-safe.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace wangban::kernel {

class SigningKey;

struct CertificateRequestInfo {
  std::string common_name;
  std::string organization;
  std::string organizational_unit;
  std::string serial_number;  // subject serialNumber (2.5.4.5)
};

class DevelopmentCa {
 public:
  enum class Profile { person, legal, staff, seal, kernel, tsa };

  // Opens the CA in `dir`, creating root and issuing CA on first use.
  static std::unique_ptr<DevelopmentCa> open_or_create(const std::filesystem::path& dir,
                                                       const std::filesystem::path& master_key_file);
  ~DevelopmentCa();

  const std::string& root_pem() const;
  const std::string& issuing_pem() const;
  // Issues a certificate for the PEM public key; returns the certificate PEM. Problem-free
  // std::invalid_argument for an empty name, a bad key, or a serialNumber the profile rejects.
  std::string issue(Profile profile, const CertificateRequestInfo& subject, const std::string& public_key_pem,
                    int valid_days = 365);
  // For tests and demos only (applicants make their own keys): a new SM2 key as unencrypted
  // PKCS#8 PEM, and its public key PEM.
  static std::pair<std::string, std::string> new_sm2_key();
  // The serial number of a PEM certificate, in hex (as revoke() takes it).
  static std::string serial_of(const std::string& certificate_pem);
  // Revokes by serial (hex, as issued); the next crl_pem() lists it. False when unknown.
  bool revoke(const std::string& serial_hex);
  // The issuing CA's CRL (SM2/SM3), valid for 7 days from now.
  std::string crl_pem();

 private:
  struct Impl;
  explicit DevelopmentCa(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace wangban::kernel
