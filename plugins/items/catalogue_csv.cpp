// CSV writing and reading of the catalogue table (see catalogue_csv.hpp).
#include "catalogue_csv.hpp"

#include <algorithm>

#include "standard_names.hpp"

namespace items {
namespace {

using json = nlohmann::json;

enum class Cell { text, nullable_text, json };

struct Column {
  const char* key;
  Cell cell;
};

// Every column, in file order.
constexpr Column kColumns[] = {
    {"record", Cell::text},           {"code", Cell::text},
    {"basic_code", Cell::text},       {"level", Cell::text},
    {"division_code", Cell::text},    {"department", Cell::text},
    {"effective_from", Cell::text},   {"name", Cell::text},
    {"credit_code", Cell::text},      {"parent", Cell::nullable_text},
    {"audience", Cell::text},         {"item_type", Cell::text},
    {"legal_basis", Cell::json},      {"service_objects", Cell::json},
    {"case_type", Cell::text},        {"statutory_limit", Cell::json},
    {"acceptance_conditions", Cell::text}, {"result", Cell::json},
    {"themes", Cell::json},           {"theme", Cell::text},
    {"materials", Cell::json},        {"exercise_level", Cell::text},
    {"body", Cell::json},             {"promised_limit", Cell::json},
    {"fees", Cell::json},             {"handling_forms", Cell::json},
    {"online", Cell::json},           {"address", Cell::text},
    {"hours", Cell::text},            {"consultation", Cell::json},
    {"complaint", Cell::json},        {"process", Cell::json},
    {"local_materials", Cell::json},  {"form_schema", Cell::json},
    {"faq", Cell::json},              {"members", Cell::json},
    {"form", Cell::json},             {"implementation_codes", Cell::json},
    {"retired_from", Cell::nullable_text}, {"retired_reason", Cell::nullable_text},
};

Cell cell_of(const std::string& key) {
  for (auto& c : kColumns)
    if (key == c.key) return c.cell;
  return Cell::json;
}

// Which columns a kind of row has, and where each lives in the exchange document: in the record
// itself (header) or in its "fields" object.
struct RowKind {
  const char* record;  // the value of the "record" column
  const char* list;    // the document's list ("" for the single online_list object)
  const char* code_key;
  std::vector<std::string> header, fields;
};

const std::vector<RowKind>& row_kinds() {
  static const std::vector<RowKind> kinds = {
      {"department", "departments", "id", {"name", "credit_code", "division_code", "level", "parent"}, {}},
      {"theme", "themes", "code", {"name", "audience"}, {}},
      {"base_item", "base_items", "basic_code", {"effective_from", "retired_from", "retired_reason"},
       {std::begin(kUnifiedFields), std::end(kUnifiedFields)}},
      {"implementation", "implementations", "implementation_code",
       {"basic_code", "level", "division_code", "department", "effective_from", "retired_from", "retired_reason"},
       {std::begin(kLocalFields), std::end(kLocalFields)}},
      {"bundle", "bundles", "bundle_code",
       {"effective_from", "name", "theme", "audience", "members", "form", "materials", "retired_from", "retired_reason"}, {}},
      {"online_list", "", "", {"effective_from", "implementation_codes"}, {}},
  };
  return kinds;
}

// A cell that starts with = + - @ (or the guard ' itself) gets a leading ', so no spreadsheet runs
// it as a formula; reading removes it again.
std::string quote(std::string value) {
  if (!value.empty() && std::string_view("=+-@'").find(value[0]) != std::string_view::npos) value.insert(0, 1, '\'');
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string cell_text(const json& value, Cell cell) {
  if (value.is_null()) return "";
  if (cell != Cell::json && value.is_string()) return value.get<std::string>();
  return value.dump();
}

// RFC 4180 records with the line each starts on; a quote left open is an error at its line.
std::vector<std::pair<int, std::vector<std::string>>> parse_rows(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<std::pair<int, std::vector<std::string>>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  int line = 1, row_line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && field.empty()) {
      quoted = any = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    } else if (c == '\n') {
      row.push_back(std::move(field));
      field.clear();
      if (any || row.size() > 1 || !row[0].empty()) rows.emplace_back(row_line, std::move(row));
      row.clear();
      any = false;
      row_line = ++line;
    } else {
      field += c;
      any = true;
    }
  }
  if (quoted) throw_invalid("items.import_invalid", "CSV 文件不完整", {{"第 " + std::to_string(row_line) + " 行", "引号没有闭合"}});
  if (any || !field.empty()) {
    row.push_back(std::move(field));
    rows.emplace_back(row_line, std::move(row));
  }
  return rows;
}

}  // namespace

std::string catalogue_to_csv(const json& document, bool standard_names) {
  std::string out = "\xEF\xBB\xBF";
  for (std::size_t i = 0; i < std::size(kColumns); ++i)
    out += (i ? "," : "") + quote(standard_names ? standard_name(kColumns[i].key) : kColumns[i].key);
  out += "\r\n";
  for (auto& kind : row_kinds()) {
    json records = json::array();
    if (*kind.list) records = document.value(kind.list, json::array());
    else if (document.contains("online_list") && document["online_list"].is_object()) records.push_back(document["online_list"]);
    for (auto& record : records) {
      std::map<std::string, json> cells = {{"record", kind.record}};
      if (*kind.code_key) cells["code"] = record.value(kind.code_key, json(""));
      for (auto& k : kind.header)
        if (record.contains(k)) cells[k] = record[k];
      for (auto& k : kind.fields)
        if (record.contains("fields") && record["fields"].contains(k)) cells[k] = record["fields"][k];
      for (std::size_t i = 0; i < std::size(kColumns); ++i) {
        auto it = cells.find(kColumns[i].key);
        out += (i ? "," : "") + (it == cells.end() ? std::string() : quote(cell_text(it->second, kColumns[i].cell)));
      }
      out += "\r\n";
    }
  }
  return out;
}

