// Certificate: what the trust services read from an X.509 certificate (subject, issuer and
// serial for CMS's IssuerAndSerialNumber, validity, key usage) and the one check of a signature
// with a certificate's public key — SM2 with SM3 and the standard distinguishing ID
// "1234567812345678" (GB/T 35276), ECDSA or RSA PKCS#1 v1.5 with the named digest. Pure
// functions over bytes; thread-safe.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace wangban::kernel {

struct CertificateInfo {
  std::string der;
  std::string common_name, organization, organizational_unit, serial_number;  // subject; serialNumber is 2.5.4.5
  std::string issuer_common_name;
  std::string serial_hex;             // the certificate's serial number, lowercase hex
  std::string issuer_der, serial_der;  // DER Name and INTEGER, as CMS's IssuerAndSerialNumber holds them
  std::time_t not_before = 0, not_after = 0;
  std::string key_algorithm;  // "SM2", "EC", "RSA" or the OpenSSL name
  std::string fingerprint;    // SHA-256 of the DER, hex
  bool key_usage_present = false, digital_signature = false, non_repudiation = false;
  bool time_stamping = false;  // extendedKeyUsage id-kp-timeStamping
};

// Reads a certificate in DER or PEM; throws std::invalid_argument when it is neither.
CertificateInfo read_certificate(std::string_view der_or_pem);

// The DER certificates of PEM text (a chain file: leaf first), in order; throws std::invalid_argument
// when a block is not a certificate. No certificate gives an empty list.
std::vector<std::string> certificates_in_pem(std::string_view pem);

// PEM text of a DER certificate.
std::string certificate_pem(std::string_view der);

// `signature` over `data` with the certificate's public key. `digest` names the hash for ECDSA and
// RSA ("SHA256", ...); SM2 keys always use SM3 with the standard ID. False for any failure.
bool signature_valid(std::string_view certificate_der, const char* digest, std::string_view data,
                     std::string_view signature);

}  // namespace wangban::kernel
