// DevelopmentCa: root and issuing CA on disk, leaf certificates per profile, the CRL.
#include "trust/development_ca.hpp"

#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "wangban/identifiers.hpp"
#include "trust/signing_key.hpp"
#include "util/digest.hpp"
#include "util/files.hpp"

namespace wangban::kernel {
namespace {

namespace fs = std::filesystem;

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

// The issued and revoked lists start empty: a missing file reads as empty.
std::string read_if_present(const fs::path& p) { return fs::exists(p) ? read_file(p) : std::string(); }

void append_line(const fs::path& p, const std::string& line) {
  std::ofstream out(p, std::ios::app);
  out << line << "\n";
  if (!out.flush()) throw std::runtime_error("cannot write " + p.string());
}

template <class Write>
std::string pem_of(Write&& write) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  write(bio.get());
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

X509Ptr parse_cert(const std::string& pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr c(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!c) throw std::runtime_error("not a PEM certificate");
  return c;
}

void add_name(X509_NAME* name, const char* field, const std::string& value) {
  if (value.empty()) return;
  X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0);
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) throw std::runtime_error("cannot make the extension " + value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

std::string random_serial_hex() {
  unsigned char bytes[16];
  RAND_bytes(bytes, sizeof bytes);
  bytes[0] &= 0x7F;  // positive
  bytes[0] |= 0x01;  // and never shortened by a leading zero
  return to_hex(bytes, sizeof bytes);
}

void set_serial(X509* c, const std::string& hex) {
  BIGNUM* bn = nullptr;
  BN_hex2bn(&bn, hex.c_str());
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c));
  BN_free(bn);
}

}  // namespace

struct DevelopmentCa::Impl {
  fs::path dir;
  SigningKey root_key, issuing_key;
  std::string root_pem, issuing_pem;
  std::mutex mutex;  // the issued and revoked lists
  Impl(fs::path d, SigningKey r, SigningKey i) : dir(std::move(d)), root_key(std::move(r)), issuing_key(std::move(i)) {}

  static EVP_PKEY* key_of(const SigningKey& k) { return static_cast<EVP_PKEY*>(k.key_.get()); }

  // A certificate with the common parts; the caller adds names and extensions, then signs it.
  static X509Ptr draft(const std::string& serial, long valid_days, EVP_PKEY* subject_key) {
    X509Ptr c(X509_new());
    X509_set_version(c.get(), 2);
    set_serial(c.get(), serial);
    X509_gmtime_adj(X509_getm_notBefore(c.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(c.get()), valid_days * 86400L);
    X509_set_pubkey(c.get(), subject_key);
    return c;
  }
};

DevelopmentCa::DevelopmentCa(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DevelopmentCa::~DevelopmentCa() = default;

std::unique_ptr<DevelopmentCa> DevelopmentCa::open_or_create(const fs::path& dir, const fs::path& master_key_file) {
  fs::create_directories(dir);
  auto impl = std::make_unique<Impl>(dir, SigningKey::load_or_create(dir / "root.key.pem", master_key_file),
                                     SigningKey::load_or_create(dir / "issuing.key.pem", master_key_file));
  if (!fs::exists(dir / "root.pem")) {
    EVP_PKEY* key = Impl::key_of(impl->root_key);
    auto root = Impl::draft(random_serial_hex(), 20 * 365, key);
    X509_NAME* name = X509_get_subject_name(root.get());
    add_name(name, "C", "CN");
    add_name(name, "O", "网办（开发用，非正式）");
    add_name(name, "CN", "网办开发测试根CA");
    X509_set_issuer_name(root.get(), name);
    add_ext(root.get(), root.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_ext(root.get(), root.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    add_ext(root.get(), root.get(), NID_subject_key_identifier, "hash");
    impl->root_key.sign_certificate(root.get());
    write_file_atomically(dir / "root.pem", pem_of([&](BIO* b) { PEM_write_bio_X509(b, root.get()); }));
    fs::remove(dir / "issuing.pem");  // a new root needs a new issuing CA
  }
  impl->root_pem = read_file(dir / "root.pem");
  if (!fs::exists(dir / "issuing.pem")) {
    auto root = parse_cert(impl->root_pem);
    auto issuing = Impl::draft(random_serial_hex(), 10 * 365, Impl::key_of(impl->issuing_key));
    X509_NAME* name = X509_get_subject_name(issuing.get());
    add_name(name, "C", "CN");
    add_name(name, "O", "网办（开发用，非正式）");
    add_name(name, "CN", "网办开发测试签发CA");
    X509_set_issuer_name(issuing.get(), X509_get_subject_name(root.get()));
    add_ext(issuing.get(), root.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
    add_ext(issuing.get(), root.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    add_ext(issuing.get(), root.get(), NID_subject_key_identifier, "hash");
    add_ext(issuing.get(), root.get(), NID_authority_key_identifier, "keyid:always");
    impl->root_key.sign_certificate(issuing.get());
    write_file_atomically(dir / "issuing.pem", pem_of([&](BIO* b) { PEM_write_bio_X509(b, issuing.get()); }));
  }
  impl->issuing_pem = read_file(dir / "issuing.pem");
  return std::unique_ptr<DevelopmentCa>(new DevelopmentCa(std::move(impl)));
}

const std::string& DevelopmentCa::root_pem() const { return impl_->root_pem; }
const std::string& DevelopmentCa::issuing_pem() const { return impl_->issuing_pem; }

std::string DevelopmentCa::issue(Profile profile, const CertificateRequestInfo& s, const std::string& public_key_pem,
                                 int valid_days) {
  if (s.common_name.empty()) throw std::invalid_argument("the certificate needs a common name");
  if (valid_days < 1 || valid_days > 3650) throw std::invalid_argument("validity must be 1 to 3650 days");
  std::string why;
  if (profile == Profile::person && !parse_citizen_id(s.serial_number, "99991231", &why))
    throw std::invalid_argument("a person's certificate needs a valid citizen ID number: " + why);
  if ((profile == Profile::legal || profile == Profile::seal) && !parse_credit_code(s.serial_number, &why))
    throw std::invalid_argument("this certificate needs a valid unified social credit code: " + why);
  if (profile == Profile::staff && s.serial_number.empty())
    throw std::invalid_argument("a staff certificate carries the account id as serialNumber");
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(public_key_pem.data(), static_cast<int>(public_key_pem.size())));
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr),
                                                          EVP_PKEY_free);
  if (!key || !EVP_PKEY_is_a(key.get(), "SM2")) throw std::invalid_argument("the public key must be an SM2 key (PEM)");

  auto issuer = parse_cert(impl_->issuing_pem);
  std::string serial = random_serial_hex();
  auto c = Impl::draft(serial, valid_days, key.get());
  X509_NAME* name = X509_get_subject_name(c.get());
  add_name(name, "C", "CN");
  add_name(name, "O", profile == Profile::legal && s.organization.empty() ? s.common_name : s.organization);
  add_name(name, "OU", s.organizational_unit);
  add_name(name, "CN", s.common_name);
  add_name(name, "serialNumber", s.serial_number);
  X509_set_issuer_name(c.get(), X509_get_subject_name(issuer.get()));
  add_ext(c.get(), issuer.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_ext(c.get(), issuer.get(), NID_key_usage,
          profile == Profile::kernel ? "critical,digitalSignature" : "critical,digitalSignature,nonRepudiation");
  if (profile == Profile::tsa) add_ext(c.get(), issuer.get(), NID_ext_key_usage, "critical,timeStamping");
  add_ext(c.get(), issuer.get(), NID_subject_key_identifier, "hash");
  add_ext(c.get(), issuer.get(), NID_authority_key_identifier, "keyid:always");
  impl_->issuing_key.sign_certificate(c.get());
  std::string pem = pem_of([&](BIO* b) { PEM_write_bio_X509(b, c.get()); });
  std::lock_guard lock(impl_->mutex);
  append_line(impl_->dir / "issued.txt", serial + " " + s.common_name);
  return pem;
}

std::pair<std::string, std::string> DevelopmentCa::new_sm2_key() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "SM2"), EVP_PKEY_free);
  if (!key) throw std::runtime_error("cannot generate an SM2 key");
  return {pem_of([&](BIO* b) { PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr); }),
          pem_of([&](BIO* b) { PEM_write_bio_PUBKEY(b, key.get()); })};
}

