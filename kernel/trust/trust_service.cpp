// TrustService: wiring of verification, time stamps, browser signatures and seal use.
#include "trust/trust_service.hpp"

#include <nlohmann/json.hpp>

#include "identity/certificate_verifier.hpp"
#include "trust/certificate.hpp"
#include "trust/cms_signature.hpp"
#include "trust/der.hpp"
#include "trust/seal_signature.hpp"
#include "trust/signature_verifier.hpp"
#include "trust/signing_key.hpp"
#include "trust/time_stamp_authority.hpp"
#include "util/digest.hpp"
#include "util/iso_time.hpp"
#include "wangban/principal.hpp"
#include "wangban/problem.hpp"

namespace wangban::kernel {
namespace {

using json = nlohmann::json;

SealInfo info_of(const SealRecord& r) {
  return {r.id, r.es_id, r.kind, r.name, r.organization, r.credit_code, r.owner_account_id, r.status, r.valid_start, r.valid_end};
}

}  // namespace

TrustService::TrustService(SqlDatabase& db, KernelAudit& audit) : db_(db), seals_(db, audit) {}
TrustService::~TrustService() = default;

void TrustService::start(Equipment e) {
  certificates_ = e.certificates;
  tsa_ = std::move(e.tsa);
  e.makers.certificates = certificates_;
  seals_.start(std::move(e.makers));
  verifier_ = std::make_unique<SignatureVerifier>(*certificates_, [this](const std::string& es_id) -> std::optional<RegisteredSealState> {
    auto r = seals_.find_by_es_id(es_id);
    if (!r) return std::nullopt;
    return RegisteredSealState{r->kind, r->status, r->suspended_at.empty() ? 0 : parse_iso_utc(r->suspended_at),
                               r->revoked_at.empty() ? 0 : parse_iso_utc(r->revoked_at)};
  });
}

void TrustService::require_started() const {
  if (!verifier_) throw Problem::unavailable("trust.not_ready", "信任服务尚未启动");
}

VerificationReport TrustService::verify(std::string_view signature, std::string_view document) {
  require_started();
  return verifier_->verify(signature, document);
}

std::string TrustService::time_stamp(std::string_view data) {
  require_started();
  if (!tsa_) throw Problem::unavailable("trust.tsa_unavailable", "未配置时间戳服务（trust.tsa_certificate_file）");
  return tsa_->stamp(data);
}

namespace {

// The signer's certificate (PEM or DER) and the digest its key signs with: SM3 for SM2, SHA-256 for ECDSA.
std::pair<CertificateInfo, const char*> signer_of(std::string_view certificate) {
  CertificateInfo cert;
  try {
    cert = read_certificate(certificate);
  } catch (const std::invalid_argument&) {
    throw Problem::unprocessable("signature.no_certificate", "签名者证书格式无效");
  }
  if (cert.key_algorithm == "SM2") return {cert, "SM3"};
  if (cert.key_algorithm == "EC") return {cert, "SHA256"};
  throw Problem::unprocessable("signature.unsupported_algorithm", "只支持 SM2 或 ECDSA 证书签名");
}

}  // namespace

std::string TrustService::signature_request(std::string_view document, std::string_view certificate_pem) {
  auto [cert, digest] = signer_of(certificate_pem);
  return cms::signed_attributes(cms::kGbData, digest_bytes(digest, document), std::time(nullptr));
}

std::string TrustService::complete_signature(std::string_view document, std::string_view signed_attributes,
                                             std::string_view signature_value, const std::vector<std::string>& chain_pem) {
  require_started();
  if (chain_pem.empty()) throw Problem::unprocessable("signature.no_certificate", "缺少签名者证书");
  auto [cert, digest] = signer_of(chain_pem.front());
  cms::SignedDataParts p;
  p.signer_certificate = cert.der;
  for (std::size_t i = 1; i < chain_pem.size(); ++i) {
    try {
      p.more_certificates.push_back(read_certificate(chain_pem[i]).der);
    } catch (const std::invalid_argument&) {
      throw Problem::unprocessable("signature.no_certificate", "证书链中有无效证书");
    }
  }
  if (std::string_view(digest) == "SHA256") {
    p.digest_algorithm = cms::digest_oid("SHA256");
    p.signature_algorithm = "1.2.840.10045.4.3.2";  // ecdsa-with-SHA256
  }
  p.signed_attributes = std::string(signed_attributes);
  p.signature = std::string(signature_value);
  if (tsa_) p.unsigned_attributes.push_back(cms::attribute(cms::kSignatureTimeStampToken, tsa_->stamp(signature_value)));
  std::string signed_data;
  try {
    signed_data = cms::assemble(p);
  } catch (const der::Error& e) {
    throw Problem::unprocessable("signature.malformed", std::string("签名属性格式错误（") + e.what() + "）");
  }
  auto report = verifier_->verify(signed_data, document);
  if (!report.ok) throw Problem::unprocessable(report.code, report.message);
  return signed_data;
}

std::optional<SealInfo> TrustService::seal(std::string_view id) {
  auto r = seals_.find(std::string(id));
  if (!r) return std::nullopt;
  return info_of(*r);
}

std::vector<SealInfo> TrustService::name_seals_of(std::string_view account_id) {
  std::vector<SealInfo> out;
  if (account_id.empty()) return out;  // "" would match every owner
  for (auto& r : seals_.records("active", "personal_name", std::string(account_id))) out.push_back(info_of(r));
  return out;
}

std::vector<SealInfo> TrustService::organisation_seals(std::string_view organization) {
  std::vector<SealInfo> out;
  if (organization.empty()) return out;  // "" would match every organisation
  for (auto& r : seals_.records("active", "organisation", {}, std::string(organization))) out.push_back(info_of(r));
  return out;
}

SealedDocument TrustService::seal_document(std::string_view seal_id, const Principal& by, std::string_view document,
                                           std::string_view property_info) {
  require_started();
  auto seal = seals_.find(std::string(seal_id));
  if (!seal) throw Problem::not_found("seal.not_found", "没有这枚印章");
  if (seal->kind == "personal_name" ? by.account_id != seal->owner_account_id
                                    : !(by.kind == Principal::Kind::system || by.has("seals.use")))
    throw Problem::forbidden("seal.not_yours", seal->kind == "personal_name" ? "个人名章只能由本人使用" : "没有使用单位印章的权限");
  if (seal->status != "active")
    throw Problem::conflict("seal.not_active", seal->status == "revoked" ? "印章已注销，不能使用" : "印章已停用，不能使用");
  std::time_t now = std::time(nullptr);
  if (now < parse_iso_utc(seal->valid_start) || now > parse_iso_utc(seal->valid_end))
    throw Problem::conflict("seal.expired", "印章不在有效期内");
  for (unsigned char c : property_info)
    if (c > 0x7F) throw Problem::bad_request("seal.invalid", "签章说明（propertyInfo）只能是 ASCII 字符");
  auto key = seals_.signer_key(*seal);
  std::function<std::string(std::string_view)> stamp;
  if (tsa_) stamp = [this](std::string_view value) { return tsa_->stamp(value); };
  std::string signature = sign_with_seal(seal->seal_der, *key, read_certificate(seal->signer_certificate).der,
                                         digest_bytes("SM3", document), property_info, now, stamp);
  seals_.record_use(by, *seal, std::string(property_info.empty() ? "盖章" : property_info) + "（文档 SM3 " +
                                   sm3_hex(document).substr(0, 16) + "…）");
  return {signature, seal->id, seal->es_id, iso_utc(now)};
}

json report_json(const VerificationReport& r) {
  auto opt = [](const std::optional<bool>& b) { return b ? json(*b) : json(nullptr); };
  json checks = json::array();
  for (auto& c : r.checks) checks.push_back({{"name", c.name}, {"ok", opt(c.ok)}, {"detail", c.detail}});
  json out = {{"ok", r.ok}, {"kind", r.kind}, {"code", r.code}, {"message", r.message}, {"checks", checks},
              {"signer", nullptr},  {"signed_at", r.signed_at ? json(*r.signed_at) : json(nullptr)},
              {"time_stamp", nullptr}, {"seal", nullptr}};
  if (r.signer)
    out["signer"] = {{"common_name", r.signer->common_name}, {"organization", r.signer->organization},
                     {"serial_number", r.signer->serial_number}, {"key_algorithm", r.signer->key_algorithm},
                     {"not_before", r.signer->not_before}, {"not_after", r.signer->not_after}};
  if (r.time_stamp)
    out["time_stamp"] = {{"ok", r.time_stamp->ok}, {"time", r.time_stamp->time}, {"tsa", r.time_stamp->tsa},
                         {"detail", r.time_stamp->detail}};
  if (r.seal)
    out["seal"] = {{"es_id", r.seal->es_id}, {"name", r.seal->name}, {"kind", r.seal->kind}, {"status", r.seal->status}};
  return out;
}

}  // namespace wangban::kernel
