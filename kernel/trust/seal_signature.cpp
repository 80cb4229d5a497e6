// SealSignature: TBS_Sign and SES_Signature in DER, signing, and the ordered checks.
#include "trust/seal_signature.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "trust/der.hpp"
#include "trust/electronic_seal.hpp"
#include "trust/signing_key.hpp"

namespace wangban::kernel {
namespace {

// The PEM public key of a DER certificate (to verify with a SigningKey).
std::string public_pem_of_cert(std::string_view cert_der) {
  const auto* p = reinterpret_cast<const unsigned char*>(cert_der.data());
  X509* cert = d2i_X509(nullptr, &p, static_cast<long>(cert_der.size()));
  if (!cert) throw der::Error("the signer's certificate is not DER X.509");
  EVP_PKEY* key = X509_get0_pubkey(cert);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  X509_free(cert);
  return pem;
}

}  // namespace

std::string sign_with_seal(std::string_view seal_der, const SigningKey& signer_key, std::string_view signer_cert_der,
                           std::string_view data_sm3, std::string_view property_info, std::time_t at) {
  if (data_sm3.size() != 32) throw der::Error("dataHash must be an SM3 digest (32 bytes)");
  decode_seal(seal_der);  // refuses what is not a v4 seal
  std::string tbs = der::sequence({der::integer(4), std::string(seal_der), der::generalized_time(at), der::bits(data_sm3),
                                   der::ia5(property_info)});
  return der::sequence({tbs, der::octets(signer_cert_der), der::oid(kSm2WithSm3), der::bits(signer_key.sign(tbs))});
}

SealSignatureCheck verify_seal_signature(std::string_view signature_der, const SigningKey& maker,
                                         std::string_view data_sm3) {
  SealSignatureCheck r;
  auto fail = [&r](std::string why) {
    r.reason = std::move(why);
    return r;
  };
  std::string_view tbs_whole, seal_whole, data_hash, signature, cert;
  try {
    der::Reader top(signature_der);
    auto outer = top.expect(der::kSequence, "SES_Signature");
    if (!top.done()) throw der::Error("bytes after the SES_Signature");
    der::Reader fields(outer.content);
    auto tbs = fields.expect(der::kSequence, "TBS_Sign");
    tbs_whole = tbs.whole;
    cert = fields.expect(der::kOctetString, "cert").content;
    auto alg = der::to_oid(fields.expect(der::kOid, "signatureAlgID"));
    if (alg != kSm2WithSm3) throw der::Error("signatureAlgID " + alg + " is not SM2-with-SM3");
    auto sig_node = fields.expect(der::kBitString, "signature");
    signature = sig_node.content.substr(1);
    if (sig_node.content.empty() || sig_node.content[0] != 0) throw der::Error("signature is not a whole-byte BIT STRING");
    if (!fields.done()) throw der::Error("a time stamp or other trailing field is not supported yet");
    der::Reader t(tbs.content);
    if (der::to_integer(t.expect(der::kInteger, "TBS_Sign.version")) != 4) throw der::Error("TBS_Sign version is not 4");
    seal_whole = t.expect(der::kSequence, "eseal").whole;
    r.signed_at = der::to_time(t.next());
    auto hash_node = t.expect(der::kBitString, "dataHash");
    if (hash_node.content.empty() || hash_node.content[0] != 0) throw der::Error("dataHash is not a whole-byte BIT STRING");
    data_hash = hash_node.content.substr(1);
    r.property_info = std::string(t.expect(der::kIa5String, "propertyInfo").content);
    if (!t.done()) throw der::Error("extDatas in TBS_Sign are not supported yet");
  } catch (const der::Error& e) {
    return fail(std::string("signature.malformed: 签章数据格式错误（") + e.what() + "）");
  }
  r.signer_cert = std::string(cert);
  // 2. The signature over DER(TBS_Sign) with the signer's certificate.
  try {
    auto signer = SigningKey::from_public_pem(public_pem_of_cert(cert));
    if (!signer.verify(tbs_whole, signature)) return fail("signature.invalid: 签章签名值无效（签名后内容被改动或密钥不符）");
  } catch (const std::exception& e) {
    return fail(std::string("signature.bad_certificate: 签章者证书无法使用（") + e.what() + "）");
  }
  // 4. The signer must be in the seal's certificate list; 5. the seal's maker signature.
  ElectronicSeal seal;
  try {
    seal = decode_seal(seal_whole);
  } catch (const der::Error& e) {
    return fail(std::string("seal.malformed: 印章数据格式错误（") + e.what() + "）");
  }
  r.seal_name = seal.name;
  r.es_id = seal.es_id;
  bool listed = false;
  for (auto& c : seal.signer_certs) listed = listed || c == cert;
  if (!listed) return fail("seal.signer_not_listed: 签章者证书不在该印章的证书列表中");
  if (!maker_signature_valid(seal, maker)) return fail("seal.maker_invalid: 印章的制章者签名无效");
  // 6. Signed within the seal's validity; 8. the document is the one signed.
  if (r.signed_at < seal.valid_start || r.signed_at > seal.valid_end)
    return fail("seal.not_valid_then: 签章时间不在印章有效期内");
  if (data_hash != data_sm3) return fail("signature.digest_mismatch: 文档已被改动（摘要与签章时不一致）");
  r.ok = true;
  return r;
}

}  // namespace wangban::kernel
