// Trust routes: thin HTTP wrappers over TrustService and SealRegistry.
#include "trust/trust_routes.hpp"

#include <functional>

#include <nlohmann/json.hpp>

#include "http/router.hpp"
#include "trust/certificate.hpp"
#include "trust/time_stamp_authority.hpp"
#include "trust/trust_service.hpp"
#include "util/digest.hpp"
#include "wangban/principal.hpp"
#include "wangban/problem.hpp"

namespace wangban::kernel {
namespace {

using json = nlohmann::json;

std::string decoded(const json& body, const char* field) {
  auto bytes = base64_decode(body.value(field, ""));
  if (!bytes)
    throw Problem(400, "trust.invalid_request", std::string(field) + " 不是有效的 Base64", json{{"field", field}}.dump());
  return *bytes;
}

// propertyInfo is an IA5String: a file name keeps its ASCII characters.
std::string ascii_name(const std::string& name) {
  std::string out;
  for (unsigned char c : name)
    if (c >= 0x20 && c < 0x7F) out += static_cast<char>(c);
  return out.empty() ? "document" : out.substr(0, 200);
}

}  // namespace

void register_trust_routes(Router& router, TrustService& trust) {
  auto add = std::bind_front(&Router::add_kernel, &router);
  const std::string pub(kPublic), any(kAuthenticated);
  const std::string reason_schema =
      R"json({"type":"object","required":["reason"],"additionalProperties":false,"properties":{"reason":{"type":"string","maxLength":2000}}})json";

  add("POST", "/api/trust/verify", pub,
      "验证电子签名或电子签章 (verify a detached CMS signature or a GB/T 38540 seal signature over a document)",
      R"json({"type":"object","required":["signature_base64","document_base64"],"additionalProperties":false,"properties":{
          "signature_base64":{"type":"string","minLength":1},"document_base64":{"type":"string"}}})json",
      [&trust](const Request& req) {
        auto& body = req.json();
        std::string signature = decoded(body, "signature_base64"), document = decoded(body, "document_base64");
        return Response::json(report_json(trust.verify(signature, document)));
      });
  router.add_kernel_raw("POST", "/api/trust/time-stamp", any,
                        "时间戳服务 (RFC 3161: a DER TimeStampReq in, a DER TimeStampResp out)", "application/timestamp-query",
                        [&trust](const Request& req) {
                          if (!trust.tsa()) throw Problem::unavailable("trust.tsa_unavailable", "未配置时间戳服务");
                          return Response::text(trust.tsa()->respond(req.body()), "application/timestamp-reply");
                        });
  add("GET", "/api/trust/tsa-certificate", pub, "时间戳服务证书 (the TSA's certificate, PEM)", "", [&trust](const Request&) {
    if (!trust.tsa()) throw Problem::not_found("trust.tsa_unavailable", "未配置时间戳服务");
    return Response::text(certificate_pem(trust.tsa()->certificate()), "application/x-pem-file");
  });
  add("POST", "/api/trust/signatures/prepare", any,
      "申请人签名第一步：待签名的签名属性 (step 1 of a browser signature: the DER signed attributes to sign)",
      R"json({"type":"object","required":["document_base64","certificate_pem"],"additionalProperties":false,"properties":{
          "document_base64":{"type":"string"},"certificate_pem":{"type":"string","maxLength":20000}}})json",
      [&trust](const Request& req) {
        auto& body = req.json();
        return Response::json({{"signed_attributes_base64",
                                base64_encode(trust.signature_request(decoded(body, "document_base64"), body["certificate_pem"].get<std::string>()))}});
      });
  add("POST", "/api/trust/signatures/complete", any,
      "申请人签名第二步：组装并验证 CMS 签名 (step 2: the CMS SignedData from the signature value, verified and time-stamped)",
      R"json({"type":"object","required":["document_base64","signed_attributes_base64","signature_base64","certificate_chain"],
          "additionalProperties":false,"properties":{"document_base64":{"type":"string"},"signed_attributes_base64":{"type":"string"},
          "signature_base64":{"type":"string"},"certificate_chain":{"type":"array","minItems":1,"maxItems":5,"items":{"type":"string"}}}})json",
      [&trust](const Request& req) {
        auto& body = req.json();
        auto chain = body["certificate_chain"].get<std::vector<std::string>>();
        std::string cms = trust.complete_signature(decoded(body, "document_base64"), decoded(body, "signed_attributes_base64"),
                                                   decoded(body, "signature_base64"), chain);
        return Response::json({{"signature_base64", base64_encode(cms)}}, 201);
      });

  // Seal administration.
  auto& seals = trust.seals();
  add("GET", "/api/admin/seals", "seals.read", "印章列表 (seals; ?status=active|suspended|revoked, ?kind=organisation|personal_name)",
      "", [&seals](const Request& req) {
        return Response::json(seals.list(req.query("status").value_or(""), req.query("kind").value_or("")));
      });
  add("POST", "/api/admin/seals", "seals.manage", "制作印章 (make an organisation seal or a personal name seal)",
      R"json({"type":"object","required":["kind"],"additionalProperties":false,"properties":{
          "kind":{"enum":["organisation","personal_name"]},"name":{"type":"string","maxLength":200},
          "organization":{"type":"string","maxLength":200},"credit_code":{"type":"string","maxLength":40},
          "owner_account_id":{"type":"string","maxLength":36},"valid_days":{"type":"integer"},
          "picture":{"type":"object","additionalProperties":false,"properties":{"source":{"enum":["drawn","uploaded"]},
            "png_base64":{"type":"string"}}},
          "signer_certificate_pem":{"type":"string"},"signer_key_pem":{"type":"string"},"signer_key_passphrase":{"type":"string"}}})json",
      [&seals](const Request& req) { return Response::json(seals.make(req.principal(), req.json()), 201); });
  add("GET", "/api/admin/seal-owners", "seals.manage", "可持有个人名章的工作人员 (staff accounts that may hold a name seal)", "",
      [&seals](const Request&) { return Response::json(seals.owners()); });
  add("POST", "/api/admin/seals/preview", "seals.manage", "印章图样预览 (the picture a seal would get, PNG)",
      R"json({"type":"object","required":["kind"],"properties":{"kind":{"enum":["organisation","personal_name"]},
          "name":{"type":"string","maxLength":200},"organization":{"type":"string","maxLength":200},
          "owner_account_id":{"type":"string","maxLength":36}}})json",
      [&seals](const Request& req) { return Response::text(seals.preview(req.json()), "image/png"); });
  add("GET", "/api/admin/seals/{id}", "seals.read", "印章详情 (one seal)", "", [&seals](const Request& req) {
    auto s = seals.find(req.param("id"));
    if (!s) throw Problem::not_found("seal.not_found", "没有这枚印章");
    return Response::json(seals.to_json(*s));
  });
  add("GET", "/api/admin/seals/{id}/picture", "seals.read", "印章图像 (the seal's picture)", "", [&seals](const Request& req) {
    return Response::text(seals.picture(req.param("id")), "image/png");
  });
  add("GET", "/api/admin/seals/{id}/uses", "seals.read", "印章使用与变更记录 (every use and status change)", "",
      [&seals](const Request& req) { return Response::json(seals.events(req.param("id"))); });
  for (const char* action : {"suspend", "resume", "revoke"}) {
    const char* title = std::string_view(action) == "suspend" ? "停用印章" : std::string_view(action) == "resume" ? "恢复启用印章"
                                                                                                                  : "注销印章（不可恢复）";
    add("POST", std::string("/api/admin/seals/{id}/") + action, "seals.manage", std::string(title) + " (" + action + " a seal)",
        reason_schema, [&seals, action = std::string(action)](const Request& req) {
          return Response::json(seals.change_status(req.principal(), req.param("id"), action, req.json()["reason"]));
        });
  }

  // A staff member's own name seals.
  add("GET", "/api/seals/mine", any, "我的名章 (the caller's personal name seals)", "", [&seals](const Request& req) {
    return Response::json(seals.list("", "personal_name", req.principal().account_id.empty() ? "-" : req.principal().account_id));
  });
  add("GET", "/api/seals/{id}/picture", any, "名章图像 (the picture of the caller's own name seal)", "",
      [&seals](const Request& req) {
        auto s = seals.find(req.param("id"));
        if (!s || s->owner_account_id != req.principal().account_id) throw Problem::not_found("seal.not_found", "没有这枚印章");
        return Response::text(seals.picture(s->id), "image/png");
      });
  add("POST", "/api/seals/{id}/sign", any, "用印章对文档签章 (seal a document: the caller's name seal, or an organisation seal with seals.use)",
      R"json({"type":"object","required":["document_base64"],"additionalProperties":false,"properties":{
          "document_base64":{"type":"string"},"file_name":{"type":"string","maxLength":500}}})json",
      [&trust](const Request& req) {
        auto& body = req.json();
        std::string document = decoded(body, "document_base64");
        auto sealed = trust.seal_document(req.param("id"), req.principal(), document, ascii_name(body.value("file_name", "")));
        auto report = trust.verify(sealed.signature, document);
        return Response::json({{"signature_base64", base64_encode(sealed.signature)},
                               {"document_sm3", sm3_hex(document)},
                               {"es_id", sealed.es_id},
                               {"signed_at", sealed.signed_at},
                               {"time_stamp", report_json(report)["time_stamp"]}});
      });
}

}  // namespace wangban::kernel
