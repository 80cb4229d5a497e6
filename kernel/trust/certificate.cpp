// Certificate: X.509 fields over OpenSSL 3 and signature checks with the certificate's key.
#include "trust/certificate.hpp"

#include <memory>
#include <stdexcept>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "util/digest.hpp"

namespace wangban::kernel {
namespace {

constexpr char kSm2Id[] = "1234567812345678";

struct X509Free { void operator()(X509* x) const { X509_free(x); } };
struct BioFree { void operator()(BIO* b) const { BIO_free(b); } };
struct MdCtxFree { void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); } };
using X509Ptr = std::unique_ptr<X509, X509Free>;

X509Ptr parse(std::string_view bytes) {
  X509Ptr cert;
  if (bytes.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos) {
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
    cert.reset(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  } else {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    cert.reset(d2i_X509(nullptr, &p, static_cast<long>(bytes.size())));
    if (cert && p != reinterpret_cast<const unsigned char*>(bytes.data()) + bytes.size()) cert.reset();
  }
  ERR_clear_error();
  if (!cert) throw std::invalid_argument("not an X.509 certificate (DER or PEM)");
  return cert;
}

std::string name_field(X509_NAME* name, int nid) {
  int i = X509_NAME_get_index_by_NID(name, nid, -1);
  if (i < 0) return {};
  unsigned char* utf8 = nullptr;
  int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
  if (n < 0) return {};
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
  OPENSSL_free(utf8);
  return out;
}

template <typename T, typename F>
std::string encode(T* object, F i2d) {
  unsigned char* der = nullptr;
  int n = i2d(object, &der);
  if (n <= 0) throw std::invalid_argument("cannot encode a certificate field");
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
  OPENSSL_free(der);
  return out;
}

std::time_t to_time_t(const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return timegm(&tm);
}

}  // namespace

CertificateInfo read_certificate(std::string_view der_or_pem) {
  X509Ptr cert = parse(der_or_pem);
  CertificateInfo c;
  c.der = encode(cert.get(), i2d_X509);
  X509_NAME* subject = X509_get_subject_name(cert.get());
  c.common_name = name_field(subject, NID_commonName);
  c.organization = name_field(subject, NID_organizationName);
  c.organizational_unit = name_field(subject, NID_organizationalUnitName);
  c.serial_number = name_field(subject, NID_serialNumber);
  c.issuer_common_name = name_field(X509_get_issuer_name(cert.get()), NID_commonName);
  c.issuer_der = encode(X509_get_issuer_name(cert.get()), i2d_X509_NAME);
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.get());
  c.serial_der = encode(serial, i2d_ASN1_INTEGER);
  c.serial_hex = to_hex(ASN1_STRING_get0_data(serial), static_cast<std::size_t>(ASN1_STRING_length(serial)));
  c.not_before = to_time_t(X509_get0_notBefore(cert.get()));
  c.not_after = to_time_t(X509_get0_notAfter(cert.get()));
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  if (!key) throw std::invalid_argument("the certificate's public key cannot be read");
  c.key_algorithm = EVP_PKEY_is_a(key, "SM2") ? "SM2" : EVP_PKEY_is_a(key, "EC") ? "EC"
                    : EVP_PKEY_is_a(key, "RSA")                                  ? "RSA"
                                                                                 : EVP_PKEY_get0_type_name(key);
  c.fingerprint = sha256_hex(c.der);
  std::uint32_t flags = X509_get_extension_flags(cert.get());
  c.key_usage_present = flags & EXFLAG_KUSAGE;
  std::uint32_t usage = X509_get_key_usage(cert.get());
  c.digital_signature = !c.key_usage_present || (usage & KU_DIGITAL_SIGNATURE);
  c.non_repudiation = !c.key_usage_present || (usage & KU_NON_REPUDIATION);
  c.time_stamping = (flags & EXFLAG_XKUSAGE) && (X509_get_extended_key_usage(cert.get()) & XKU_TIMESTAMP);
  ERR_clear_error();
  return c;
}

std::vector<std::string> certificates_in_pem(std::string_view pem) {
  std::vector<std::string> out;
  constexpr std::string_view end = "-----END CERTIFICATE-----";
  for (std::size_t at = 0, stop; (stop = pem.find(end, at)) != std::string_view::npos; at = stop + end.size())
    out.push_back(read_certificate(pem.substr(at, stop + end.size() - at)).der);
  return out;
}

std::string certificate_pem(std::string_view der) {
  std::string b64 = base64_encode(der), out = "-----BEGIN CERTIFICATE-----\n";
  for (std::size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  return out + "-----END CERTIFICATE-----\n";
}

bool signature_valid(std::string_view certificate_der, const char* digest, std::string_view data,
                     std::string_view signature) {
  X509Ptr cert;
  try {
    cert = parse(certificate_der);
  } catch (const std::invalid_argument&) {
    return false;
  }
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  if (!key) return false;
  bool sm2 = EVP_PKEY_is_a(key, "SM2");
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok = EVP_DigestVerifyInit_ex(md.get(), &pctx, sm2 ? "SM3" : digest, nullptr, nullptr, key, nullptr) == 1;
  if (ok && sm2) ok = EVP_PKEY_CTX_set1_id(pctx, kSm2Id, sizeof kSm2Id - 1) == 1;
  ok = ok && EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                              reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace wangban::kernel
