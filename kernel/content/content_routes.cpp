// Content routes: thin HTTP wrappers over ContentService and SearchIndex.
#include "content/content_routes.hpp"

#include <functional>

#include <nlohmann/json.hpp>

#include "content/content_service.hpp"
#include "content/markdown.hpp"
#include "http/query_params.hpp"
#include "http/router.hpp"
#include "search/search_index.hpp"
#include "util/digest.hpp"

namespace wangban::kernel {
namespace {

using json = nlohmann::json;

Response file(Attachment a) {
  Response r = Response::text(std::move(a.bytes), a.content_type);
  // RFC 6266 with the UTF-8 name percent-encoded (RFC 8187), and an ASCII fallback.
  std::string encoded;
  static const char* hex = "0123456789ABCDEF";
  for (unsigned char c : a.name) {
    bool plain = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '.' || c == '-' ||
                 c == '_';  // RFC 8187 attr-char, ASCII only (not the locale's idea of a letter)
    if (plain) encoded += static_cast<char>(c);
    else encoded += std::string("%") + hex[c >> 4] + hex[c & 15];
  }
  r.headers.emplace_back("content-disposition", "attachment; filename=\"attachment\"; filename*=UTF-8''" + encoded);
  return r;
}

}  // namespace

void register_content_routes(Router& router, ContentService& content, SearchIndex& search) {
  auto add = std::bind_front(&Router::add_kernel, &router);
  const std::string pub(kPublic);
  const std::string attachments_schema =
      R"json("attachments":{"type":"array","maxItems":50,"items":{"type":"object","required":["sm3","name"],"properties":{
          "sm3":{"type":"string","pattern":"^[0-9a-f]{64}$"},"name":{"type":"string"},"size":{"type":"integer"},
          "content_type":{"type":"string"}}}})json";
  const std::string version_fields = R"json("title":{"type":"string","minLength":1,"maxLength":200},
          "summary":{"type":"string","maxLength":500},
          "markdown":{"type":"string","maxLength":1000000,"description":"CommonMark + GFM tables; raw HTML is dropped"},)json" +
                                     attachments_schema;

  add("GET", "/api/content/publications", "content.read",
      "内容列表（含草稿）(publications with their latest version; ?type=, ?state=, ?offset=, ?limit=)", "",
      [&content](const Request& req) {
        return Response::json({{"publications", content.list(req.query("type").value_or(""), req.query("state").value_or(""),
                                                             static_cast<int>(query_integer(req, "offset", 0, 1000000)),
                                                             static_cast<int>(query_integer(req, "limit", 50, 200)))}});
      });
  add("POST", "/api/content/publications", "content.write",
      "新建内容草稿 (a new publication: notice, policy, guide, power_list or faq)",
      R"json({"type":"object","required":["type","title","markdown"],"additionalProperties":false,"properties":{
          "type":{"enum":["notice","policy","guide","power_list","faq"]},"org_unit_id":{"type":"string"},)json" +
          version_fields + "}}",
      [&content](const Request& req) {
        return Response::json({{"id", content.create(req.principal(), req.json())}, {"version", 1}}, 201);
      });
  add("GET", "/api/content/publications/{id}", "content.read", "内容详情与全部版本 (a publication with every version)", "",
      [&content](const Request& req) { return Response::json(content.detail(req.param("id"))); });
  add("GET", "/api/content/publications/{id}/versions/{version}", "content.read",
      "查看某一版本 (one version: Markdown source, rendered HTML, attachments)", "", [&content](const Request& req) {
        auto v = req.param("version");
        if (v.empty() || v.size() > 6 || v.find_first_not_of("0123456789") != std::string::npos)
          throw Problem::not_found("content.version_not_found", "没有这个版本");
        return Response::json(content.version(req.param("id"), std::stoi(v)));
      });
  add("PUT", "/api/content/publications/{id}/draft", "content.write",
      "修改草稿；已审核通过的内容开始新版本 (edit the draft, or start a new version after approval)",
      R"json({"type":"object","required":["title","markdown"],"additionalProperties":false,"properties":{)json" +
          version_fields + "}}",
      [&content](const Request& req) {
        return Response::json({{"version", content.edit(req.principal(), req.param("id"), req.json())}});
      });
  add("POST", "/api/content/publications/{id}/submit", "content.write", "提交审核 (submit the draft for review)", "",
      [&content](const Request& req) {
        content.submit(req.principal(), req.param("id"));
        return Response::no_content();
      });
  add("POST", "/api/content/publications/{id}/review", "content.review",
      "审核：通过（立即或定时发布）或退回 (approve, publishing now or at publish_at, or reject with a note)",
      R"json({"type":"object","required":["decision"],"additionalProperties":false,"properties":{
          "decision":{"enum":["approve","reject"]},"note":{"type":"string","maxLength":2000},
          "publish_at":{"type":"string","description":"UTC, e.g. 2026-12-01T08:00:00Z; absent: now"},
          "withdraw_at":{"type":"string","description":"UTC; absent: stays until withdrawn"}}})json",
      [&content](const Request& req) {
        const auto& b = req.json();
        content.review(req.principal(), req.param("id"), b["decision"] == "approve", b.value("note", ""),
                       b.value("publish_at", ""), b.value("withdraw_at", ""));
        return Response::no_content();
      });
  add("POST", "/api/content/publications/{id}/withdraw", "content.review", "撤回（立即或定时）(withdraw now, or at ?at=)",
      "", [&content](const Request& req) {
        content.withdraw(req.principal(), req.param("id"), req.query("at").value_or(""));
        return Response::no_content();
      });
  add("POST", "/api/content/preview", "content.write", "预览：Markdown 渲染为发布时的 HTML (render Markdown as it will be published)",
      R"json({"type":"object","required":["markdown"],"additionalProperties":false,"properties":{
          "markdown":{"type":"string","maxLength":1000000}}})json",
      [](const Request& req) { return Response::json({{"html", render_markdown(req.json()["markdown"].get<std::string>()).html}}); });
  add("POST", "/api/content/attachments", "content.write",
      "上传附件（Base64）(upload an attachment; PDF, OFD, PNG, JPEG, DOCX, XLSX or text)",
      R"json({"type":"object","required":["name","content_type","data_base64"],"additionalProperties":false,"properties":{
          "name":{"type":"string","minLength":1,"maxLength":200},"content_type":{"type":"string","maxLength":100},
          "data_base64":{"type":"string","maxLength":11000000}}})json",
      [&content](const Request& req) {
        const auto& b = req.json();
        auto bytes = base64_decode(b["data_base64"].get<std::string>());
        if (!bytes) throw Problem::bad_request("content.bad_base64", "附件内容不是有效的 Base64");
        return Response::json(content.attach(b["name"], b["content_type"], *bytes), 201);
      });
  add("GET", "/api/content/publications/{id}/attachments/{sm3}", "content.read", "下载任一版本的附件 (an attachment)", "",
      [&content](const Request& req) { return file(content.attachment(req.param("id"), req.param("sm3"), false)); });

  add("GET", "/api/content/public", pub, "已发布的内容 (published content, newest first; ?type=, ?offset=, ?limit=)", "",
      [&content](const Request& req) {
        return Response::json({{"publications", content.public_list(req.query("type").value_or(""),
                                                                    static_cast<int>(query_integer(req, "offset", 0, 1000000)),
                                                                    static_cast<int>(query_integer(req, "limit", 20, 100)))}});
      });
  add("GET", "/api/content/public/{id}", pub, "阅读已发布的内容 (a published publication: HTML and attachments)", "",
      [&content](const Request& req) { return Response::json(content.public_item(req.param("id"))); });
  add("GET", "/api/content/public/{id}/attachments/{sm3}", pub, "下载已发布内容的附件 (an attachment of published content)",
      "", [&content](const Request& req) { return file(content.attachment(req.param("id"), req.param("sm3"), true)); });

  add("GET", "/api/search", pub,
      "全文检索已发布的内容与事项 (?q=, ?kind=, ?owner=, ?facet=name:value, ?offset=, ?limit=)", "",
      [&search](const Request& req) {
        SearchQuery q;
        q.text = req.query("q").value_or("");
        if (q.text.size() > 500) throw Problem::bad_request("search.too_long", "检索词不超过 500 字节");
        q.kind = req.query("kind").value_or("");
        q.owner = req.query("owner").value_or("");
        if (auto f = req.query("facet")) {
          auto colon = f->find(':');
          if (colon == std::string::npos) throw Problem::bad_request("search.bad_facet", "facet 参数应为 名称:值");
          q.facets.emplace_back(f->substr(0, colon), f->substr(colon + 1));
        }
        q.offset = static_cast<int>(query_integer(req, "offset", 0, 10000));
        q.limit = static_cast<int>(query_integer(req, "limit", 20, 100));
        auto result = search.query(q);
        json hits = json::array();
        for (auto& h : result.hits)
          hits.push_back({{"owner", h.owner}, {"id", h.id}, {"kind", h.kind}, {"title", h.title}, {"url", h.url},
                          {"snippet", h.snippet}, {"score", h.score}});
        return Response::json({{"total", result.total}, {"hits", hits}});
      });
}

}  // namespace wangban::kernel