std::string DevelopmentCa::serial_of(const std::string& certificate_pem) {
  auto c = parse_cert(certificate_pem);
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(c.get()), nullptr);
  char* hex = BN_bn2hex(bn);
  std::string out(hex);
  OPENSSL_free(hex);
  BN_free(bn);
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

bool DevelopmentCa::revoke(const std::string& serial) {
  std::string serial_hex = serial;  // issued serials are kept in lower case
  for (auto& ch : serial_hex) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::lock_guard lock(impl_->mutex);
  std::istringstream issued(read_if_present(impl_->dir / "issued.txt"));
  std::string line;
  bool known = false;
  while (std::getline(issued, line)) known = known || line.rfind(serial_hex + " ", 0) == 0;
  if (!known) return false;
  append_line(impl_->dir / "revoked.txt", serial_hex + " " + std::to_string(std::time(nullptr)));
  return true;
}

std::string DevelopmentCa::crl_pem() {
  auto issuer = parse_cert(impl_->issuing_pem);
  std::unique_ptr<X509_CRL, decltype(&X509_CRL_free)> crl(X509_CRL_new(), X509_CRL_free);
  X509_CRL_set_version(crl.get(), 1);
  X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer.get()));
  std::unique_ptr<ASN1_TIME, decltype(&ASN1_TIME_free)> t(ASN1_TIME_new(), ASN1_TIME_free);
  X509_gmtime_adj(t.get(), -3600);
  X509_CRL_set1_lastUpdate(crl.get(), t.get());
  X509_gmtime_adj(t.get(), 7 * 86400L);
  X509_CRL_set1_nextUpdate(crl.get(), t.get());
  {
    std::lock_guard lock(impl_->mutex);
    std::istringstream revoked(read_if_present(impl_->dir / "revoked.txt"));
    std::string serial;
    long long when = 0;
    while (revoked >> serial >> when) {
      X509_REVOKED* r = X509_REVOKED_new();
      ASN1_INTEGER* number = nullptr;
      BIGNUM* bn = nullptr;
      BN_hex2bn(&bn, serial.c_str());
      number = BN_to_ASN1_INTEGER(bn, nullptr);
      BN_free(bn);
      X509_REVOKED_set_serialNumber(r, number);
      ASN1_INTEGER_free(number);
      std::unique_ptr<ASN1_TIME, decltype(&ASN1_TIME_free)> at(ASN1_TIME_set(nullptr, static_cast<time_t>(when)),
                                                               ASN1_TIME_free);
      X509_REVOKED_set_revocationDate(r, at.get());
      X509_CRL_add0_revoked(crl.get(), r);
    }
  }
  X509_CRL_sort(crl.get());
  impl_->issuing_key.sign_crl(crl.get());
  return pem_of([&](BIO* b) { PEM_write_bio_X509_CRL(b, crl.get()); });
}

}  // namespace wangban::kernel
