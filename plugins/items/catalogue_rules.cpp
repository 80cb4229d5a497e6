// Catalogue rules: JSON Schemas of the record shapes (GB/T 39046 code tables as enums) checked
// with the platform's validator, then the cross-field and cross-record rules.
#include "catalogue_rules.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <regex>
#include <set>

#include <wangban/identifiers.hpp>
#include <wangban/json_schema.hpp>
#include <wangban/problem.hpp>

namespace items {
namespace {

// The shapes. Code tables: A.1 item type (00–10, 20, and the extensible 11–19, 21–29), A.2 exercise
// level, A.3 body nature, A.4 service objects, A.5 handling forms, A.6 case type.
constexpr const char* kDefinitions = R"json({
  "text": {"type": "string", "maxLength": 20000},
  "name": {"type": "string", "minLength": 1, "maxLength": 200},
  "sm3": {"type": ["string", "null"], "pattern": "^[0-9a-f]{64}$"},
  "term": {"enum": ["permanent", "30y", "10y"]},
  "limit": {"type": "object", "required": ["value", "unit"], "additionalProperties": false, "properties": {
    "value": {"type": "integer", "minimum": 0, "maximum": 3650},
    "unit": {"enum": ["working_day", "natural_day", "month"]},
    "note": {"$ref": "#/definitions/text"}}},
  "contact": {"type": "object", "additionalProperties": false, "properties": {
    "phone": {"type": "string", "maxLength": 100}, "address": {"type": "string", "maxLength": 500}}},
  "material": {"type": "object", "additionalProperties": false,
    "required": ["id", "name", "issuing_body", "originals", "copies", "mandatory", "kind", "archive", "routing"],
    "properties": {
      "id": {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_-]{0,31}$"},
      "name": {"$ref": "#/definitions/name"},
      "issuing_body": {"type": "string", "maxLength": 200},
      "originals": {"type": "integer", "minimum": 0, "maximum": 99},
      "copies": {"type": "integer", "minimum": 0, "maximum": 99},
      "mandatory": {"type": "boolean"},
      "note": {"$ref": "#/definitions/text"},
      "kind": {"enum": ["application", "process", "result"]},
      "blank_form": {"$ref": "#/definitions/sm3"},
      "sample": {"$ref": "#/definitions/sm3"},
      "archive": {"type": "object", "additionalProperties": false,
        "required": ["archived", "retention", "use_permission", "storage_term"], "properties": {
          "archived": {"type": "boolean"},
          "retention": {"$ref": "#/definitions/term"},
          "use_permission": {"enum": ["public", "internal", "restricted"]},
          "storage_term": {"$ref": "#/definitions/term"}}},
      "replaceable_by_certificate": {"type": ["string", "null"], "maxLength": 100},
      "routing": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 50}}}},
  "materials": {"type": "array", "items": {"$ref": "#/definitions/material"}},
  "base": {"type": "object", "additionalProperties": false,
    "required": ["name", "item_type", "legal_basis", "service_objects", "case_type", "statutory_limit",
                 "acceptance_conditions", "result", "themes", "audience", "materials"],
    "properties": {
      "name": {"$ref": "#/definitions/name"},
      "item_type": {"type": "string", "pattern": "^(0[0-9]|1[0-9]|2[0-9])$"},
      "legal_basis": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["title"],
        "additionalProperties": false, "properties": {"title": {"type": "string", "minLength": 1, "maxLength": 500},
                                                        "article": {"type": "string", "maxLength": 500}}}},
      "service_objects": {"type": "array", "minItems": 1, "uniqueItems": true, "items": {"enum": ["1", "2", "3", "4", "5", "6"]}},
      "case_type": {"enum": ["1", "2", "9"]},
      "statutory_limit": {"$ref": "#/definitions/limit"},
      "acceptance_conditions": {"$ref": "#/definitions/text"},
      "result": {"type": "object", "required": ["name", "kind"], "additionalProperties": false, "properties": {
        "name": {"$ref": "#/definitions/name"},
        "kind": {"enum": ["certificate", "approval_document", "other"]},
        "certificate_type": {"type": ["string", "null"], "maxLength": 100},
        "sample": {"$ref": "#/definitions/sm3"}}},
      "themes": {"type": "array", "minItems": 1, "uniqueItems": true, "items": {"type": "string"}},
      "audience": {"enum": ["person", "legal", "both"]},
      "materials": {"$ref": "#/definitions/materials"}}},
  "implementation": {"type": "object", "additionalProperties": false,
    "required": ["exercise_level", "body", "promised_limit", "fees", "handling_forms", "online", "address", "hours",
                 "consultation", "complaint", "process", "local_materials", "form_schema"],
    "properties": {
      "exercise_level": {"enum": ["1", "2", "3", "4", "5", "6", "7"]},
      "body": {"type": "object", "required": ["name", "credit_code", "nature"], "additionalProperties": false, "properties": {
        "name": {"$ref": "#/definitions/name"}, "credit_code": {"type": "string"}, "nature": {"enum": ["1", "2", "3", "9"]}}},
      "promised_limit": {"$ref": "#/definitions/limit"},
      "fees": {"type": "object", "required": ["charged", "items"], "additionalProperties": false, "properties": {
        "charged": {"type": "boolean"},
        "items": {"type": "array", "items": {"type": "object", "required": ["name", "amount_yuan"], "additionalProperties": false,
          "properties": {"name": {"$ref": "#/definitions/name"}, "amount_yuan": {"type": "number", "minimum": 0},
                         "basis": {"$ref": "#/definitions/text"}}}}}},
      "handling_forms": {"type": "array", "minItems": 1, "uniqueItems": true, "items": {"enum": ["1", "2", "3", "4", "9"]}},
      "online": {"type": "object", "required": ["fully_online"], "additionalProperties": false, "properties": {
        "fully_online": {"type": "boolean"}, "url": {"type": "string", "maxLength": 1000}}},
      "address": {"type": "string", "maxLength": 500},
      "hours": {"type": "string", "maxLength": 500},
      "consultation": {"$ref": "#/definitions/contact"},
      "complaint": {"$ref": "#/definitions/contact"},
      "process": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["step"], "additionalProperties": false,
        "properties": {"step": {"type": "string", "minLength": 1, "maxLength": 50}, "description": {"$ref": "#/definitions/text"},
                       "limit_days": {"type": "integer", "minimum": 0, "maximum": 3650}}}},
      "local_materials": {"$ref": "#/definitions/materials"},
      "form_schema": {"type": "object"},
      "faq": {"type": "array", "items": {"type": "object", "required": ["q", "a"], "additionalProperties": false,
        "properties": {"q": {"$ref": "#/definitions/text"}, "a": {"$ref": "#/definitions/text"}}}}}},
  "bundle": {"type": "object", "additionalProperties": false, "required": ["name", "theme", "audience", "members", "form", "materials"],
    "properties": {
      "name": {"$ref": "#/definitions/name"},
      "theme": {"type": "string"},
      "audience": {"enum": ["person", "legal", "both"]},
      "members": {"type": "array", "minItems": 2, "items": {"type": "object", "required": ["implementation_code", "department"],
        "additionalProperties": false, "properties": {"implementation_code": {"type": "string"}, "department": {"type": "string"}}}},
      "form": {"type": "object", "required": ["schema", "mappings"], "additionalProperties": false, "properties": {
        "schema": {"type": "object"},
        "mappings": {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": {"type": "string"}}}}},
      "materials": {"type": "array", "items": {"type": "object", "required": ["id", "name", "covers"], "additionalProperties": false,
        "properties": {"id": {"type": "string", "minLength": 1, "maxLength": 32}, "name": {"$ref": "#/definitions/name"},
          "covers": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["implementation_code", "material"],
            "additionalProperties": false, "properties": {"implementation_code": {"type": "string"}, "material": {"type": "string"}}}}}}}}},
  "department": {"type": "object", "required": ["id", "name", "credit_code", "division_code", "level"], "additionalProperties": false,
    "properties": {"id": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,63}$"}, "name": {"$ref": "#/definitions/name"},
      "credit_code": {"type": "string"}, "division_code": {"type": "string", "pattern": "^[0-9]{6}$"},
      "level": {"enum": ["national", "province", "city", "county"]}, "parent": {"type": ["string", "null"]}}},
  "theme": {"type": "object", "required": ["code", "name", "audience"], "additionalProperties": false,
    "properties": {"code": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"}, "name": {"$ref": "#/definitions/name"},
      "audience": {"enum": ["person", "legal", "both"]}}}
})json";

