// SigningKey: the kernel's own SM2 key (it signs the audit log's tree heads), kept at rest as
// encrypted PKCS#8 (PBES2: PBKDF2 and SM4-CBC) under the platform's master key, with its
// public key beside it in a plain PEM file that anyone may read.
//
// The master key comes from the environment (WANGBAN_MASTER_KEY) or from a file that only its
// owner may read (mode 0600; anything looser is refused); the embedded default creates both
// the master-key file and the signing key on first start. Neither the master key nor the
// private key is ever logged or returned by an API. Signatures are SM2 with SM3 and the
// standard distinguishing ID 1234567812345678 (GB/T 35276), DER-encoded. Thread-safe.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace wangban::kernel {

// The master key (WANGBAN_MASTER_KEY, else the file, created on first use with mode 0600).
std::string load_master_key(const std::filesystem::path& master_key_file);

class SigningKey {
 public:
  // A new SM2 key pair.
  static SigningKey generate();
  // A private key from PEM: PKCS#8 encrypted under `passphrase`, or unencrypted when it is empty.
  // Throws std::invalid_argument when it cannot be read (wrong passphrase, not a key).
  static SigningKey from_private_pem(std::string_view pem, std::string_view passphrase = {});
  // Loads the key, or creates it (and the master-key file when it is used and absent).
  static SigningKey load_or_create(const std::filesystem::path& key_file, const std::filesystem::path& master_key_file);
  // The public half only, from the public PEM file (for verification without the master key).
  static SigningKey public_only(const std::filesystem::path& public_pem_file);
  static SigningKey from_public_pem(std::string_view pem);
  static std::filesystem::path public_file_of(const std::filesystem::path& key_file);

  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;
  ~SigningKey();

  // The private key as PKCS#8 PEM encrypted with PBES2 (PBKDF2, SM4-CBC) under `passphrase`.
  std::string encrypted_pem(std::string_view passphrase) const;
  bool has_private() const { return has_private_; }
  std::string sign(std::string_view data) const;  // DER signature; throws without the private half
  bool verify(std::string_view data, std::string_view signature) const;
  // Signs an OpenSSL X509* / X509_CRL* (passed as void* to keep OpenSSL out of this header)
  // with the same algorithm; throws without the private half.
  void sign_certificate(void* x509) const;
  void sign_crl(void* x509_crl) const;
  const std::string& public_pem() const { return public_pem_; }
  const std::string& key_id() const { return key_id_; }  // SM3 of the DER SubjectPublicKeyInfo, hex

 private:
  friend class DevelopmentCa;  // puts its CA keys' public halves into certificates
  SigningKey(std::shared_ptr<void> key, bool has_private);
  std::shared_ptr<void> key_;  // EVP_PKEY
  bool has_private_ = false;
  std::string public_pem_, key_id_;
};

}  // namespace wangban::kernel
