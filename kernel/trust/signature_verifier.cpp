// SignatureVerifier: CMS and seal signatures checked step by step into a VerificationReport.
#include "trust/signature_verifier.hpp"

#include <vector>

#include "identity/certificate_verifier.hpp"
#include "trust/certificate.hpp"
#include "trust/cms_signature.hpp"
#include "trust/der.hpp"
#include "trust/seal_signature.hpp"
#include "trust/time_stamp_authority.hpp"
#include "util/digest.hpp"
#include "util/iso_time.hpp"

namespace wangban::kernel {
namespace {

// Collects the checks in order; the first failure names the report's code and message.
struct Report {
  VerificationReport r;
  std::string first_code, first_message;
  void check(const char* name, std::optional<bool> ok, std::string detail, const std::string& code = {}) {
    if (ok && !*ok && first_code.empty()) {
      first_code = code.empty() ? std::string(name) + ".failed" : code;
      first_message = detail;
    }
    r.checks.push_back({name, ok, std::move(detail)});
  }
  VerificationReport finish() {
    r.ok = first_code.empty();
    r.code = r.ok ? "ok" : first_code;
    r.message = r.ok ? (r.kind == "seal" ? "签章有效：印章、签章者证书、时间与文档均验证通过" : "签名有效：签名者证书、时间与文档均验证通过")
                     : first_message;
    return std::move(r);
  }
};

void describe_signer(Report& b, const std::string& certificate_der) {
  try {
    auto c = read_certificate(certificate_der);
    b.r.signer = VerificationReport::Signer{c.common_name, c.organization, c.serial_number, c.key_algorithm,
                                            iso_utc(c.not_before), iso_utc(c.not_after), certificate_pem(c.der)};
  } catch (const std::invalid_argument&) {
  }
}

// The time stamp over `stamped`; its time when valid and its TSA trusted.
struct StampOutcome {
  std::optional<bool> ok;
  std::string detail, code;
  std::optional<std::time_t> time;
};

StampOutcome check_stamp(Report& b, const CertificateVerifier& certificates, const std::optional<std::string>& token,
                         std::string_view stamped) {
  if (!token) return {std::nullopt, "未附时间戳：签名时间无法证明，证书按当前时间检查", {}, std::nullopt};
  auto ts = check_time_stamp(*token, stamped);
  VerificationReport::TimeStamp view;
  view.time = ts.time ? iso_utc(ts.time) : "";
  try {
    if (!ts.tsa_certificate.empty()) view.tsa = read_certificate(ts.tsa_certificate).common_name;
  } catch (const std::invalid_argument&) {
  }
  StampOutcome out;
  if (!ts.ok) {
    out = {false, ts.message, ts.code, std::nullopt};
  } else if (auto chain = certificates.check_chain(ts.tsa_certificate, ts.certificates, ts.time); !chain.ok) {
    out = {false, "时间戳服务的证书不受信任：" + chain.message, "timestamp.untrusted", std::nullopt};
  } else {
    out = {true, "可信时间 " + iso_utc(ts.time) + "（" + view.tsa + "）", "", ts.time};
  }
  view.ok = out.ok.value_or(false);
  view.detail = out.detail;
  b.r.time_stamp = view;
  return out;
}

// Chain, validity and revocation of a signer's certificate at `at`, then its key usage.
void check_signer_certificate(Report& b, const CertificateVerifier& certificates, const std::string& cert,
                              const std::vector<std::string>& helpers, std::time_t at, bool proven) {
  std::string when = proven ? "签名时（" + iso_utc(at) + "）" : "当前";
  auto chain = certificates.check_chain(cert, helpers, at);
  const auto& why = chain.reason;
  if (chain.ok || why == "revoked" || why == "crl_unavailable" || why == "crl_invalid") {
    std::string path;
    for (auto& n : chain.chain) path += (path.empty() ? "" : " → ") + n;
    b.check("chain", true, "证书链可信：" + path);
    b.check("validity", true, when + "证书在有效期内");
    if (chain.ok)
      b.check("revocation", true, chain.revoked_at ? "证书于 " + iso_utc(chain.revoked_at) + " 被吊销，晚于签名时间，不影响本签名"
                                                   : "证书未被吊销");
    else
      b.check("revocation", false, chain.message, why == "revoked" ? "cert.revoked" : "cert.crl_unavailable");
  } else if (why == "expired" || why == "not_yet_valid") {
    b.check("chain", std::nullopt, "证书不在有效期内，未继续检查证书链");
    b.check("validity", false, when + chain.message, "cert." + why);
    b.check("revocation", std::nullopt, "未检查");
  } else {
    b.check("chain", false, chain.message, why == "malformed" ? "cert.malformed" : "cert.untrusted");
    b.check("validity", std::nullopt, "未检查");
    b.check("revocation", std::nullopt, "未检查");
  }
  try {
    auto info = read_certificate(cert);
    bool usable = (info.digital_signature || info.non_repudiation) && !info.time_stamping;
    b.check("key_usage", usable,
            usable ? "证书密钥用途允许签名" : "证书的密钥用途不允许对文档签名（需要 digitalSignature 或 nonRepudiation）",
            "cert.key_usage");
  } catch (const std::invalid_argument&) {
    b.check("key_usage", std::nullopt, "证书无法读取");
  }
}

}  // namespace

SignatureVerifier::SignatureVerifier(const CertificateVerifier& certificates, SealLookup seals)
    : certificates_(certificates), seals_(std::move(seals)) {}

VerificationReport SignatureVerifier::verify(std::string_view signature, std::string_view document) const {
  // A CMS ContentInfo starts with its content type (an OID); a SES_Signature with TBS_Sign (a SEQUENCE).
  try {
    der::Reader top(signature);
    der::Reader inner(top.expect(der::kSequence, "signature").content);
    if (inner.next().tag == der::kOid) return verify_cms(signature, document);
    return verify_seal(signature, document);
  } catch (const der::Error& e) {
    Report b;
    b.r.kind = "unknown";
    b.check("structure", false, std::string("签名数据既不是 CMS 签名也不是电子签章（") + e.what() + "）", "signature.malformed");
    return b.finish();
  }
}

VerificationReport SignatureVerifier::verify_cms(std::string_view signature, std::string_view document) const {
  Report b;
  b.r.kind = "cms";
  cms::SignedData sd;
  try {
    sd = cms::parse(signature);
  } catch (const der::Error& e) {
    b.check("structure", false, std::string("签名数据格式错误（") + e.what() + "）", "signature.malformed");
    return b.finish();
  }
  const auto& signer = sd.signers.front();
  if (sd.econtent) {
    b.check("structure", false, "不是分离式签名（签名数据内含原文）", "signature.not_detached");
    return b.finish();
  }
  if (signer.certificate.empty()) {
    b.check("structure", false, "签名数据中没有签名者证书", "signature.no_certificate");
    return b.finish();
  }
  b.check("structure", true, sd.signers.size() == 1 ? "CMS SignedData 结构正确" : "CMS SignedData 结构正确（多个签名者，报告第一个）");
  describe_signer(b, signer.certificate);
  if (signer.signing_time) b.r.signed_at = iso_utc(*signer.signing_time);
  auto outcome = cms::check_signer(sd, signer, document);
  switch (outcome) {
    case cms::SignerCheck::unsupported_algorithm:
      b.check("signature", false, "签名使用了不支持的算法或算法与证书不符", "signature.unsupported_algorithm");
      break;
    case cms::SignerCheck::content_type_mismatch:
      b.check("signature", false, "签名属性中的内容类型与签名数据不符", "signature.invalid");
      break;
    case cms::SignerCheck::bad_signature:
      b.check("signature", false, "签名值无效（签名属性被改动，或证书与签名不符）", "signature.invalid");
      break;
    default: b.check("signature", true, "签名值与签名者证书相符");
  }
  auto stamp = check_stamp(b, certificates_, signer.time_stamp_token, signer.signature);
  std::time_t at = stamp.time.value_or(std::time(nullptr));
  check_signer_certificate(b, certificates_, signer.certificate, sd.certificates, at, stamp.time.has_value());
  b.check("timestamp", stamp.ok, stamp.detail, stamp.code);
  if (outcome == cms::SignerCheck::ok)
    b.check("digest", true, "文档摘要与签名时一致");
  else if (outcome == cms::SignerCheck::digest_mismatch)
    b.check("digest", false, "文档已被改动（摘要与签名时不一致）", "signature.digest_mismatch");
  else
    b.check("digest", std::nullopt, "未检查");
  return b.finish();
}

VerificationReport SignatureVerifier::verify_seal(std::string_view signature, std::string_view document) const {
  Report b;
  b.r.kind = "seal";
  auto c = verify_seal_signature(signature, digest_bytes("SM3", document));
  if (c.failed_check == "structure") {
    b.check("structure", false, c.message, c.code);
    return b.finish();
  }
  b.check("structure", true, "电子签章数据结构正确（GB/T 38540）");
  describe_signer(b, c.signer_cert);
  b.r.signed_at = iso_utc(c.signed_at);
  auto registered = seals_ ? seals_(c.seal.es_id) : std::nullopt;
  b.r.seal = VerificationReport::Seal{c.seal.es_id, c.seal.name, c.seal.type == 2 ? "personal_name" : "organisation",
                                      registered ? registered->status : "external"};
  bool passed_signature = c.ok || c.failed_check != "signature";
  b.check("signature", passed_signature, passed_signature ? "签章签名值与签章者证书相符" : c.message, c.code);
  auto stamp = check_stamp(b, certificates_, c.time_stamp_token, c.signature_value);
  std::time_t at = stamp.time.value_or(std::time(nullptr));
  check_signer_certificate(b, certificates_, c.signer_cert, {}, at, stamp.time.has_value());
  // The seal: signer listed and signing time within its validity; its maker.
  if (!passed_signature) {
    b.check("seal", std::nullopt, "未检查");
    b.check("seal_maker", std::nullopt, "未检查");
  } else {
    bool seal_ok = c.ok || (c.code != "seal.signer_not_listed" && c.code != "seal.not_valid_then");
    b.check("seal", seal_ok, seal_ok ? "签章者在印章的证书列表中，签章时间在印章有效期内" : c.message, c.code);
    if (c.code == "seal.maker_invalid") {
      b.check("seal_maker", false, c.message, c.code);
    } else if (c.code == "seal.signer_not_listed") {
      b.check("seal_maker", std::nullopt, "未检查");
    } else {
      auto maker = certificates_.check_chain(c.seal.maker_cert, {}, at);
      std::string maker_name;
      try {
        maker_name = read_certificate(c.seal.maker_cert).common_name;
      } catch (const std::invalid_argument&) {
      }
      b.check("seal_maker", maker.ok, maker.ok ? "制章者签名有效，制章者（" + maker_name + "）证书可信" : "制章者证书不受信任：" + maker.message,
              "seal.maker_untrusted");
    }
  }
  if (!registered) {
    b.check("seal_status", std::nullopt, "非本平台制作的印章，印章状态无法查询");
  } else if (registered->revoked_at && registered->revoked_at <= at) {
    b.check("seal_status", false, "印章已于 " + iso_utc(registered->revoked_at) + " 注销", "seal.revoked");
  } else if (registered->status == "suspended" && registered->suspended_at <= at) {
    b.check("seal_status", false, "印章自 " + iso_utc(registered->suspended_at) + " 起停用", "seal.suspended");
  } else if (registered->status == "active") {
    b.check("seal_status", true, "印章状态正常");
  } else {
    std::time_t since = registered->revoked_at ? registered->revoked_at : registered->suspended_at;
    b.check("seal_status", true,
            std::string("印章已于 ") + iso_utc(since) + (registered->revoked_at ? " 注销" : " 停用") +
                "，晚于经时间戳证明的签章时间，不影响本签章");
  }
  b.check("timestamp", stamp.ok, stamp.detail, stamp.code);
  if (c.ok)
    b.check("digest", true, "文档摘要与签章时一致");
  else if (c.code == "signature.digest_mismatch")
    b.check("digest", false, c.message, c.code);
  else
    b.check("digest", std::nullopt, "未检查");
  return b.finish();
}

}  // namespace wangban::kernel