// Chinese names of the fields, for messages that name them.
const json& field_labels() {
  static const json labels = {
      {"name", "事项名称"}, {"item_type", "事项类型"}, {"legal_basis", "设定依据"}, {"service_objects", "服务对象"},
      {"case_type", "办件类型"}, {"statutory_limit", "法定办结时限"}, {"acceptance_conditions", "受理条件"},
      {"result", "办理结果"}, {"themes", "服务主题"}, {"audience", "面向对象"}, {"materials", "申请材料"},
      {"exercise_level", "行使层级"}, {"body", "实施主体"}, {"promised_limit", "承诺办结时限"}, {"fees", "收费"},
      {"handling_forms", "办理形式"}, {"online", "网上办理"}, {"address", "办理地点"}, {"hours", "办理时间"},
      {"consultation", "咨询方式"}, {"complaint", "监督投诉方式"}, {"process", "办理流程"},
      {"local_materials", "本地材料"}, {"form_schema", "申请表单"}, {"faq", "常见问题"}, {"archive", "归档规则"},
      {"members", "成员事项"}, {"fields", "事项要素"}, {"form", "合并表单"}, {"theme", "主题"}, {"credit_code", "统一社会信用代码"},
      {"division_code", "行政区划代码"}, {"level", "层级"}, {"retention", "保管期限"},
      {"use_permission", "利用权限"}, {"storage_term", "存储期限"}, {"kind", "材料类别"}, {"routing", "流转环节"}};
  return labels;
}

