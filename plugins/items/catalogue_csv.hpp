// The catalogue as one CSV table (RFC 4180, UTF-8 with a byte-order mark so spreadsheet programs
// read the Chinese right): a row per department, theme, base entry, implementation, bundle and the
// "全程网办" list, a column per field. Text fields are plain cells; structured fields (materials,
// limits, the form, …) are JSON text in their cell. A cell starting with = + - @ or ' gets a
// leading ' against formula injection, removed again on reading. The header names the columns by their keys, or
// by their GB/T 39046 names; reading accepts either. Reading gives the exchange document and where
// each record came from, so problems found by the import are reported by line and column.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalogue_rules.hpp"

namespace items {

std::string catalogue_to_csv(const nlohmann::json& document, bool standard_names);

struct CsvCatalogue {
  nlohmann::json document;
  std::map<std::string, int> lines;  // "/implementations/3" -> its line in the file (1 = header)
};
// Throws Problem 422 "items.import_invalid" naming the line (and column) of a malformed row.
CsvCatalogue catalogue_from_csv(std::string_view text);
// An import problem's place in the CSV file.
struct CsvPlace {
  int line = 0;        // 0: not in a row (the pointer is returned as text)
  std::string column;  // "promised_limit", or "" for the whole row
  std::string text;    // "第 12 行 promised_limit 列（/promised_limit/unit）"
};
CsvPlace csv_place(const CsvCatalogue& csv, const std::string& pointer);

}  // namespace items
