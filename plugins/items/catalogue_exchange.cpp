// Catalogue import (check everything, then write in one transaction) and export.
#include "catalogue_exchange.hpp"

#include <map>
#include <set>

#include <soci/soci.h>

#include <wangban/context.hpp>
#include <wangban/database.hpp>
#include <wangban/problem.hpp>

namespace items {
namespace {

constexpr const char* kFormat = "wangban.items/1";
constexpr std::size_t kMaxErrors = 200;

// The rules' view during an import: the file's records first, then the database.
class ImportView final : public CatalogueView {
 public:
  explicit ImportView(std::unique_ptr<CatalogueView> database) : db_(std::move(database)) {}
  bool theme_exists(const std::string& code) const override { return themes.count(code) || db_->theme_exists(code); }
  std::optional<json> department(const std::string& id) const override {
    if (auto it = departments.find(id); it != departments.end()) return it->second;
    return db_->department(id);
  }
  const json* base_fields(const std::string& code) const override {
    if (auto it = bases.find(code); it != bases.end()) return &it->second;
    return db_->base_fields(code);
  }
  std::string base_effective_from(const std::string& code) const override {
    if (auto it = base_dates.find(code); it != base_dates.end()) return it->second;
    return db_->base_effective_from(code);
  }
  const Implementation* implementation(const std::string& code) const override {
    if (auto it = implementations.find(code); it != implementations.end()) return &it->second;
    return db_->implementation(code);
  }
  std::set<std::string> themes;
  std::map<std::string, json> departments, bases;
  std::map<std::string, std::string> base_dates;
  std::map<std::string, std::string> retired;  // implementation code -> retired_from
  std::map<std::string, Implementation> implementations;