// The field a pointer names, in Chinese: "name" under "result" is the result's name, not the item's.
std::string label_of(const std::string& pointer) {
  std::vector<std::string> parts;
  for (std::size_t at = 0; at < pointer.size();) {
    std::size_t next = pointer.find('/', at + 1);
    parts.push_back(pointer.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1));
    at = next == std::string::npos ? pointer.size() : next;
  }
  auto is_index = [](const std::string& p) {
    return !p.empty() && std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  std::string last, parent;  // the last two names, list indexes skipped
  for (auto& p : parts)
    if (!is_index(p)) {
      parent = last;
      last = p;
    }
  static const std::map<std::string, std::string> in_context = {
      {"result/name", "结果名称"}, {"result/kind", "结果类型"}, {"result/sample", "结果样本"},
      {"result/certificate_type", "结果证照类型"}, {"body/name", "实施主体名称"}, {"body/credit_code", "实施主体代码"},
      {"body/nature", "实施主体性质"}, {"materials/name", "材料名称"}, {"local_materials/name", "材料名称"},
      {"items/name", "收费项目名称"}, {"items/amount_yuan", "收费金额"}, {"items/basis", "收费依据"},
      {"process/step", "环节名称"}, {"process/description", "环节说明"}, {"process/limit_days", "环节时限"},
      {"statutory_limit/value", "法定办结时限"}, {"statutory_limit/unit", "法定办结时限单位"},
      {"promised_limit/value", "承诺办结时限"}, {"promised_limit/unit", "承诺办结时限单位"},
      {"legal_basis/title", "设定依据名称"}, {"legal_basis/article", "设定依据条款"},
      {"online/url", "网办地址"}, {"online/fully_online", "是否全程网办"}, {"members/department", "成员事项的办理部门"},
      {"members/implementation_code", "成员事项实施编码"}};
  if (auto it = in_context.find(parent + "/" + last); it != in_context.end()) return it->second + "（" + last + "）";
  auto it = field_labels().find(last);
  return it != field_labels().end() ? it->get<std::string>() + "（" + last + "）" : last;
}

