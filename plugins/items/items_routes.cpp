// Routes of the items plugin: request parsing, permission by kind, and answers; the work is in
// CatalogueStore, the exchange and the CSV table.
#include "items_routes.hpp"

#include <charconv>

#include <openssl/evp.h>

#include <soci/soci.h>

#include <wangban/audit.hpp>
#include <wangban/context.hpp>
#include <wangban/database.hpp>
#include <wangban/http.hpp>
#include <wangban/problem.hpp>

#include "catalogue_contract.hpp"
#include "catalogue_csv.hpp"
#include "catalogue_exchange.hpp"
#include "catalogue_store.hpp"
#include "standard_names.hpp"

namespace items {
namespace {

using wangban::Request;
using wangban::Response;

// The whole text as a decimal integer, or nothing.
std::optional<int> whole_number(std::string_view text) {
  int out = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return out;
}

int int_query(const Request& req, const char* name, int fallback, int low, int high) {
  auto v = req.query(name);
  if (!v || v->empty()) return fallback;
  auto n = whole_number(*v);
  if (!n || *n < low || *n > high)
    throw wangban::Problem::bad_request("items.bad_query", std::string("参数 ") + name + " 应为 " + std::to_string(low) + " 到 " +
                                                                std::to_string(high) + " 之间的整数");
  return *n;
}

std::string date_query(const Request& req) { return day_or_today(req.query("date").value_or("")); }

int version_param(const Request& req) {
  const std::string& text = req.param("version");
  auto n = whole_number(text);
  if (!n || *n < 1) throw wangban::Problem::bad_request("items.bad_version", "版本号应为正整数：" + text);
  return *n;
}

// Editing is items.edit (checked by the route); base entries are national and need items.base.edit too.
void require_editor(const Request& req, Kind kind) {
  if (kind == Kind::base && !req.principal().has("items.base.edit"))
    throw wangban::Problem::forbidden("items.forbidden", "没有编辑基本目录的权限（items.base.edit）：基本目录由国家级事项管理人员维护");
}

void require(const Request& req, const std::string& permission, const char* what) {
  if (!req.principal().has(permission))
    throw wangban::Problem::forbidden("items.forbidden", std::string("没有") + what + "的权限（" + permission + "）");
}

std::string body_text(const Request& req, const char* key) {
  const auto& body = req.json();
  return body.is_object() && body.contains(key) && body[key].is_string() ? body[key].get<std::string>() : "";
}

constexpr const char* kDraftSchema = R"json({"type":"object","required":["effective_from","fields"],"additionalProperties":false,
  "properties":{"effective_from":{"type":"string"},"fields":{"type":"object"}}})json";
constexpr const char* kCreateSchema = R"json({"type":"object","required":["kind","code","effective_from","fields"],
  "additionalProperties":false,"properties":{"kind":{"enum":["base","implementation","bundle"]},
  "code":{"type":"string","minLength":1,"maxLength":24},"basic_code":{"type":"string","maxLength":10},
  "level":{"type":"string"},"division_code":{"type":"string"},"department":{"type":"string"},
  "effective_from":{"type":"string"},"fields":{"type":"object"}}})json";
constexpr const char* kNoteSchema = R"json({"type":"object","additionalProperties":false,
  "properties":{"note":{"type":"string","maxLength":2000}}})json";
constexpr const char* kRejectSchema = R"json({"type":"object","required":["note"],"additionalProperties":false,
  "properties":{"note":{"type":"string","minLength":1,"maxLength":2000}}})json";
constexpr const char* kRetireSchema = R"json({"type":"object","required":["effective_from","reason"],"additionalProperties":false,
  "properties":{"effective_from":{"type":"string"},"reason":{"type":"string","minLength":1,"maxLength":2000}}})json";
constexpr const char* kFileSchema = R"json({"type":"object","required":["name","content_base64"],"additionalProperties":false,
  "properties":{"name":{"type":"string","minLength":1,"maxLength":200},"content_base64":{"type":"string","minLength":1}}})json";
constexpr const char* kImportSchema = R"json({"type":"object","required":["format"],"additionalProperties":false,
  "properties":{"format":{"enum":["json","csv"]},"document":{"type":"object"},"text":{"type":"string"},
  "dry_run":{"type":"boolean"}}})json";