CsvCatalogue catalogue_from_csv(std::string_view text) {
  auto rows = parse_rows(text);
  if (rows.empty()) throw_invalid("items.import_invalid", "CSV 文件是空的", {{"第 1 行", "缺少表头"}});
  std::vector<std::string> columns;
  std::vector<FieldError> errors;
  for (auto& name : rows[0].second) {
    std::string key = key_of_standard_name(name);
    if (std::none_of(std::begin(kColumns), std::end(kColumns), [&](const Column& c) { return key == c.key; }))
      errors.push_back({"第 1 行", "不认识的列 " + name});
    columns.push_back(key);
  }
  if (std::find(columns.begin(), columns.end(), "record") == columns.end())
    errors.push_back({"第 1 行", "表头缺少 record（记录类型）列"});
  if (!errors.empty()) throw_invalid("items.import_invalid", "CSV 表头不对", errors);
  CsvCatalogue out;
  out.document = {{"format", "wangban.items/1"}};
  for (auto& kind : row_kinds())
    if (*kind.list) out.document[kind.list] = json::array();
  for (std::size_t r = 1; r < rows.size(); ++r) {
    auto& [line, cells] = rows[r];
    std::string where = "第 " + std::to_string(line) + " 行";
    if (cells.size() != columns.size()) {
      errors.push_back({where, "有 " + std::to_string(cells.size()) + " 列，表头有 " + std::to_string(columns.size()) + " 列"});
      continue;
    }
    std::map<std::string, std::string> values;
    for (std::size_t i = 0; i < columns.size(); ++i)
      values[columns[i]] = cells[i].starts_with('\'') ? cells[i].substr(1) : cells[i];
    auto kind = std::find_if(row_kinds().begin(), row_kinds().end(), [&](const RowKind& k) { return values["record"] == k.record; });
    if (kind == row_kinds().end()) {
      errors.push_back({where + " record 列", "记录类型应为 department、theme、base_item、implementation、bundle 或 online_list"});
      continue;
    }
    json record = json::object(), fields = json::object();
    if (*kind->code_key) record[kind->code_key] = values["code"];
    auto read = [&](const std::string& key, json& into) {
      const std::string& cell = values[key];
      switch (cell_of(key)) {
        case Cell::text: into[key] = cell; break;
        case Cell::nullable_text:
          if (!cell.empty()) into[key] = cell;
          else if (key == "parent") into[key] = nullptr;  // a department without a parent says so
          break;
        case Cell::json:
          if (cell.empty()) break;
          try {
            into[key] = json::parse(cell);
          } catch (const json::parse_error&) {
            errors.push_back({where + " " + key + " 列", "不是有效的 JSON"});
          }
          break;
      }
    };
    for (auto& k : kind->header) read(k, record);
    for (auto& k : kind->fields) read(k, fields);
    if (!kind->fields.empty()) record["fields"] = fields;
    for (auto& [key, cell] : values)  // a value in a column this kind of row does not have is a mistake, not noise
      if (!cell.empty() && key != "record" && !(key == "code" && *kind->code_key) &&
          std::find(kind->header.begin(), kind->header.end(), key) == kind->header.end() &&
          std::find(kind->fields.begin(), kind->fields.end(), key) == kind->fields.end())
        errors.push_back({where + " " + key + " 列", std::string("记录类型 ") + kind->record + " 没有这一列，应留空"});
    if (*kind->list) {
      out.lines["/" + std::string(kind->list) + "/" + std::to_string(out.document[kind->list].size())] = line;
      out.document[kind->list].push_back(std::move(record));
    } else {
      if (out.document.contains("online_list")) errors.push_back({where, "全程网办清单（online_list）只能有一行"});
      out.lines["/online_list"] = line;
      out.document["online_list"] = std::move(record);
    }
  }
  if (!errors.empty()) throw_invalid("items.import_invalid", "CSV 文件有 " + std::to_string(errors.size()) + " 处错误，未导入任何内容", errors);
  return out;
}

CsvPlace csv_place(const CsvCatalogue& csv, const std::string& pointer) {
  // The longest record prefix of the pointer, then the column: the first key after it (or after /fields).
  for (auto it = csv.lines.rbegin(); it != csv.lines.rend(); ++it) {
    const std::string& prefix = it->first;
    if (pointer.compare(0, prefix.size(), prefix) != 0 || (pointer.size() > prefix.size() && pointer[prefix.size()] != '/')) continue;
    std::string rest = pointer.substr(prefix.size());
    if (rest.starts_with("/fields")) rest = rest.substr(7);
    std::string column = rest.empty() ? "" : rest.substr(1, rest.find('/', 1) == std::string::npos ? std::string::npos : rest.find('/', 1) - 1);
    if (column == "basic_code" || column == "implementation_code" || column == "bundle_code" || column == "id") column = "code";
    return {it->second, column,
            "第 " + std::to_string(it->second) + " 行" + (column.empty() ? "" : " " + column + " 列") + (rest.empty() ? "" : "（" + rest + "）")};
  }
  return {0, "", pointer};
}

}  // namespace items