 private:
  std::unique_ptr<CatalogueView> db_;
};

std::string str(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// A record of the file with the header keys it must have; reports the missing ones.
bool has_header(const json& record, std::initializer_list<const char*> keys, const std::string& at, std::vector<FieldError>& errors) {
  if (!record.is_object()) {
    errors.push_back({at, "应为对象"});
    return false;
  }
  bool ok = true;
  for (const char* k : keys)
    if (!record.contains(k) || !record[k].is_string()) {
      errors.push_back({at + "/" + k, std::string("缺少 ") + k + "（应为字符串）"});
      ok = false;
    }
  if (record.contains("effective_from") && record["effective_from"].is_string() && !valid_date(record["effective_from"]))
    errors.push_back({at + "/effective_from", "生效日期须为 YYYY-MM-DD 格式的真实日期"}), ok = false;
  if (record.contains("retired_from") && !record["retired_from"].is_null() &&
      (!record["retired_from"].is_string() || !valid_date(record["retired_from"])))
    errors.push_back({at + "/retired_from", "停用日期须为 YYYY-MM-DD 格式的真实日期"}), ok = false;
  return ok;
}

const json& list_of(const json& document, const char* key, const std::string& at, std::vector<FieldError>& errors) {
  static const json empty = json::array();
  if (!document.contains(key)) return empty;
  if (!document[key].is_array()) {
    errors.push_back({at + key, std::string(key) + " 应为数组"});
    return empty;
  }
  return document[key];
}

// A bundle's fields: the bundle object without its code and date.
json bundle_fields(const json& bundle) {
  json fields = bundle;
  for (const char* header : {"bundle_code", "effective_from", "retired_from", "retired_reason"}) fields.erase(header);
  return fields;
}

}  // namespace

json ImportSummary::to_json() const {
  json problems = json::array();
  for (auto& p : propagated) {
    json problem = {{"at", p.at}, {"message", p.message}};
    if (p.at.starts_with("/")) problem["pointer"] = p.at;
    problems.push_back(std::move(problem));
  }
  return {{"created", created}, {"updated", updated}, {"unchanged", unchanged}, {"departments", departments},
          {"themes", themes}, {"online_list_version", online_list_version}, {"propagated_problems", problems}};
}

ImportSummary import_catalogue(CatalogueStore& store, const Actor& actor, const json& document, bool dry_run) {
  auto& ctx = store.context();
  auto session = ctx.database().session();
  soci::session& s = *session;
  wangban::WriteTransaction tx(s, ctx.database().dialect());
  std::vector<FieldError> errors;
  if (!document.is_object() || str(document, "format") != kFormat)
    throw_invalid("items.import_invalid", "导入文件格式不对", {{"/format", std::string("format 应为 ") + kFormat}});
  ImportView view(store.view(s));
  ImportSummary summary;

  // Check: departments and themes first (the records refer to them), then the records in order.
  const json& departments = list_of(document, "departments", "/", errors);
  for (std::size_t i = 0; i < departments.size(); ++i) {
    std::string at = "/departments/" + std::to_string(i);
    check_department(departments[i], at, errors);
    std::string id = departments[i].is_object() ? str(departments[i], "id") : "";
    if (!id.empty() && !view.departments.emplace(id, departments[i]).second) errors.push_back({at + "/id", "部门 " + id + " 重复"});
  }
  for (std::size_t i = 0; i < departments.size(); ++i)
    if (departments[i].is_object() && departments[i].contains("parent") && departments[i]["parent"].is_string() &&
        !view.department(departments[i]["parent"]))
      errors.push_back({"/departments/" + std::to_string(i) + "/parent", "上级部门 " + str(departments[i], "parent") + " 不存在"});
  const json& themes = list_of(document, "themes", "/", errors);
  for (std::size_t i = 0; i < themes.size(); ++i) {
    std::string at = "/themes/" + std::to_string(i);
    check_theme(themes[i], at, errors);
    std::string code = themes[i].is_object() ? str(themes[i], "code") : "";
    if (!code.empty() && !view.themes.insert(code).second) errors.push_back({at + "/code", "主题 " + code + " 重复"});
  }
  struct Pending {
    RecordHeader header;
    std::string effective_from, at;
    json fields;
    std::string retired_from, retired_reason;  // "" when in force
  };
  auto retirement = [](const json& record) {
    std::pair<std::string, std::string> r;
    if (record.contains("retired_from") && record["retired_from"].is_string()) r.first = record["retired_from"];
    if (record.contains("retired_reason") && record["retired_reason"].is_string()) r.second = record["retired_reason"];
    return r;
  };
  std::vector<Pending> records;
  const json& bases = list_of(document, "base_items", "/", errors);
  for (std::size_t i = 0; i < bases.size(); ++i) {
    std::string at = "/base_items/" + std::to_string(i);
    if (!has_header(bases[i], {"basic_code", "effective_from"}, at, errors)) continue;
    std::string code = bases[i]["basic_code"];
    if (view.bases.count(code)) {
      errors.push_back({at + "/basic_code", "基本编码 " + code + " 重复"});
      continue;
    }
    json fields = bases[i].value("fields", json());
    view.bases[code] = fields;
    view.base_dates[code] = bases[i]["effective_from"];
    auto [retired, reason] = retirement(bases[i]);
    records.push_back({{Kind::base, code, code, "national", "100000", ""}, bases[i]["effective_from"], at, fields, retired, reason});
  }
  const json& implementations = list_of(document, "implementations", "/", errors);
  for (std::size_t i = 0; i < implementations.size(); ++i) {
    std::string at = "/implementations/" + std::to_string(i);
    const json& r = implementations[i];
    if (!has_header(r, {"implementation_code", "basic_code", "level", "division_code", "department", "effective_from"}, at, errors))
      continue;
    std::string code = r["implementation_code"];
    if (view.implementations.count(code)) {
      errors.push_back({at + "/implementation_code", "实施编码 " + code + " 重复"});
      continue;
    }
    json fields = r.value("fields", json());
    view.implementations[code] = {r["basic_code"], fields};
    auto [retired, reason] = retirement(r);
    if (!retired.empty()) view.retired[code] = retired;
    records.push_back({{Kind::implementation, code, r["basic_code"], r["level"], r["division_code"], r["department"]},
                       r["effective_from"], at, fields, retired, reason});
  }
  const json& bundles = list_of(document, "bundles", "/", errors);
  std::set<std::string> bundle_codes;
  for (std::size_t i = 0; i < bundles.size(); ++i) {
    std::string at = "/bundles/" + std::to_string(i);
    if (!has_header(bundles[i], {"bundle_code", "effective_from"}, at, errors)) continue;
    std::string code = bundles[i]["bundle_code"];
    if (!bundle_codes.insert(code).second) {
      errors.push_back({at + "/bundle_code", "一件事编码 " + code + " 重复"});
      continue;
    }
    auto [retired, reason] = retirement(bundles[i]);
    records.push_back({{Kind::bundle, code, "", "county", "000000", ""}, bundles[i]["effective_from"], at, bundle_fields(bundles[i]),
                       retired, reason});
  }
  for (auto& p : records) {
    // The file's bundles have their fields at the top of the object; the others under "fields".
    std::string fields_at = p.header.kind == Kind::bundle ? p.at : p.at + "/fields";
    if (p.header.kind != Kind::bundle && !p.fields.is_object()) {
      errors.push_back({fields_at, "缺少 fields（应为对象）"});
      continue;
    }
    store.check(s, p.header, p.fields, fields_at, errors, &view, &summary.propagated, p.effective_from);
    if (auto existing = store.header(s, p.header.kind, p.header.code)) {
      store.lock(s, p.header.kind, p.header.code);
      if (existing->basic_code != p.header.basic_code || existing->level != p.header.level ||
          existing->division_code != p.header.division_code || existing->department != p.header.department)
        errors.push_back({p.at, p.header.code + " 已在目录中，其基本编码、层级、行政区划或部门不能由导入改变"});
      if (auto open = store.open_version(s, p.header.kind, p.header.code))
        errors.push_back({p.at, p.header.code + " 有未完成的第 " + std::to_string(open->version) + " 版（" +
                                    (open->status == "review" ? "待审核" : "草稿") + "），请先处理后再导入"});
    }
    if (errors.size() > kMaxErrors) break;
  }
  std::optional<std::pair<std::string, std::set<std::string>>> online;
  if (document.contains("online_list") && !document["online_list"].is_null()) {
    const json& list = document["online_list"];
    if (!list.is_object() || !list.contains("effective_from") || !list["effective_from"].is_string() ||
        !valid_date(list["effective_from"]) || !list.contains("implementation_codes") || !list["implementation_codes"].is_array()) {
      errors.push_back({"/online_list", "online_list 应有 effective_from（YYYY-MM-DD）和 implementation_codes（数组）"});
    } else {
      std::set<std::string> codes;
      for (std::size_t i = 0; i < list["implementation_codes"].size(); ++i) {
        const json& c = list["implementation_codes"][i];
        std::string at = "/online_list/implementation_codes/" + std::to_string(i);
        if (!c.is_string() || !view.implementation(c)) {
          errors.push_back({at, "全程网办清单中的 " + (c.is_string() ? c.get<std::string>() : c.dump()) + " 不是实施清单中的事项"});
          continue;
        }
        codes.insert(c.get<std::string>());
      }
      // The tag lives on the implementation (online.fully_online): the list must agree with it.
      std::string list_date = list["effective_from"];
      for (auto& [code, implementation] : view.implementations) {
        auto gone = view.retired.find(code);
        bool tagged = implementation.fields.is_object() && implementation.fields.value("online", json::object()).value("fully_online", false) &&
                      (gone == view.retired.end() || gone->second > list_date);
        if (tagged != static_cast<bool>(codes.count(code)))
          errors.push_back({"/online_list/implementation_codes",
                            code + (tagged ? " 标为全程网办（online.fully_online），但不在全程网办清单中"
                                           : " 在全程网办清单中，但未标为全程网办（online.fully_online）")});
      }
      online.emplace(list["effective_from"].get<std::string>(), std::move(codes));
    }
  }
  if (!errors.empty()) {
    std::size_t count = errors.size();
    if (errors.size() > kMaxErrors) errors.resize(kMaxErrors);
    throw_invalid("items.import_invalid", "导入文件有 " + std::to_string(count) + (count > kMaxErrors ? " 处以上" : " 处") +
                                              "错误，未导入任何内容", errors);
  }

  // Write.
  for (std::size_t i = 0; i < departments.size(); ++i) {
    const json& d = departments[i];
    std::string id = d["id"], name = d["name"], credit = d["credit_code"], division = d["division_code"], level = d["level"],
                parent = d.contains("parent") && d["parent"].is_string() ? d["parent"].get<std::string>() : "";
    soci::indicator parent_ind = parent.empty() ? soci::i_null : soci::i_ok;
    int position = static_cast<int>(i), n = 0;
    s << "SELECT COUNT(*) FROM items_departments WHERE id = :i", soci::use(id), soci::into(n);
    if (n)
      s << "UPDATE items_departments SET name = :n, credit_code = :c, division_code = :d, level = :l, parent = :p, position = :o"
           " WHERE id = :i",
          soci::use(name), soci::use(credit), soci::use(division), soci::use(level), soci::use(parent, parent_ind),
          soci::use(position), soci::use(id);
    else
      s << "INSERT INTO items_departments (id, name, credit_code, division_code, level, parent, position)"
           " VALUES (:i, :n, :c, :d, :l, :p, :o)",
          soci::use(id), soci::use(name), soci::use(credit), soci::use(division), soci::use(level), soci::use(parent, parent_ind),
          soci::use(position);
    ++summary.departments;
  }
  for (std::size_t i = 0; i < themes.size(); ++i) {
    std::string code = themes[i]["code"], name = themes[i]["name"], audience = themes[i]["audience"];
    int position = static_cast<int>(i), n = 0;
    s << "SELECT COUNT(*) FROM items_themes WHERE code = :c", soci::use(code), soci::into(n);
    if (n)
      s << "UPDATE items_themes SET name = :n, audience = :a, position = :p WHERE code = :c", soci::use(name), soci::use(audience),
          soci::use(position), soci::use(code);
    else
      s << "INSERT INTO items_themes (code, name, audience, position) VALUES (:c, :n, :a, :p)", soci::use(code), soci::use(name),
          soci::use(audience), soci::use(position);
    ++summary.themes;
  }
  AuditQueue audit;
  std::set<std::string> dates;
  for (auto& p : records) {
    auto latest = store.latest_published(s, p.header.kind, p.header.code);
    if (latest && latest->fields == p.fields && latest->effective_from == p.effective_from) {
      ++summary.unchanged;
    } else {
      if (!store.header(s, p.header.kind, p.header.code)) {
        store.insert_record(s, p.header, "");  // named by publish()
        ++summary.created;
      } else {
        ++summary.updated;
      }
      const json* base = p.header.kind == Kind::implementation ? view.base_fields(p.header.basic_code) : nullptr;
      std::string name = display_name(p.header.kind == Kind::implementation ? (base ? *base : json()) : p.fields);
      store.publish(s, actor, p.header, 0, p.effective_from, p.fields, "import", audit, /*refresh_list=*/false, &name);
      if (p.header.kind != Kind::bundle) dates.insert(p.effective_from);
    }
    if (!p.retired_from.empty() && store.retire_as_imported(s, p.header, p.retired_from, p.retired_reason) &&
        p.header.kind != Kind::bundle)
      dates.insert(p.retired_from);
  }
  if (online) dates.insert(online->first);
  for (auto& date : dates) store.refresh_online_list(s, date);
  if (online) {
    // The file's list must be what its records make the list on its date.
    auto codes = store.online_codes(s, online->first, &summary.online_list_version, /*cached=*/false);
    std::set<std::string> now(codes.begin(), codes.end());
    std::vector<FieldError> mismatch;
    for (auto& c : online->second)
      if (!now.count(c)) mismatch.push_back({"/online_list/implementation_codes", c + " 在 " + online->first + " 尚未生效，不能列入当日的全程网办清单"});
    if (!mismatch.empty()) throw_invalid("items.import_invalid", "全程网办清单与事项不一致，未导入任何内容", mismatch);
  } else {
    store.online_codes(s, today(), &summary.online_list_version, /*cached=*/false);
  }
  if (dry_run) return summary;  // the transaction rolls back
  tx.commit();
  for (auto& a : audit) a();
  return summary;
}

json export_catalogue(CatalogueStore& store) {
  auto session = store.context().database().session();
  soci::session& s = *session;
  json document = {{"format", kFormat},
                   {"departments", store.departments()},
                   {"themes", store.themes()},
                   {"base_items", json::array()},
                   {"implementations", json::array()},
                   {"online_list", nullptr},
                   {"bundles", json::array()}};
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT kind, code FROM items_records ORDER BY kind, code");
  std::vector<std::pair<std::string, std::string>> codes;
  for (auto& r : rows) codes.emplace_back(r.get<std::string>(0), r.get<std::string>(1));
  for (auto& [k, code] : codes) {
    Kind kind = parse_kind(k);
    auto v = store.latest_published(s, kind, code);
    if (!v) continue;
    auto h = store.header(s, kind, code);
    json record;
    if (kind == Kind::base) {
      record = {{"basic_code", code}, {"effective_from", v->effective_from}, {"fields", v->fields}};
    } else if (kind == Kind::implementation) {
      record = {{"implementation_code", code}, {"basic_code", h->basic_code}, {"level", h->level}, {"division_code", h->division_code},
                {"department", h->department}, {"effective_from", v->effective_from}, {"fields", v->fields}};
    } else {
      record = {{"bundle_code", code}, {"effective_from", v->effective_from}};
      record.update(v->fields);
    }
    if (!h->retired_from.empty()) {
      record["retired_from"] = h->retired_from;
      record["retired_reason"] = h->retired_reason;
    }
    document[kind == Kind::base ? "base_items" : kind == Kind::implementation ? "implementations" : "bundles"].push_back(std::move(record));
  }
  std::string date;
  s << "SELECT effective_from FROM items_online_lists ORDER BY version DESC LIMIT 1", soci::into(date);
  if (s.got_data()) {
    auto list = store.online_codes(s, date, nullptr, /*cached=*/false);
    document["online_list"] = {{"effective_from", date}, {"implementation_codes", list}};
  }
  return document;
}

}  // namespace items