std::string base64_decode(const std::string& text) {
  std::string clean;
  for (char c : text)
    if (c != '\n' && c != '\r') clean += c;
  if (clean.size() % 4 != 0) throw_invalid("items.invalid", "文件内容不是 Base64", {{"/content_base64", "长度不是 4 的倍数"}});
  std::string out(clean.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(clean.data()),
                          static_cast<int>(clean.size()));
  if (n < 0) throw_invalid("items.invalid", "文件内容不是 Base64", {{"/content_base64", "含有 Base64 以外的字符"}});
  std::size_t padding = clean.ends_with("==") ? 2 : clean.ends_with("=") ? 1 : 0;
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

// An import problem raised for the CSV's document, with its places turned into lines and columns.
[[noreturn]] void rethrow_for_csv(const wangban::Problem& problem, const CsvCatalogue& csv) {
  json extra = problem.extra_json().empty() ? json::object() : json::parse(problem.extra_json());
  for (auto& e : extra["errors"]) {
    auto place = csv_place(csv, e["at"]);
    if (place.line) {
      e.erase("pointer");
      e["at"] = place.text;
      e["line"] = place.line;
      e["column"] = place.column;
    }
  }
  std::string detail = problem.detail();
  if (!extra["errors"].empty()) {
    auto colon = detail.find("：");
    detail = detail.substr(0, colon) + "：" + extra["errors"][0]["at"].get<std::string>() + " " +
             extra["errors"][0]["message"].get<std::string>();
  }
  throw wangban::Problem(problem.status(), problem.code(), detail, extra.dump());
}

}  // namespace

