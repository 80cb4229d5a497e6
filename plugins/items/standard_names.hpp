// The GB/T 39046-2020 data-item names (table 4, 事项管理) of the catalogue's fields, for exports
// that speak the standard's names (`names=gbt39046`) and for reading such files back. Each field
// maps one-to-one to a data item; code values (annex A tables) are the same in both forms. The
// reference holds the items' names but not their internal identifiers, so names are what we map.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace items {

// The standard's name of a record or fields key ("promised_limit" -> "承诺办结时限"), or the key.
std::string standard_name(const std::string& key);
// The key of a standard name, or the text itself.
std::string key_of_standard_name(const std::string& name);

// The exchange document with every record's and every material's keys renamed (and back).
nlohmann::json to_standard_names(const nlohmann::json& document);
nlohmann::json from_standard_names(const nlohmann::json& document);

}  // namespace items
