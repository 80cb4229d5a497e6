// SigningKey: OpenSSL 3 key generation, encrypted PKCS#8 storage and SM2 signatures.
#include "trust/signing_key.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <stdexcept>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "util/digest.hpp"
#include "util/files.hpp"

namespace wangban::kernel {
namespace {

namespace fs = std::filesystem;

constexpr char kSm2Id[] = "1234567812345678";

EVP_PKEY* raw(const std::shared_ptr<void>& k) { return static_cast<EVP_PKEY*>(k.get()); }
std::shared_ptr<void> own(EVP_PKEY* k) {
  return std::shared_ptr<void>(k, [](void* p) { EVP_PKEY_free(static_cast<EVP_PKEY*>(p)); });
}

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};

}  // namespace

std::string load_master_key(const fs::path& file) {
  if (const char* env = std::getenv("WANGBAN_MASTER_KEY"); env && *env) {
    if (std::string(env).size() < 32) throw std::runtime_error("WANGBAN_MASTER_KEY must be at least 32 characters");
    return env;
  }
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0) {
    if (st.st_mode & 077)
      throw std::runtime_error("the master key file " + file.string() +
                               " may be read by others (mode " + std::to_string(st.st_mode & 0777) + "); chmod 600 it");
    std::string key = read_file(file);
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
    if (key.size() < 32) throw std::runtime_error("the master key in " + file.string() + " is shorter than 32 characters");
    return key;
  }
  std::string key = random_hex(32);
  write_file_atomically(file, key + "\n", 0600);
  return key;
}

namespace {

std::string public_pem_of(EVP_PKEY* key) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(bio.get(), key);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string key_id_of(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(key, &der);
  if (n <= 0) throw std::runtime_error("cannot encode the public key");
  std::string id = sm3_hex(std::string_view(reinterpret_cast<char*>(der), static_cast<std::size_t>(n)));
  OPENSSL_free(der);
  return id;
}

}  // namespace

SigningKey::SigningKey(std::shared_ptr<void> key, bool has_private)
    : key_(std::move(key)), has_private_(has_private), public_pem_(public_pem_of(raw(key_))), key_id_(key_id_of(raw(key_))) {}
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;
SigningKey::~SigningKey() = default;

fs::path SigningKey::public_file_of(const fs::path& key_file) { return key_file.string() + ".pub"; }

SigningKey SigningKey::load_or_create(const fs::path& key_file, const fs::path& master_key_file) {
  std::string passphrase = load_master_key(master_key_file);
  if (fs::exists(key_file)) {
    std::string pem = read_file(key_file);
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, passphrase.data());
    if (!key)
      throw std::runtime_error("cannot open the kernel signing key " + key_file.string() +
                               " (wrong master key, or the file is damaged)");
    SigningKey k(own(key), true);
    write_file_atomically(public_file_of(key_file), k.public_pem(), 0644);
    return k;
  }
  SigningKey k = generate();
  write_file_atomically(key_file, k.encrypted_pem(passphrase), 0600);
  write_file_atomically(public_file_of(key_file), k.public_pem(), 0644);
  return k;
}

SigningKey SigningKey::generate() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "SM2");
  if (!key) throw std::runtime_error("cannot generate an SM2 key");
  return SigningKey(own(key), true);
}

SigningKey SigningKey::from_private_pem(std::string_view pem, std::string_view passphrase) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::string pass(passphrase);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, pass.empty() ? nullptr : pass.data());
  ERR_clear_error();
  if (!key) throw std::invalid_argument("not a private key, or the passphrase is wrong");
  return SigningKey(own(key), true);
}

std::string SigningKey::encrypted_pem(std::string_view passphrase) const {
  if (!has_private_) throw std::logic_error("this SigningKey holds only the public key");
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  std::string pass(passphrase);
  // PKCS#8 PBES2: PBKDF2 (OpenSSL's default PRF and iteration count) with SM4-CBC.
  if (PEM_write_bio_PKCS8PrivateKey(bio.get(), raw(key_), EVP_sm4_cbc(), nullptr, 0, nullptr, pass.data()) != 1)
    throw std::runtime_error("cannot encrypt the private key");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

SigningKey SigningKey::from_public_pem(std::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (!key) throw std::runtime_error("not a PEM public key");
  return SigningKey(own(key), false);
}

SigningKey SigningKey::public_only(const fs::path& public_pem_file) { return from_public_pem(read_file(public_pem_file)); }

namespace {

// An EVP_MD_CTX that signs with `key`: SM3 and the standard SM2 distinguishing ID.
struct SignContext {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  explicit SignContext(EVP_PKEY* key) {
    EVP_PKEY_CTX* pctx = nullptr;
    if (EVP_DigestSignInit_ex(md, &pctx, "SM3", nullptr, nullptr, key, nullptr) != 1 ||
        EVP_PKEY_CTX_set1_id(pctx, kSm2Id, sizeof kSm2Id - 1) != 1) {
      EVP_MD_CTX_free(md);
      throw std::runtime_error("cannot start an SM2 signature");
    }
  }
  ~SignContext() { EVP_MD_CTX_free(md); }
  SignContext(const SignContext&) = delete;
  SignContext& operator=(const SignContext&) = delete;
};

}  // namespace

std::string SigningKey::sign(std::string_view data) const {
  if (!has_private_) throw std::logic_error("this SigningKey holds only the public key");
  SignContext ctx(raw(key_));
  std::size_t len = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  std::string sig;
  bool ok = EVP_DigestSign(ctx.md, nullptr, &len, bytes, data.size()) == 1;
  if (ok) {
    sig.resize(len);
    ok = EVP_DigestSign(ctx.md, reinterpret_cast<unsigned char*>(sig.data()), &len, bytes, data.size()) == 1;
    sig.resize(len);
  }
  if (!ok) throw std::runtime_error("SM2 signing failed");
  return sig;
}

void SigningKey::sign_certificate(void* x509) const {
  if (!has_private_) throw std::logic_error("this SigningKey holds only the public key");
  SignContext ctx(raw(key_));
  if (X509_sign_ctx(static_cast<X509*>(x509), ctx.md) <= 0) throw std::runtime_error("cannot sign the certificate");
}

void SigningKey::sign_crl(void* x509_crl) const {
  if (!has_private_) throw std::logic_error("this SigningKey holds only the public key");
  SignContext ctx(raw(key_));
  if (X509_CRL_sign_ctx(static_cast<X509_CRL*>(x509_crl), ctx.md) <= 0) throw std::runtime_error("cannot sign the CRL");
}

bool SigningKey::verify(std::string_view data, std::string_view signature) const {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok = EVP_DigestVerifyInit_ex(md, &pctx, "SM3", nullptr, nullptr, raw(key_), nullptr) == 1 &&
            EVP_PKEY_CTX_set1_id(pctx, kSm2Id, sizeof kSm2Id - 1) == 1 &&
            EVP_DigestVerify(md, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  EVP_MD_CTX_free(md);
  return ok;
}

}  // namespace wangban::kernel