void add_routes(wangban::Context& ctx, CatalogueStore& store, CatalogueContract& contract) {
  auto& routes = ctx.routes();
  const std::string pub(wangban::kPublic);

  // ---- public reads ----
  routes.add({"GET", "/catalogue", pub, "事项目录：按名称、主题、部门、对象、区划、全程网办查找当日有效的事项", "", "",
              [&store](const Request& req) {
                wangban::contracts::ItemQuery q;
                q.text = req.query("q").value_or("");
                q.theme = req.query("theme").value_or("");
                q.department_id = req.query("department").value_or("");
                q.audience = req.query("audience").value_or("");
                q.division_code = req.query("division").value_or("");
                q.fully_online_only = req.query("online").value_or("") == "1";
                q.on_date = date_query(req);
                q.limit = int_query(req, "limit", 50, 1, 500);
                q.offset = int_query(req, "offset", 0, 0, 1000000);
                return Response::json(find_items(store, q));
              }});
  routes.add({"GET", "/catalogue/{code}", pub, "办事指南：一个实施清单事项当日有效的全部要素（基本目录 + 本地要素）", "", "",
              [&store](const Request& req) {
                auto s = store.context().database().session();
                auto guide = store.effective_item(*s, req.param("code"), date_query(req));
                if (!guide) throw wangban::Problem::not_found("items.not_found", "事项 " + req.param("code") + " 不存在，或在该日不在办理期内");
                return Response::json(*guide);
              }});
  routes.add({"POST", "/catalogue/{code}/check", pub, "用事项当日有效的申请表单检查一份申请（与办理时服务端的检查相同）", R"({"type":"object"})", "",
              [&contract](const Request& req) {
                json errors = json::array();
                for (auto& e : contract.check_application(req.param("code"), req.body(), req.query("date").value_or("")))
                  errors.push_back({{"pointer", e.pointer}, {"message", e.message}});
                return Response::json({{"valid", errors.empty()}, {"errors", errors}});
              }});
  routes.add({"GET", "/themes", pub, "服务主题", "", "", [&store](const Request&) { return Response::json({{"themes", store.themes()}}); }});
  routes.add({"GET", "/departments", pub, "实施部门", "", "",
              [&store](const Request&) { return Response::json({{"departments", store.departments()}}); }});
  routes.add({"GET", "/online-list", pub, "全程网办清单（当日有效的版本及发布历史）", "", "", [&store](const Request& req) {
                auto s = store.context().database().session();
                std::string date = date_query(req);
                int version = 0;
                auto codes = store.online_codes(*s, date, &version);
                json history = store.online_history(*s);
                std::string effective;
                for (auto& h : history)
                  if (h["version"] == version) effective = h["effective_from"];
                return Response::json({{"version", version}, {"effective_from", effective}, {"date", date},
                                       {"implementation_codes", codes}, {"history", history}});
              }});
  routes.add({"GET", "/files/{sm3}", pub, "已发布事项的空白表格、示例样表和结果样本", "", "",
              [&store](const Request& req) { return store.files().download(req.param("sm3"), /*published_only=*/true); }});
  routes.add({"GET", "/bundles", pub, "一件事清单（当日有效）", "", "", [&store](const Request& req) {
                auto s = store.context().database().session();
                json out = json::array();
                for (auto& [h, v] : store.all_in_force(*s, Kind::bundle, date_query(req)))
                  out.push_back({{"bundle_code", h.code}, {"name", v.fields.value("name", "")}, {"theme", v.fields.value("theme", "")},
                                 {"audience", v.fields.value("audience", "")}, {"members", v.fields["members"]},
                                 {"version", v.version}, {"effective_from", v.effective_from}});
                return Response::json({{"bundles", out}});
              }});
  routes.add({"GET", "/bundles/{code}", pub, "一件事：成员事项、合并表单和合并材料清单", "", "", [&store](const Request& req) {
                auto s = store.context().database().session();
                auto v = store.in_force(*s, Kind::bundle, req.param("code"), date_query(req));
                if (!v) throw wangban::Problem::not_found("items.not_found", "一件事 " + req.param("code") + " 不存在，或在该日不在办理期内");
                return Response::json({{"bundle_code", req.param("code")}, {"version", v->version},
                                       {"effective_from", v->effective_from}, {"fields", v->fields}});
              }});

  // ---- staff ----
  routes.add({"GET", "/admin/records", "items.read", "目录记录（基本目录、实施清单、一件事）及其状态", "", "",
              [&store](const Request& req) {
                return Response::json(store.list_records(req.query("kind").value_or(""), req.query("status").value_or(""),
                                                         req.query("q").value_or(""), int_query(req, "limit", 50, 1, 500),
                                                         int_query(req, "offset", 0, 0, 1000000)));
              }});
  routes.add({"GET", "/admin/records/{kind}/{code}", "items.read", "一条目录记录及其版本历史", "", "", [&store](const Request& req) {
                return Response::json(store.record(parse_kind(req.param("kind")), req.param("code")));
              }});
  routes.add({"GET", "/admin/records/{kind}/{code}/versions/{version}", "items.read", "记录的一个版本", "", "",
              [&store](const Request& req) {
                return Response::json(store.version(parse_kind(req.param("kind")), req.param("code"), version_param(req)));
              }});
  routes.add({"GET", "/admin/records/{kind}/{code}/versions/{version}/diff", "items.read", "版本与上一发布版本（或指定版本）的差异",
              "", "", [&store](const Request& req) {
                std::optional<int> against;
                if (req.query("against")) against = int_query(req, "against", 1, 1, 1000000);
                return Response::json(store.diff(parse_kind(req.param("kind")), req.param("code"), version_param(req), against));
              }});
  routes.add({"POST", "/admin/records", "items.edit", "新建目录记录（第 1 版草稿）", kCreateSchema, "", [&store](const Request& req) {
                const json& b = req.json();
                RecordHeader h;
                h.kind = parse_kind(b["kind"]);
                require_editor(req, h.kind);
                h.code = b["code"];
                h.basic_code = body_text(req, "basic_code");
                h.level = body_text(req, "level");
                h.division_code = body_text(req, "division_code");
                h.department = body_text(req, "department");
                return Response::json(store.create(actor_of(req), h, b["effective_from"], b["fields"]), 201);
              }});
  routes.add({"PUT", "/admin/records/{kind}/{code}/draft", "items.edit", "保存草稿（没有草稿时在已发布版本之后新开一版）", kDraftSchema, "",
              [&store](const Request& req) {
                Kind kind = parse_kind(req.param("kind"));
                require_editor(req, kind);
                return Response::json(store.save_draft(actor_of(req), kind, req.param("code"), req.json()["effective_from"],
                                                       req.json()["fields"]));
              }});
  routes.add({"DELETE", "/admin/records/{kind}/{code}/draft", "items.edit", "丢弃草稿", "", "", [&store](const Request& req) {
                Kind kind = parse_kind(req.param("kind"));
                require_editor(req, kind);
                store.discard_draft(actor_of(req), kind, req.param("code"));
                return Response::no_content();
              }});
  routes.add({"POST", "/admin/records/{kind}/{code}/submit", "items.edit", "提交审核", "", "", [&store](const Request& req) {
                Kind kind = parse_kind(req.param("kind"));
                require_editor(req, kind);
                return Response::json(store.submit(actor_of(req), kind, req.param("code")));
              }});
  routes.add({"POST", "/admin/records/{kind}/{code}/versions/{version}/approve", "items.review", "审核通过并发布（不能审核自己编辑的版本）",
              kNoteSchema, "", [&store](const Request& req) {
                return Response::json(store.approve(actor_of(req), parse_kind(req.param("kind")), req.param("code"),
                                                    version_param(req), body_text(req, "note")));
              }});
  routes.add({"POST", "/admin/records/{kind}/{code}/versions/{version}/reject", "items.review", "退回修改（须写明意见）", kRejectSchema, "",
              [&store](const Request& req) {
                return Response::json(store.reject(actor_of(req), parse_kind(req.param("kind")), req.param("code"),
                                                   version_param(req), body_text(req, "note")));
              }});
  routes.add({"POST", "/admin/records/{kind}/{code}/retire", "items.review", "停用（自生效日期起不再办理）", kRetireSchema, "",
              [&store](const Request& req) {
                return Response::json(store.retire(actor_of(req), parse_kind(req.param("kind")), req.param("code"),
                                                   body_text(req, "effective_from"), body_text(req, "reason")));
              }});
  routes.add({"POST", "/admin/files", "items.edit", "上传空白表格、示例样表或结果样本（PDF、OFD、Word、Excel、JPEG、PNG，20 MB 以内）",
              kFileSchema, "", [&store](const Request& req) {
                auto file = store.files().upload(actor_of(req), req.json()["name"], base64_decode(req.json()["content_base64"]));
                store.context().audit().record(req, "item.file_uploaded", "file", file["sm3"]);
                return Response::json(file, 201);
              }});
  routes.add({"GET", "/admin/files/{sm3}", "items.read", "下载上传的文件（含未发布的）", "", "",
              [&store](const Request& req) { return store.files().download(req.param("sm3"), /*published_only=*/false); }});
  routes.add({"GET", "/admin/records/base/{code}/impact", "items.base.edit",
              "基本目录草稿（或 ?version= 指定版本）发布后对各级实施清单的影响预览：变更的统一字段和各实施清单须处理的问题", "", "",
              [&store](const Request& req) {
                std::optional<int> version;
                if (req.query("version")) version = int_query(req, "version", 1, 1, 1000000);
                return Response::json(store.impact_preview(req.param("code"), version));
              }});
  routes.add({"GET", "/admin/change-reports", "items.read", "基本目录变更传导到实施清单的变更报告", "", "", [&store](const Request& req) {
                return Response::json(store.change_reports(req.query("code").value_or(""), int_query(req, "limit", 100, 1, 1000)));
              }});
  routes.add({"GET", "/admin/export", "items.read", "导出目录（JSON 或 CSV；names=gbt39046 用 GB/T 39046 数据项名称）", "", "",
              [&store](const Request& req) {
                std::string format = req.query("format").value_or("json");
                bool standard = req.query("names").value_or("") == "gbt39046";
                if (format != "json" && format != "csv")
                  throw wangban::Problem::bad_request("items.bad_query", "format 应为 json 或 csv");
                json document = export_catalogue(store);
                std::string name = "catalogue-" + today() + (standard ? "-gbt39046" : "");
                Response r = format == "csv"
                                 ? Response::text(catalogue_to_csv(document, standard), "text/csv; charset=utf-8")
                                 : Response::text((standard ? to_standard_names(document) : document).dump(2), "application/json");
                r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + "." + format + "\"");
                return r;
              }});
  routes.add({"POST", "/admin/import", "items.admin", "导入目录（JSON 或 CSV，全部成功或全部不导入；dry_run 只检查）", kImportSchema, "",
              [&store, &ctx](const Request& req) {
                const json& b = req.json();
                bool dry_run = b.value("dry_run", false);
                ImportSummary summary;
                if (b["format"] == "csv") {
                  if (!b.contains("text")) throw wangban::Problem::bad_request("items.bad_import", "CSV 导入须在 text 中给出文件内容");
                  CsvCatalogue csv = catalogue_from_csv(b["text"].get<std::string>());
                  try {
                    summary = import_catalogue(store, actor_of(req), csv.document, dry_run);
                  } catch (const wangban::Problem& p) {
                    if (p.status() == 422) rethrow_for_csv(p, csv);
                    throw;
                  }
                  for (auto& problem : summary.propagated) problem.at = csv_place(csv, problem.at).text;
                } else {
                  if (!b.contains("document")) throw wangban::Problem::bad_request("items.bad_import", "JSON 导入须在 document 中给出目录文档");
                  const json& document = b["document"];
                  summary = import_catalogue(store, actor_of(req),
                                             document.value("names", "") == "gbt39046" ? from_standard_names(document) : document, dry_run);
                }
                if (!dry_run) ctx.audit().record(req, "items.imported", "catalogue", b["format"].get<std::string>());
                json out = summary.to_json();
                out["dry_run"] = dry_run;
                return Response::json(out);
              }});
}

}  // namespace items
