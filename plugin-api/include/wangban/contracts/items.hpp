// ItemsCatalogue: the service-item catalogue (事项目录) as the other plugins read it — the one
// source of item data for the hall, approval, certificates and archive (contract "items.catalogue",
// provided by the items plugin; consumers declare "items >=1.0 <2" in their manifest).
//
// What a consumer gets is the *effective* item: the national base entry's version in force
// combined with the implementation's version in force on a given day ("" = today, Asia/Shanghai),
// each chosen by its effective_from date. Field names map one-to-one to GB/T 39046-2020 table 4
// data items (named in the comments); code values are the standard's code tables (annex A).
// Materials carry the rules configured at the source (6.2.1.2 b, A.2.1.3): kind, archive scope,
// retention, use permission, storage term, e-certificate substitution and routing, so the
// materials hub and the archive never guess them. Since plugin API 1.5. Thread-safe; calls read
// the database and may block.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wangban/json_schema.hpp"

namespace wangban::contracts {

// 时限: a time limit with its unit.
struct TimeLimit {
  int value = 0;
  std::string unit;  // "working_day", "natural_day" or "month"
  std::string note;  // 说明
};

// One material of an item (材料) with its rules.
struct ItemMaterial {
  std::string id;            // stable within the item ("m1"; local materials "l1")
  std::string name;          // 材料名称
  std::string issuing_body;  // 出具机构
  int originals = 0;         // 原件份数
  int copies = 0;            // 复印件份数
  bool mandatory = false;    // 是否必备材料
  std::string note;          // 材料办理说明
  std::string kind;          // "application", "process" or "result"
  std::string blank_form;    // SM3 of the blank form in the blob store, or ""
  std::string sample;        // SM3 of the filled sample, or ""
  bool archived = false;         // in the archive scope (归档范围)
  std::string retention;         // 保管期限: "permanent", "30y" or "10y"
  std::string use_permission;    // "public", "internal" or "restricted"
  std::string storage_term;      // "permanent", "30y" or "10y"
  std::string replaceable_by_certificate;  // an e-certificate type that replaces it, or ""
  std::vector<std::string> routing;        // the process steps that see it
  bool local = false;                      // added by the implementation (not in the base entry)
};

// The item in force: unified fields from the base entry, local fields from the implementation.
struct ServiceItem {
  std::string implementation_code;  // 实施编码 an..24
  std::string basic_code;           // 基本编码 an..10
  std::string name;                 // 事项名称
  std::string item_type;            // 事项类型代码, A.1
  std::string exercise_level;       // 行使层级代码, A.2
  std::string level;                // "national", "province", "city" or "county"
  std::string division_code;        // 行政区划代码 (6 digits)
  std::string department_id;        // the catalogue's department id
  std::string body_name;            // 实施主体
  std::string body_credit_code;     // 实施主体代码 (USCC)
  std::string body_nature;          // 实施主体性质代码, A.3
  std::vector<std::string> service_objects;  // 服务对象代码, A.4
  std::vector<std::string> handling_forms;   // 办理形式代码, A.5
  std::string case_type;            // 办件类型代码, A.6: "1" 即办件, "2" 承诺件
  std::vector<std::string> themes;  // theme codes
  std::string audience;             // "person", "legal" or "both"
  TimeLimit statutory_limit;        // 法定办结时限
  TimeLimit promised_limit;         // 承诺办结时限 (never longer than the statutory)
  bool charged = false;             // 是否收费
  std::string result_name;          // 结果名称
  std::string result_kind;          // "certificate", "approval_document" or "other"
  std::string result_certificate_type;  // the e-certificate type issued, or ""
  bool fully_online = false;        // on the "全程网办" list in force
  std::string online_url;           // 网办地址
  std::vector<ItemMaterial> materials;  // the base entry's, then the local ones
  std::string form_schema;          // the application form: JSON Schema draft-07 text with x-ui hints
  std::string guide_json;           // the whole guide (办事指南) as JSON text: every unified and local field
  int base_version = 0;             // which versions are in force
  int implementation_version = 0;
  std::string effective_from;       // YYYY-MM-DD: the later of the two versions' dates
};

// A line of a list of items.
struct ItemSummary {
  std::string implementation_code, basic_code, name, item_type, level, division_code, department_id,
      department_name, audience, case_type;
  std::vector<std::string> themes;
  bool fully_online = false;
};

struct ItemQuery {
  std::string text;            // part of the name or a code; "" = any
  std::string theme;           // theme code; "" = any
  std::string department_id;   // "" = any
  std::string audience;        // "person" or "legal" (also matches "both"); "" = any
  std::string division_code;   // exact; "" = any
  bool fully_online_only = false;
  std::string on_date;         // YYYY-MM-DD; "" = today
  int limit = 50, offset = 0;
};

// A "one thing" bundle (一件事一次办) in force.
struct BundleMember {
  std::string implementation_code;
  std::string department_id;  // who handles this member
  // member form field -> merged form field
  std::vector<std::pair<std::string, std::string>> field_mapping;
};
struct BundleMaterial {
  std::string id, name;
  std::vector<std::pair<std::string, std::string>> covers;  // (implementation_code, material id)
};
struct Bundle {
  std::string bundle_code, name, theme, audience;
  std::vector<BundleMember> members;
  std::string form_schema;  // the merged form (JSON Schema text)
  std::vector<BundleMaterial> materials;
  int version = 0;
  std::string effective_from;
};

class ItemsCatalogue {
 public:
  static constexpr const char* kName = "items.catalogue";
  static constexpr int kVersion = 1;
  virtual ~ItemsCatalogue();

  // The effective item, or nothing when no published version is in force that day (or retired).
  virtual std::optional<ServiceItem> item(std::string_view implementation_code, std::string_view on_date = "") = 0;
  virtual std::vector<ItemSummary> find(const ItemQuery& query) = 0;
  virtual std::optional<Bundle> bundle(std::string_view bundle_code, std::string_view on_date = "") = 0;
  // The implementation codes on the "全程网办" list in force, and that list's version.
  virtual std::vector<std::string> online_list(std::string_view on_date = "", int* version = nullptr) = 0;
  // Checks an application against the item's form with the platform's validator; empty: valid.
  // Throws Problem 404 "items.not_found" when the item is not in force.
  virtual std::vector<SchemaError> check_application(std::string_view implementation_code, std::string_view form_json,
                                                     std::string_view on_date = "") = 0;
};

}  // namespace wangban::contracts
