// TimeStampAuthority: TSTInfo with OpenSSL's TS API, wrapped in our CMS SignedData.
#include "trust/time_stamp_authority.hpp"

#include <memory>
#include <stdexcept>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include "trust/certificate.hpp"
#include "trust/cms_signature.hpp"
#include "trust/der.hpp"
#include "trust/signing_key.hpp"
#include "util/digest.hpp"

namespace wangban::kernel {
namespace {

constexpr const char* kSigningCertificateV2 = "1.2.840.113549.1.9.16.2.47";

struct TstFree { void operator()(TS_TST_INFO* t) const { TS_TST_INFO_free(t); } };
struct ReqFree { void operator()(TS_REQ* r) const { TS_REQ_free(r); } };
struct ObjFree { void operator()(ASN1_OBJECT* o) const { ASN1_OBJECT_free(o); } };

std::string oid_text(const ASN1_OBJECT* obj) {
  char buf[128];
  int n = OBJ_obj2txt(buf, sizeof buf, obj, 1);
  return n > 0 && n < static_cast<int>(sizeof buf) ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

// PKIFailureInfo bits (RFC 3161 §2.4.2) as a DER named-bit BIT STRING.
enum FailureBit { bad_alg = 0, bad_request = 2, bad_data_format = 5, unaccepted_policy = 15, system_failure = 25 };

std::string rejection(FailureBit bit, std::string_view text) {
  std::string bytes(static_cast<std::size_t>(bit / 8 + 1), '\0');
  bytes.back() = static_cast<char>(0x80 >> (bit % 8));
  char unused = static_cast<char>(7 - bit % 8);
  std::string status = der::sequence({der::integer(2), der::sequence({der::utf8(text)}),
                                      der::tlv(der::kBitString, std::string(1, unused) + bytes)});
  return der::sequence({status});
}

}  // namespace

TimeStampAuthority::TimeStampAuthority(std::shared_ptr<const SigningKey> key, std::string certificate_der,
                                       std::vector<std::string> chain_der, std::string policy_oid)
    : key_(std::move(key)), certificate_(std::move(certificate_der)), chain_(std::move(chain_der)), policy_(std::move(policy_oid)) {
  auto info = read_certificate(certificate_);
  if (!info.time_stamping) throw std::invalid_argument("the TSA certificate lacks the timeStamping extended key usage");
  if (!key_ || !key_->has_private()) throw std::invalid_argument("the TSA needs its private key");
  std::unique_ptr<ASN1_OBJECT, ObjFree> policy(OBJ_txt2obj(policy_.c_str(), 1));
  if (!policy) throw std::invalid_argument("the TSA policy " + policy_ + " is not an OID");
}

std::string TimeStampAuthority::token(std::string_view hash_oid, std::string_view digest, std::string_view nonce_der,
                                      bool certificates) const {
  std::unique_ptr<TS_TST_INFO, TstFree> tst(TS_TST_INFO_new());
  std::unique_ptr<ASN1_OBJECT, ObjFree> policy(OBJ_txt2obj(policy_.c_str(), 1));
  std::unique_ptr<ASN1_OBJECT, ObjFree> hash(OBJ_txt2obj(std::string(hash_oid).c_str(), 1));
  TS_MSG_IMPRINT* imprint = TS_MSG_IMPRINT_new();
  X509_ALGOR* algor = X509_ALGOR_new();
  X509_ALGOR_set0(algor, hash.release(), V_ASN1_NULL, nullptr);
  TS_MSG_IMPRINT_set_algo(imprint, algor);
  X509_ALGOR_free(algor);
  TS_MSG_IMPRINT_set_msg(imprint, reinterpret_cast<unsigned char*>(const_cast<char*>(digest.data())),
                         static_cast<int>(digest.size()));
  unsigned char serial_bytes[8];
  RAND_bytes(serial_bytes, sizeof serial_bytes);
  serial_bytes[0] = (serial_bytes[0] & 0x7F) | 0x40;  // positive, and never a leading zero (DER INTEGERs are minimal)
  ASN1_INTEGER* serial = ASN1_INTEGER_new();
  ASN1_STRING_set(serial, serial_bytes, sizeof serial_bytes);
  ASN1_GENERALIZEDTIME* now = ASN1_GENERALIZEDTIME_set(nullptr, std::time(nullptr));
  TS_ACCURACY* accuracy = TS_ACCURACY_new();
  ASN1_INTEGER* second = ASN1_INTEGER_new();
  ASN1_INTEGER_set(second, 1);
  TS_ACCURACY_set_seconds(accuracy, second);
  auto subject = read_certificate(certificate_);
  const auto* name_bytes = reinterpret_cast<const unsigned char*>(subject.der.data());
  X509* cert = d2i_X509(nullptr, &name_bytes, static_cast<long>(subject.der.size()));
  GENERAL_NAME* tsa = GENERAL_NAME_new();
  GENERAL_NAME_set0_value(tsa, GEN_DIRNAME, X509_NAME_dup(X509_get_subject_name(cert)));
  bool ok = TS_TST_INFO_set_version(tst.get(), 1) == 1 && TS_TST_INFO_set_policy_id(tst.get(), policy.get()) == 1 &&
            TS_TST_INFO_set_msg_imprint(tst.get(), imprint) == 1 && TS_TST_INFO_set_serial(tst.get(), serial) == 1 &&
            TS_TST_INFO_set_time(tst.get(), now) == 1 && TS_TST_INFO_set_accuracy(tst.get(), accuracy) == 1 &&
            TS_TST_INFO_set_tsa(tst.get(), tsa) == 1;
  if (ok && !nonce_der.empty()) {
    const auto* p = reinterpret_cast<const unsigned char*>(nonce_der.data());
    ASN1_INTEGER* nonce = d2i_ASN1_INTEGER(nullptr, &p, static_cast<long>(nonce_der.size()));
    ok = nonce && TS_TST_INFO_set_nonce(tst.get(), nonce) == 1;
    ASN1_INTEGER_free(nonce);
  }
  TS_MSG_IMPRINT_free(imprint);
  ASN1_INTEGER_free(serial);
  ASN1_GENERALIZEDTIME_free(now);
  TS_ACCURACY_free(accuracy);
  ASN1_INTEGER_free(second);
  GENERAL_NAME_free(tsa);
  X509_free(cert);
  unsigned char* der = nullptr;
  int n = ok ? i2d_TS_TST_INFO(tst.get(), &der) : -1;
  ERR_clear_error();
  if (n <= 0) throw std::runtime_error("cannot encode the TSTInfo");
  std::string tst_info(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
  OPENSSL_free(der);

  cms::SignedDataParts p;
  p.content_info_type = cms::kSignedData;
  p.econtent_type = cms::kTstInfo;
  p.econtent = tst_info;
  p.signer_certificate = certificate_;
  if (certificates) p.more_certificates = chain_;
  // ESS signingCertificateV2 with the default hash (SHA-256) over the TSA's certificate.
  std::string ess = der::sequence({der::sequence({der::sequence({der::octets(digest_bytes("SHA256", certificate_))})})});
  p.signed_attributes = cms::signed_attributes(cms::kTstInfo, digest_bytes("SM3", tst_info), std::time(nullptr),
                                               {cms::attribute(kSigningCertificateV2, ess)});
  p.signature = key_->sign(p.signed_attributes);
  return cms::assemble(p);
}

std::string TimeStampAuthority::stamp(std::string_view data) const {
  return token(cms::kSm3, digest_bytes("SM3", data), {}, true);
}

std::string TimeStampAuthority::respond(std::string_view request_der) const {
  const auto* p = reinterpret_cast<const unsigned char*>(request_der.data());
  std::unique_ptr<TS_REQ, ReqFree> req(d2i_TS_REQ(nullptr, &p, static_cast<long>(request_der.size())));
  ERR_clear_error();
  if (!req || p != reinterpret_cast<const unsigned char*>(request_der.data()) + request_der.size())
    return rejection(bad_data_format, "时间戳请求格式错误 (not a DER TimeStampReq)");
  if (TS_REQ_get_version(req.get()) != 1) return rejection(bad_request, "时间戳请求版本必须为 1");
  if (const ASN1_OBJECT* policy = TS_REQ_get_policy_id(req.get()); policy && oid_text(policy) != policy_)
    return rejection(unaccepted_policy, "不支持所请求的时间戳策略 " + oid_text(policy));
  TS_MSG_IMPRINT* imprint = TS_REQ_get_msg_imprint(req.get());
  const ASN1_OBJECT* alg_obj = nullptr;
  X509_ALGOR_get0(&alg_obj, nullptr, nullptr, TS_MSG_IMPRINT_get_algo(imprint));
  std::string hash_oid = oid_text(alg_obj);
  std::string hash = cms::digest_name(hash_oid);
  if (hash.empty()) return rejection(bad_alg, "不支持的摘要算法 " + hash_oid + "（可用 SM3、SHA-256、SHA-384、SHA-512）");
  ASN1_OCTET_STRING* msg = TS_MSG_IMPRINT_get_msg(imprint);
  std::string digest(reinterpret_cast<const char*>(ASN1_STRING_get0_data(msg)), static_cast<std::size_t>(ASN1_STRING_length(msg)));
  if (digest.size() != digest_bytes(hash.c_str(), "").size())
    return rejection(bad_data_format, "摘要长度与摘要算法不符");
  std::string nonce_der;
  if (const ASN1_INTEGER* nonce = TS_REQ_get_nonce(req.get())) {
    unsigned char* der = nullptr;
    int n = i2d_ASN1_INTEGER(nonce, &der);
    if (n > 0) nonce_der.assign(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
    OPENSSL_free(der);
  }
  try {
    std::string t = token(hash_oid, digest, nonce_der, TS_REQ_get_cert_req(req.get()) != 0);
    return der::sequence({der::sequence({der::integer(0)}), t});
  } catch (const std::exception&) {
    return rejection(system_failure, "时间戳服务内部错误");
  }
}

TimeStampCheck check_time_stamp(std::string_view token_der, std::string_view stamped) {
  TimeStampCheck r;
  auto fail = [&r](const char* code, std::string message) {
    r.code = code;
    r.message = std::move(message);
    return r;
  };
  cms::SignedData sd;
  try {
    sd = cms::parse(token_der);
  } catch (const der::Error& e) {
    return fail("timestamp.malformed", std::string("时间戳格式错误（") + e.what() + "）");
  }
  r.certificates = sd.certificates;
  if (sd.econtent_type != cms::kTstInfo || !sd.econtent || sd.signers.size() != 1)
    return fail("timestamp.malformed", "时间戳格式错误（不是 RFC 3161 时间戳令牌）");
  const auto& signer = sd.signers[0];
  r.tsa_certificate = signer.certificate;
  switch (cms::check_signer(sd, signer, *sd.econtent)) {
    case cms::SignerCheck::ok: break;
    case cms::SignerCheck::no_certificate: return fail("timestamp.no_certificate", "时间戳中没有时间戳服务的证书");
    case cms::SignerCheck::unsupported_algorithm: return fail("timestamp.unsupported_algorithm", "时间戳使用了不支持的算法");
    default: return fail("timestamp.invalid", "时间戳签名无效（时间戳被改动或不是该时间戳服务签发）");
  }
  try {
    if (!read_certificate(signer.certificate).time_stamping)
      return fail("timestamp.key_usage", "时间戳服务证书的扩展密钥用途不含时间戳 (timeStamping)");
  } catch (const std::invalid_argument&) {
    return fail("timestamp.no_certificate", "时间戳服务的证书无法读取");
  }
  const auto* p = reinterpret_cast<const unsigned char*>(sd.econtent->data());
  std::unique_ptr<TS_TST_INFO, TstFree> tst(d2i_TS_TST_INFO(nullptr, &p, static_cast<long>(sd.econtent->size())));
  ERR_clear_error();
  if (!tst) return fail("timestamp.malformed", "时间戳格式错误（TSTInfo 无法解析）");
  TS_MSG_IMPRINT* imprint = TS_TST_INFO_get_msg_imprint(tst.get());
  const ASN1_OBJECT* alg_obj = nullptr;
  X509_ALGOR_get0(&alg_obj, nullptr, nullptr, TS_MSG_IMPRINT_get_algo(imprint));
  std::string hash = cms::digest_name(oid_text(alg_obj));
  if (hash.empty()) return fail("timestamp.unsupported_algorithm", "时间戳使用了不支持的摘要算法");
  ASN1_OCTET_STRING* msg = TS_MSG_IMPRINT_get_msg(imprint);
  std::string digest(reinterpret_cast<const char*>(ASN1_STRING_get0_data(msg)), static_cast<std::size_t>(ASN1_STRING_length(msg)));
  std::tm tm{};
  if (ASN1_TIME_to_tm(TS_TST_INFO_get_time(tst.get()), &tm) != 1) return fail("timestamp.malformed", "时间戳时间无法读取");
  r.time = timegm(&tm);
  const ASN1_INTEGER* serial = TS_TST_INFO_get_serial(tst.get());
  r.serial_hex = to_hex(ASN1_STRING_get0_data(serial), static_cast<std::size_t>(ASN1_STRING_length(serial)));
  if (digest != digest_bytes(hash.c_str(), stamped))
    return fail("timestamp.imprint_mismatch", "时间戳所证明的不是这份签名（摘要不符）");
  r.ok = true;
  r.code = "ok";
  return r;
}

}  // namespace wangban::kernel
