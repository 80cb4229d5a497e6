// CatalogueContract: effective items, searches, bundles and the online list as typed structs.
#include "catalogue_contract.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <soci/soci.h>

#include <wangban/context.hpp>
#include <wangban/database.hpp>
#include <wangban/problem.hpp>

namespace items {
namespace {

namespace c = wangban::contracts;

std::string text(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::vector<std::string> strings(const json& list) {
  std::vector<std::string> out;
  if (list.is_array())
    for (auto& v : list)
      if (v.is_string()) out.push_back(v);
  return out;
}

c::TimeLimit limit_of(const json& limit) {
  if (!limit.is_object()) return {};
  return {limit.value("value", 0), text(limit, "unit"), text(limit, "note")};
}

c::ItemMaterial material_of(const json& m) {
  c::ItemMaterial out;
  out.id = text(m, "id");
  out.name = text(m, "name");
  out.issuing_body = text(m, "issuing_body");
  out.originals = m.value("originals", 0);
  out.copies = m.value("copies", 0);
  out.mandatory = m.value("mandatory", false);
  out.note = text(m, "note");
  out.kind = text(m, "kind");
  out.blank_form = text(m, "blank_form");
  out.sample = text(m, "sample");
  const json& archive = m.contains("archive") ? m["archive"] : json::object();
  out.archived = archive.value("archived", false);
  out.retention = text(archive, "retention");
  out.use_permission = text(archive, "use_permission");
  out.storage_term = text(archive, "storage_term");
  out.replaceable_by_certificate = text(m, "replaceable_by_certificate");
  out.routing = strings(m.value("routing", json::array()));
  out.local = m.value("local", false);
  return out;
}

}  // namespace

std::optional<c::ServiceItem> CatalogueContract::item(std::string_view implementation_code, std::string_view on_date) {
  auto s = store_.context().database().session();
  auto guide = store_.effective_item(*s, std::string(implementation_code), day_or_today(on_date));
  if (!guide) return std::nullopt;
  const json& f = (*guide)["fields"];
  c::ServiceItem item;
  item.implementation_code = (*guide)["implementation_code"];
  item.basic_code = (*guide)["basic_code"];
  item.name = text(f, "name");
  item.item_type = text(f, "item_type");
  item.exercise_level = text(f, "exercise_level");
  item.level = (*guide)["level"];
  item.division_code = (*guide)["division_code"];
  item.department_id = (*guide)["department"]["id"];
  item.body_name = text(f["body"], "name");
  item.body_credit_code = text(f["body"], "credit_code");
  item.body_nature = text(f["body"], "nature");
  item.service_objects = strings(f["service_objects"]);
  item.handling_forms = strings(f["handling_forms"]);
  item.case_type = text(f, "case_type");
  item.themes = strings(f["themes"]);
  item.audience = text(f, "audience");
  item.statutory_limit = limit_of(f["statutory_limit"]);
  item.promised_limit = limit_of(f["promised_limit"]);
  item.charged = f["fees"].value("charged", false);
  item.result_name = text(f["result"], "name");
  item.result_kind = text(f["result"], "kind");
  item.result_certificate_type = text(f["result"], "certificate_type");
  item.fully_online = (*guide)["fully_online"];
  item.online_url = text(f["online"], "url");
  for (auto& m : f["materials"]) item.materials.push_back(material_of(m));
  item.form_schema = f["form_schema"].dump();
  item.guide_json = guide->dump();
  item.base_version = (*guide)["base_version"];
  item.implementation_version = (*guide)["implementation_version"];
  item.effective_from = (*guide)["effective_from"];
  return item;
}

json find_items(CatalogueStore& store, const c::ItemQuery& q) {
  std::string date = day_or_today(q.on_date);
  auto s = store.context().database().session();
  auto snapshot = store.snapshot(*s, date);
  std::map<std::string, std::string> department_names;
  for (auto& d : store.departments()) department_names[d["id"]] = d["name"];
  json matched = json::array();
  for (auto& [h, v] : snapshot->implementations) {
    const json& b = snapshot->bases.at(h.basic_code).fields;
    std::string name = text(b, "name"), audience = text(b, "audience");
    if (!q.text.empty() && name.find(q.text) == std::string::npos && h.code.find(q.text) == std::string::npos &&
        h.basic_code.find(q.text) == std::string::npos)
      continue;
    if (!q.theme.empty() && !std::count(b["themes"].begin(), b["themes"].end(), json(q.theme))) continue;
    if (!q.department_id.empty() && h.department != q.department_id) continue;
    if (!q.audience.empty() && audience != q.audience && audience != "both") continue;
    if (!q.division_code.empty() && h.division_code != q.division_code) continue;
    bool fully_online = std::binary_search(snapshot->online.begin(), snapshot->online.end(), h.code);
    if (q.fully_online_only && !fully_online) continue;
    matched.push_back({{"implementation_code", h.code},
                       {"basic_code", h.basic_code},
                       {"name", name},
                       {"item_type", text(b, "item_type")},
                       {"level", h.level},
                       {"division_code", h.division_code},
                       {"department", {{"id", h.department}, {"name", department_names[h.department]}}},
                       {"audience", audience},
                       {"case_type", text(b, "case_type")},
                       {"themes", b["themes"]},
                       {"fully_online", fully_online}});
  }
  json page = json::array();
  int limit = std::clamp(q.limit, 1, 500), offset = std::max(q.offset, 0);
  for (int i = offset; i < static_cast<int>(matched.size()) && i < offset + limit; ++i) page.push_back(matched[i]);
  return {{"items", page}, {"total", matched.size()}};
}

std::vector<c::ItemSummary> CatalogueContract::find(const c::ItemQuery& query) {
  std::vector<c::ItemSummary> out;
  json found = find_items(store_, query);  // a named object: iterating a member of a temporary would dangle
  for (auto& i : found["items"])
    out.push_back({i["implementation_code"], i["basic_code"], i["name"], i["item_type"], i["level"], i["division_code"],
                   i["department"]["id"], i["department"]["name"], i["audience"], i["case_type"], strings(i["themes"]),
                   i["fully_online"]});
  return out;
}

std::optional<c::Bundle> CatalogueContract::bundle(std::string_view bundle_code, std::string_view on_date) {
  auto s = store_.context().database().session();
  auto v = store_.in_force(*s, Kind::bundle, std::string(bundle_code), day_or_today(on_date));
  if (!v) return std::nullopt;
  const json& f = v->fields;
  c::Bundle b;
  b.bundle_code = bundle_code;
  b.name = text(f, "name");
  b.theme = text(f, "theme");
  b.audience = text(f, "audience");
  for (auto& m : f["members"]) {
    c::BundleMember member{text(m, "implementation_code"), text(m, "department"), {}};
    const json& mapping = f["form"]["mappings"].value(member.implementation_code, json::object());
    for (auto& [field, merged] : mapping.items()) member.field_mapping.emplace_back(field, merged.get<std::string>());
    b.members.push_back(std::move(member));
  }
  b.form_schema = f["form"]["schema"].dump();
  for (auto& m : f["materials"]) {
    c::BundleMaterial material{text(m, "id"), text(m, "name"), {}};
    for (auto& cover : m["covers"]) material.covers.emplace_back(text(cover, "implementation_code"), text(cover, "material"));
    b.materials.push_back(std::move(material));
  }
  b.version = v->version;
  b.effective_from = v->effective_from;
  return b;
}

std::vector<std::string> CatalogueContract::online_list(std::string_view on_date, int* version) {
  auto s = store_.context().database().session();
  return store_.online_codes(*s, day_or_today(on_date), version);
}

std::vector<wangban::SchemaError> CatalogueContract::check_application(std::string_view implementation_code,
                                                                       std::string_view form_json, std::string_view on_date) {
  // Only the implementation's form and version are needed: read them from the day's snapshot.
  auto s = store_.context().database().session();
  auto snapshot = store_.snapshot(*s, day_or_today(on_date));
  auto at = snapshot->implementation_index.find(std::string(implementation_code));
  if (at == snapshot->implementation_index.end())
    throw wangban::Problem::not_found("items.not_found", "事项 " + std::string(implementation_code) + " 不在办理期内或不存在");
  const VersionInForce& implementation = snapshot->implementations[at->second].second;
  json form;
  try {
    form = json::parse(form_json);
  } catch (const json::parse_error&) {
    return {{"", "申请表不是有效的 JSON"}};
  }
  std::string key = std::string(implementation_code) + "@" + std::to_string(implementation.version);
  std::shared_ptr<const wangban::JsonSchema> schema;
  {
    std::lock_guard lock(forms_mutex_);
    if (auto it = forms_.find(key); it != forms_.end()) schema = it->second;
  }
  if (!schema) {
    schema = wangban::JsonSchema::compile(implementation.fields.at("form_schema"));
    std::lock_guard lock(forms_mutex_);
    if (forms_.size() >= 1024) forms_.clear();  // the catalogue's forms, a few times over at most
    forms_.emplace(key, schema);
  }
  return schema->validate(form);
}

}  // namespace items
