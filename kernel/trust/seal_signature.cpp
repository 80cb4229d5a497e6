// SealSignature: TBS_Sign and SES_Signature in DER, signing, and the ordered checks.
#include "trust/seal_signature.hpp"

#include <vector>

#include "trust/certificate.hpp"
#include "trust/der.hpp"
#include "trust/electronic_seal.hpp"
#include "trust/signing_key.hpp"

namespace wangban::kernel {

std::string sign_with_seal(std::string_view seal_der, const SigningKey& signer_key, std::string_view signer_cert_der,
                           std::string_view data_sm3, std::string_view property_info, std::time_t at,
                           const std::function<std::string(std::string_view)>& time_stamp) {
  if (data_sm3.size() != 32) throw der::Error("dataHash must be an SM3 digest (32 bytes)");
  decode_seal(seal_der);  // refuses what is not a v4 seal
  std::string tbs = der::sequence({der::integer(4), std::string(seal_der), der::generalized_time(at), der::bits(data_sm3),
                                   der::ia5(property_info)});
  std::string signature = signer_key.sign(tbs);
  std::vector<std::string> fields = {tbs, der::octets(signer_cert_der), der::oid(kSm2WithSm3), der::bits(signature)};
  if (time_stamp) fields.push_back(der::explicit_tag(0, der::bits(time_stamp(signature))));
  return der::sequence(fields);
}

SealSignatureCheck verify_seal_signature(std::string_view signature_der, std::string_view data_sm3) {
  SealSignatureCheck r;
  auto fail = [&r](const char* check, const char* code, std::string message) {
    r.failed_check = check;
    r.code = code;
    r.message = std::move(message);
    return r;
  };
  std::string_view tbs_whole, seal_whole, data_hash, cert;
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
    r.signature_value = der::to_bits(fields.expect(der::kBitString, "signature"));
    if (!fields.done()) {
      der::Reader stamp(fields.expect(0xA0, "timeStamp").content);
      r.time_stamp_token = der::to_bits(stamp.expect(der::kBitString, "timeStamp"));
      if (!stamp.done() || !fields.done()) throw der::Error("trailing data after timeStamp");
    }
    der::Reader t(tbs.content);
    if (der::to_integer(t.expect(der::kInteger, "TBS_Sign.version")) != 4) throw der::Error("TBS_Sign version is not 4");
    seal_whole = t.expect(der::kSequence, "eseal").whole;
    r.signed_at = der::to_time(t.expect(der::kGeneralizedTime, "timeInfo"));
    auto hash_node = t.expect(der::kBitString, "dataHash");
    der::to_bits(hash_node);  // refuses a BIT STRING that is not whole bytes
    data_hash = hash_node.content.substr(1);
    r.property_info = std::string(t.expect(der::kIa5String, "propertyInfo").content);
    if (!t.done()) throw der::Error("extDatas in TBS_Sign are not supported");
  } catch (const der::Error& e) {
    return fail("structure", "signature.malformed", std::string("签章数据格式错误（") + e.what() + "）");
  }
  r.signer_cert = std::string(cert);
  try {
    r.seal = decode_seal(seal_whole);
  } catch (const der::Error& e) {
    return fail("structure", "seal.malformed", std::string("印章数据格式错误（") + e.what() + "）");
  }
  // 2. The signature over DER(TBS_Sign) with the signer's certificate.
  if (!signature_valid(cert, "SM3", tbs_whole, r.signature_value))
    return fail("signature", "signature.invalid", "签章签名值无效（签名后内容被改动，或证书与签名不符）");
  // 4. The signer must be in the seal's certificate list; 5. the seal's maker signature.
  bool listed = false;
  for (auto& c : r.seal.signer_certs) listed = listed || c == cert;
  if (!listed) return fail("seal", "seal.signer_not_listed", "签章者证书不在该印章的证书列表中");
  if (!signature_valid(r.seal.maker_cert, "SM3", r.seal.seal_info_der, r.seal.signed_value))
    return fail("seal_maker", "seal.maker_invalid", "印章的制章者签名无效（印章被改动或不是该制章者制作）");
  // 6. Signed within the seal's validity; 8. the document is the one signed.
  if (r.signed_at < r.seal.valid_start || r.signed_at > r.seal.valid_end)
    return fail("seal", "seal.not_valid_then", "签章时间不在印章有效期内");
  if (data_hash != data_sm3) return fail("digest", "signature.digest_mismatch", "文档已被改动（摘要与签章时不一致）");
  r.ok = true;
  r.code = "ok";
  return r;
}

}  // namespace wangban::kernel