// valijson's messages in Chinese, for the ones our shapes produce; others pass through.
std::string chinese(const std::string& message) {
  static const std::vector<std::pair<std::regex, std::string>> rules = [] {
    std::vector<std::pair<std::regex, std::string>> r;
    r.emplace_back(std::regex(R"(Missing required property '(.*)'\.)"), "缺少必填项 $1");
    r.emplace_back(std::regex(R"(Object contains a property that could not be validated using 'properties' or 'additionalProperties' constraints: '(.*)'\.)"),
                   "不认识的字段 $1");
    r.emplace_back(std::regex(R"(Value type not permitted by 'type' constraint\.)"), "类型不对");
    r.emplace_back(std::regex(R"(Failed to match against any enum values\.)"), "取值不在允许的范围内");
    r.emplace_back(std::regex(R"(Array should contain no fewer than (\d+) elements\.)"), "至少应有 $1 项");
    r.emplace_back(std::regex(R"(Array should contain no more than (\d+) elements\.)"), "至多 $1 项");
    r.emplace_back(std::regex(R"(String should be no fewer than (\d+) characters in length\.)"), "至少 $1 个字符");
    r.emplace_back(std::regex(R"(String should be no more than (\d+) characters in length\.)"), "至多 $1 个字符");
    r.emplace_back(std::regex(R"(Failed to match regex specified by 'pattern' constraint\.)"), "格式不对");
    r.emplace_back(std::regex(R"(Expected number greater than or equal to (-?[0-9]+)(\.0+)?)"), "不能小于 $1");
    r.emplace_back(std::regex(R"(Expected number less than or equal to (-?[0-9]+)(\.0+)?)"), "不能大于 $1");
    r.emplace_back(std::regex(R"(Elements of array expected to be unique\.)"), "不能有重复项");
    return r;
  }();
  for (auto& [pattern, text] : rules)
    if (std::regex_match(message, pattern)) return std::regex_replace(message, pattern, text);
  return message;
}

