// Key <-> GB/T 39046 data-item name tables, and renaming a whole exchange document.
#include "standard_names.hpp"

#include <map>
#include <utility>

namespace items {
namespace {

using json = nlohmann::json;

// Record and fields keys. Where GB/T 39046 has no item (the platform's own navigation keys, the
// form, the bundle), the name is ours and says so by not being a table 4 item.
const std::map<std::string, std::string>& record_names() {
  static const std::map<std::string, std::string> names = {
      {"record", "记录类型"},
      {"code", "编码"},
      {"id", "部门标识"},
      {"basic_code", "基本编码"},
      {"implementation_code", "实施编码"},
      {"bundle_code", "一件事编码"},
      {"level", "层级"},
      {"division_code", "行政区划代码"},
      {"department", "实施部门"},
      {"effective_from", "生效日期"},
      {"name", "事项名称"},
      {"credit_code", "统一社会信用代码"},
      {"parent", "上级部门"},
      {"audience", "面向对象"},
      {"item_type", "事项类型代码"},
      {"legal_basis", "设定依据"},
      {"service_objects", "服务对象代码"},
      {"case_type", "办件类型代码"},
      {"statutory_limit", "法定办结时限"},
      {"acceptance_conditions", "受理条件"},
      {"result", "结果名称及样本"},
      {"themes", "服务主题"},
      {"theme", "一件事主题"},
      {"materials", "申请材料"},
      {"exercise_level", "行使层级代码"},
      {"body", "实施主体"},
      {"promised_limit", "承诺办结时限"},
      {"fees", "是否收费及收费依据"},
      {"handling_forms", "办理形式代码"},
      {"online", "是否网办及网办地址"},
      {"address", "办理地点"},
      {"hours", "办理时间"},
      {"consultation", "咨询电话"},
      {"complaint", "监督电话"},
      {"process", "办理流程"},
      {"local_materials", "本地材料"},
      {"form_schema", "申请表单"},
      {"faq", "常见问题"},
      {"members", "成员事项"},
      {"form", "合并表单"},
      {"implementation_codes", "全程网办清单"},
      {"fields", "事项要素"},
      {"retired_from", "停用日期"},
      {"retired_reason", "停用原因"},
  };
  return names;
}

// Keys inside a material (GB/T 39046 table 4 material items, then the rules of 6.2.1.2 b).
const std::map<std::string, std::string>& material_names() {
  static const std::map<std::string, std::string> names = {
      {"id", "材料编号"},          {"name", "材料名称"},         {"issuing_body", "出具机构"},
      {"originals", "原件份数"},   {"copies", "复印件份数"},     {"mandatory", "是否必备材料"},
      {"note", "材料办理说明"},    {"kind", "材料类别"},         {"blank_form", "空白表格"},
      {"sample", "示例样表"},      {"archive", "归档规则"},      {"replaceable_by_certificate", "可用电子证照代替"},
      {"routing", "流转环节"},
  };
  return names;
}

template <class Map>
std::string lookup(const Map& map, const std::string& key) {
  auto it = map.find(key);
  return it != map.end() ? it->second : key;
}

template <class Map>
std::string reverse_lookup(const Map& map, const std::string& name) {
  for (auto& [k, v] : map)
    if (v == name) return k;
  return name;
}

using Renamer = std::string (*)(const std::map<std::string, std::string>&, const std::string&);

json rename_materials(const json& list, Renamer rename) {
  if (!list.is_array()) return list;
  json out = json::array();
  for (auto& m : list) {
    if (!m.is_object()) {
      out.push_back(m);
      continue;
    }
    json renamed = json::object();
    for (auto& [k, v] : m.items()) renamed[rename(material_names(), k)] = v;
    out.push_back(std::move(renamed));
  }
  return out;
}

json rename_object(const json& object, Renamer rename, bool is_fields) {
  if (!object.is_object()) return object;
  json out = json::object();
  for (auto& [k, v] : object.items()) {
    std::string key = rename(record_names(), k);
    std::string plain = reverse_lookup(record_names(), k);  // the English key, whichever way we rename
    if (plain == "fields") out[key] = rename_object(v, rename, true);
    else if (is_fields && (plain == "materials" || plain == "local_materials")) out[key] = rename_materials(v, rename);
    else out[key] = v;
  }
  return out;
}

json rename_document(const json& document, Renamer rename) {
  if (!document.is_object()) return document;
  json out = document;
  // Departments and themes are the platform's navigation lists, not table 4 items: they keep their keys.
  for (const char* list : {"base_items", "implementations", "bundles"}) {
    if (!document.contains(list) || !document[list].is_array()) continue;
    json renamed = json::array();
    for (auto& record : document[list])
      renamed.push_back(rename_object(record, rename, std::string(list) == "bundles"));
    out[list] = std::move(renamed);
  }
  if (document.contains("online_list")) out["online_list"] = rename_object(document["online_list"], rename, false);
  return out;
}

std::string forward(const std::map<std::string, std::string>& map, const std::string& key) { return lookup(map, key); }
std::string backward(const std::map<std::string, std::string>& map, const std::string& name) { return reverse_lookup(map, name); }

}  // namespace

std::string standard_name(const std::string& key) { return lookup(record_names(), key); }
std::string key_of_standard_name(const std::string& name) { return reverse_lookup(record_names(), name); }

json to_standard_names(const json& document) {
  json out = rename_document(document, forward);
  out["names"] = "gbt39046";
  return out;
}

json from_standard_names(const json& document) {
  json out = rename_document(document, backward);
  out.erase("names");
  return out;
}

}  // namespace items