std::string escape_pointer(const std::string& key) {
  std::string out;
  for (char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

const wangban::JsonSchema& shape(const char* name) {
  static const json definitions = json::parse(kDefinitions);
  static const auto compiled = [] {
    std::map<std::string, std::shared_ptr<const wangban::JsonSchema>> m;
    for (const char* n : {"base", "implementation", "bundle", "department", "theme"})
      m[n] = wangban::JsonSchema::compile(json{{"definitions", definitions}, {"$ref", std::string("#/definitions/") + n}});
    return m;
  }();
  return *compiled.at(name);
}

// The schema's complaints, each named by its field. valijson also reports every enclosing value
// ("failed to validate against the schema of property X"): only the innermost complaints are kept.
void check_shape(const char* name, const json& value, const std::string& at, std::vector<FieldError>& out) {
  auto errors = shape(name).validate(value);
  auto explained_below = [&](const wangban::SchemaError& e) {
    return std::any_of(errors.begin(), errors.end(), [&](const wangban::SchemaError& other) {
      bool deeper = other.pointer.size() > e.pointer.size() && other.pointer.starts_with(e.pointer + "/");
      bool same_place_concrete = other.pointer == e.pointer && !other.message.starts_with("Failed to validate");
      return deeper || (e.message.starts_with("Failed to validate") && same_place_concrete);
    });
  };
  for (auto& e : errors) {
    if (explained_below(e)) continue;
    std::string where = at + e.pointer;
    out.push_back({where, label_of(where) + " 不符合规则：" + chinese(e.message)});
  }
}

// A member of an object that may be malformed (a file being imported): an empty list or object when absent.
const json& part(const json& object, const char* key) {
  static const json empty_list = json::array();
  if (!object.is_object()) return empty_list;
  auto it = object.find(key);
  return it != object.end() ? *it : empty_list;
}

bool contains(const json& list, const std::string& value) {
  return list.is_array() && std::find(list.begin(), list.end(), json(value)) != list.end();
}

// Materials: unique ids; the archive rules (required by the shape) are restated in Chinese first,
// because a material without them is the error people make most.
void check_materials(const json& materials, const std::string& at, std::set<std::string>& ids, std::vector<FieldError>& out) {
  if (!materials.is_array()) return;
  for (std::size_t i = 0; i < materials.size(); ++i) {
    const auto& m = materials[i];
    std::string here = at + "/" + std::to_string(i);
    if (!m.is_object()) continue;
    std::string name = m.value("name", json("")).is_string() ? m.value("name", "") : "";
    if (!m.contains("archive") || !m["archive"].is_object())
      out.push_back({here + "/archive", "材料“" + name + "”缺少归档规则（archive）：须写明是否归档、保管期限、利用权限和存储期限"});
    if (m.contains("id") && m["id"].is_string() && !ids.insert(m["id"].get<std::string>()).second)
      out.push_back({here + "/id", "材料编号 " + m["id"].get<std::string>() + " 重复：同一事项的材料编号必须唯一"});
  }
}

void check_form_schema(const json& schema, const std::string& at, std::vector<FieldError>& out) {
  try {
    auto compiled = wangban::JsonSchema::compile(schema);
    if (!schema.is_object() || schema.value("type", json("")) != "object" || !schema.contains("properties"))
      out.push_back({at, "申请表单（form_schema）必须是 type 为 object 且有 properties 的 JSON Schema"});
  } catch (const std::exception& e) {
    out.push_back({at, std::string("申请表单（form_schema）不是可用的 JSON Schema：") + e.what()});
  }
}

void check_credit_code(const json& value, const std::string& at, std::vector<FieldError>& out) {
  std::string why;
  if (value.is_string() && !wangban::parse_credit_code(value.get<std::string>(), &why))
    out.push_back({at, "统一社会信用代码无效：" + why});
}

int working_days(const json& limit) {
  int v = limit.value("value", 0);
  std::string unit = limit.value("unit", "working_day");
  if (unit == "month") return v * 21;
  if (unit == "natural_day") return (v * 21 + 29) / 30;  // rounded up: never makes a limit look shorter
  return v;
}

std::string limit_text(const json& limit) {
  std::string unit = limit.value("unit", "");
  return std::to_string(limit.value("value", 0)) +
         (unit == "month" ? " 个月" : unit == "natural_day" ? " 个自然日" : " 个工作日");
}

// The type a form property takes, "" when it does not say.
std::string property_type(const json& property) {
  if (!property.is_object()) return "";
  if (property.contains("type") && property["type"].is_string()) return property["type"];
  if (property.contains("enum")) return "enum";
  return "";
}

}  // namespace

[[noreturn]] void throw_invalid(const std::string& code, std::string summary, const std::vector<FieldError>& errors) {
  json list = json::array();
  for (auto& e : errors) {  // "pointer" as the kernel's schema errors have it, when the place is one
    json item = {{"at", e.at}, {"message", e.message}};
    if (e.at.empty() || e.at[0] == '/') item["pointer"] = e.at;
    list.push_back(std::move(item));
  }
  if (!errors.empty()) summary += "：" + errors.front().message + (errors.size() > 1 ? "（另有 " + std::to_string(errors.size() - 1) + " 处）" : "");
  throw wangban::Problem(422, code, summary, json{{"errors", list}}.dump());
}

bool valid_date(const std::string& t) {
  int y, m, d;
  char tail;
  if (t.size() != 10 || t[4] != '-' || t[7] != '-' || std::sscanf(t.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
    return false;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1] + (m == 2 && leap);
}

bool within_limit(const json& promised, const json& statutory) {
  if (promised.value("unit", "") == statutory.value("unit", "")) return promised.value("value", 0) <= statutory.value("value", 0);
  return working_days(promised) <= working_days(statutory);
}

void check_base(const std::string& basic_code, const json& fields, const CatalogueView& view, const std::string& at,
                std::vector<FieldError>& out) {
  std::size_t before = out.size();
  if (basic_code.size() != 10 || !std::all_of(basic_code.begin(), basic_code.end(), [](char c) { return c >= '0' && c <= '9'; }))
    out.push_back({at.substr(0, at.rfind('/')) + "/basic_code", "基本编码必须是 10 位数字（事项类型 2 位 + 8 位序号）"});
  std::set<std::string> ids;
  if (fields.is_object()) check_materials(fields.value("materials", json::array()), at + "/materials", ids, out);
  check_shape("base", fields, at, out);
  if (out.size() != before || !fields.is_object()) return;
  if (basic_code.substr(0, 2) != fields["item_type"].get<std::string>())
    out.push_back({at + "/item_type", "事项类型 " + fields["item_type"].get<std::string>() + " 与基本编码的前两位 " +
                                          basic_code.substr(0, 2) + " 不一致"});
  for (std::size_t i = 0; i < fields["themes"].size(); ++i)
    if (!view.theme_exists(fields["themes"][i]))
      out.push_back({at + "/themes/" + std::to_string(i), "没有主题 " + fields["themes"][i].get<std::string>()});
}

void check_implementation(const ImplementationHeader& h, const json& fields, const CatalogueView& view,
                          const std::string& at, std::vector<FieldError>& out, std::vector<FieldError>* propagated,
                          const std::string& effective_from) {
  std::string header = at.substr(0, at.rfind('/'));
  std::size_t before = out.size();
  // A unified field belongs to the base entry: name it before the schema calls it unknown.
  if (fields.is_object())
    for (const char* u : kUnifiedFields)
      if (fields.contains(u))
        out.push_back({at + "/" + u, label_of(std::string("/") + u) +
                                         " 是基本目录的统一字段，实施清单不能修改；请由基本目录变更，变更会传导到各级实施清单"});
  const json* base = view.base_fields(h.basic_code);
  if (!base) out.push_back({header + "/basic_code", "基本目录中没有已发布的事项 " + h.basic_code});
  auto department = view.department(h.department);
  if (!department) out.push_back({header + "/department", "没有部门 " + h.department});
  static const std::set<std::string> levels = {"national", "province", "city", "county"};
  if (!levels.count(h.level)) out.push_back({header + "/level", "层级必须是 national、province、city 或 county"});
  if (h.division_code.size() != 6 || !std::all_of(h.division_code.begin(), h.division_code.end(), [](char c) { return c >= '0' && c <= '9'; }))
    out.push_back({header + "/division_code", "行政区划代码必须是 6 位数字"});
  if (h.implementation_code.size() < 11 || h.implementation_code.size() > 24 ||
      h.implementation_code.find(h.basic_code) == std::string::npos ||
      h.implementation_code.compare(0, std::min<std::size_t>(6, h.division_code.size()), h.division_code) != 0)
    out.push_back({header + "/implementation_code",
                   "实施编码（不超过 24 位）须由行政区划代码开头并含基本编码 " + h.basic_code});
  if (department && department->value("division_code", "") != h.division_code)
    out.push_back({header + "/department", "部门 " + department->value("name", h.department) + " 的行政区划 " +
                                               department->value("division_code", "") + " 与实施清单的 " + h.division_code + " 不一致"});
  std::set<std::string> ids;
  if (base)
    for (auto& m : part(*base, "materials")) ids.insert(m.value("id", ""));
  if (fields.is_object()) {
    std::set<std::string> local_ids = ids;
    check_materials(fields.value("local_materials", json::array()), at + "/local_materials", local_ids, out);
  }
  if (out.size() != before) return;
  check_shape("implementation", fields, at, out);
  if (out.size() != before) return;
  check_credit_code(fields["body"]["credit_code"], at + "/body/credit_code", out);
  check_form_schema(fields["form_schema"], at + "/form_schema", out);
  std::vector<FieldError>& after_base_change =
      propagated && !effective_from.empty() && view.base_effective_from(h.basic_code) > effective_from ? *propagated : out;
  if (base && base->contains("statutory_limit") && !within_limit(fields["promised_limit"], base->at("statutory_limit")))
    after_base_change.push_back({at + "/promised_limit", "承诺办结时限（" + limit_text(fields["promised_limit"]) + "）不能长于法定办结时限（" +
                                               limit_text(base->at("statutory_limit")) + "）"});
  if (fields["fees"]["charged"] == false && !fields["fees"]["items"].empty())
    out.push_back({at + "/fees/items", "不收费的事项不能列收费项目"});
  if (fields["fees"]["charged"] == true && fields["fees"]["items"].empty())
    out.push_back({at + "/fees/items", "收费的事项须列出收费项目及收费依据"});
  if (fields["online"]["fully_online"] == true && fields["online"].value("url", "").empty())
    out.push_back({at + "/online/url", "全程网办的事项须填写网办地址"});
  // A material's routing names steps of the process.
  std::set<std::string> steps;
  for (auto& p : fields["process"]) steps.insert(p["step"].get<std::string>());
  auto check_routing = [&](const json& materials, const std::string& where) {
    for (std::size_t i = 0; i < materials.size(); ++i)
      for (std::size_t j = 0; j < materials[i]["routing"].size(); ++j)
        if (!steps.count(materials[i]["routing"][j]))
          out.push_back({where + "/" + std::to_string(i) + "/routing/" + std::to_string(j),
                         "材料“" + materials[i]["name"].get<std::string>() + "”流转到的环节“" +
                             materials[i]["routing"][j].get<std::string>() + "”不在办理流程中"});
  };
  check_routing(fields["local_materials"], at + "/local_materials");
  // The base entry's materials are routed through this process too: a missing step is this
  // process's problem, so it is reported on the process, naming the material.
  if (base)
    for (auto& m : part(*base, "materials"))
      for (auto& step : m["routing"])
        if (!steps.count(step))
          after_base_change.push_back({at + "/process", "基本目录的材料“" + m["name"].get<std::string>() + "”流转到的环节“" +
                                              step.get<std::string>() + "”不在本地办理流程中，请在办理流程中加入该环节"});
}

void check_bundle(const std::string& bundle_code, const json& fields, const CatalogueView& view, const std::string& at,
                  std::vector<FieldError>& out) {
  std::size_t before = out.size();
  if (bundle_code.empty() || bundle_code.size() > 24)
    out.push_back({at.substr(0, at.rfind('/')) + "/bundle_code", "一件事编码不能为空，且不超过 24 位"});
  check_shape("bundle", fields, at, out);
  if (out.size() != before) return;
  if (!view.theme_exists(fields["theme"])) out.push_back({at + "/theme", "没有主题 " + fields["theme"].get<std::string>()});
  std::shared_ptr<const wangban::JsonSchema> merged;
  try {
    merged = wangban::JsonSchema::compile(fields["form"]["schema"]);
  } catch (const std::exception& e) {
    out.push_back({at + "/form/schema", std::string("合并表单不是可用的 JSON Schema：") + e.what()});
  }
  const json& merged_properties = fields["form"]["schema"].value("properties", json::object());
  const json& mappings = fields["form"]["mappings"];
  std::map<std::string, const CatalogueView::Implementation*> members;
  for (std::size_t i = 0; i < fields["members"].size(); ++i) {
    const auto& member = fields["members"][i];
    std::string code = member["implementation_code"], here = at + "/members/" + std::to_string(i);
    if (members.count(code)) {
      out.push_back({here + "/implementation_code", "成员事项 " + code + " 重复"});
      continue;
    }
    auto implementation = view.implementation(code);
    if (!implementation) {
      out.push_back({here + "/implementation_code", "实施清单中没有已发布的事项 " + code});
      continue;
    }
    if (!view.department(member["department"])) out.push_back({here + "/department", "没有部门 " + member["department"].get<std::string>()});
    members[code] = implementation;
    // Every required field of the member's form reachable from the merged form, with a compatible type.
    const json& schema = part(implementation->fields, "form_schema");
    const json& mapping = mappings.contains(code) ? mappings[code] : json::object();
    std::string map_at = at + "/form/mappings/" + escape_pointer(code);
    for (auto& required : schema.value("required", json::array())) {
      std::string field = required.get<std::string>();
      if (!mapping.contains(field)) {
        out.push_back({map_at, "成员事项 " + code + " 的必填字段 " + field + " 没有对应到合并表单的任何字段"});
        continue;
      }
    }
    for (auto& [field, target] : mapping.items()) {
      std::string merged_field = target.get<std::string>();
      const json& member_property = schema.value("properties", json::object()).value(field, json());
      if (member_property.is_null()) {
        out.push_back({map_at + "/" + escape_pointer(field), "成员事项 " + code + " 的表单没有字段 " + field});
        continue;
      }
      if (!merged_properties.contains(merged_field)) {
        out.push_back({map_at + "/" + escape_pointer(field), "合并表单没有字段 " + merged_field});
        continue;
      }
      const json& merged_property = merged_properties[merged_field];
      std::string member_type = property_type(member_property), merged_type = property_type(merged_property);
      bool compatible = member_type.empty() || member_type == merged_type || (member_type == "number" && merged_type == "integer");
      if (compatible && member_property.contains("enum")) {  // every merged answer must be one the member accepts
        const json& allowed = member_property["enum"];
        const json& offered = merged_property.value("enum", json());
        compatible = offered.is_array() && std::all_of(offered.begin(), offered.end(), [&](const json& v) {
                       return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
                     });
      }
      if (!compatible)
        out.push_back({map_at + "/" + escape_pointer(field), "合并表单字段 " + merged_field + " 的类型或取值与成员事项 " + code +
                                                                 " 的字段 " + field + " 不相容"});
      // A required member field must be required in the merged form too, or the member could go
      // unanswered — unless an earlier member's result fills it (x-ui.fill_from, e.g. the birth
      // certificate number that the household registration after it needs).
      if (contains(schema.value("required", json::array()), field) &&
          !contains(fields["form"]["schema"].value("required", json::array()), merged_field)) {
        std::string fill_from;
        if (merged_property.contains("x-ui") && merged_property["x-ui"].is_object())
          fill_from = merged_property["x-ui"].value("fill_from", "");
        if (fill_from.empty())
          out.push_back({at + "/form/schema/required", "合并表单字段 " + merged_field + " 须为必填：成员事项 " + code + " 的 " +
                                                           field + " 是必填字段"});
        else if (!members.count(fill_from) || fill_from == code)
          out.push_back({at + "/form/schema/properties/" + escape_pointer(merged_field) + "/x-ui/fill_from",
                         "合并表单字段 " + merged_field + " 由 " + fill_from + " 回填，但它不是排在成员事项 " + code + " 之前的成员"});
      }
    }
  }
  for (auto& [code, mapping] : mappings.items())
    if (!members.count(code) && std::none_of(fields["members"].begin(), fields["members"].end(),
                                             [&](const json& m) { return m["implementation_code"] == code; }))
      out.push_back({at + "/form/mappings/" + escape_pointer(code), "对应关系中的 " + code + " 不是成员事项"});
  // The merged material list covers every mandatory material of every member.
  std::set<std::pair<std::string, std::string>> covered;
  for (std::size_t i = 0; i < fields["materials"].size(); ++i)
    for (std::size_t j = 0; j < fields["materials"][i]["covers"].size(); ++j) {
      const auto& c = fields["materials"][i]["covers"][j];
      std::string code = c["implementation_code"], material = c["material"];
      covered.insert({code, material});
      std::string here = at + "/materials/" + std::to_string(i) + "/covers/" + std::to_string(j);
      auto member = members.find(code);
      if (member == members.end()) {
        out.push_back({here, "材料覆盖的 " + code + " 不是成员事项"});
        continue;
      }
      const json* base = view.base_fields(member->second->basic_code);
      bool known = false;
      for (const json* list : {base ? &part(*base, "materials") : nullptr, &part(member->second->fields, "local_materials")})
        if (list)
          for (auto& m : *list) known = known || m.value("id", "") == material;
      if (!known) out.push_back({here + "/material", "成员事项 " + code + " 没有材料 " + material});
    }
  for (auto& [code, implementation] : members) {
    const json* base = view.base_fields(implementation->basic_code);
    for (const json* list : {base ? &part(*base, "materials") : nullptr, &part(implementation->fields, "local_materials")})
      if (list)
        for (auto& m : *list)
          if (m.value("mandatory", false) && m.value("kind", "") == "application" && !covered.count({code, m.value("id", "")}))
            out.push_back({at + "/materials", "合并材料清单没有覆盖成员事项 " + code + " 的必备材料“" + m.value("name", "") + "”（" +
                                                  m.value("id", "") + "）"});
  }
}

void check_department(const json& department, const std::string& at, std::vector<FieldError>& out) {
  std::size_t before = out.size();
  check_shape("department", department, at, out);
  if (out.size() == before) check_credit_code(department["credit_code"], at + "/credit_code", out);
}

void check_theme(const json& theme, const std::string& at, std::vector<FieldError>& out) { check_shape("theme", theme, at, out); }

}  // namespace items
