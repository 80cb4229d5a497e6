// JsonSchema over valijson's nlohmann adapter: the platform's one JSON Schema validator (plugin API 1.5).
#define VALIJSON_USE_EXCEPTIONS 1
#include "wangban/json_schema.hpp"

#include <nlohmann/json.hpp>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

namespace wangban {

namespace {

// valijson parses a copy of the schema, adjusted around two of its faults; document() keeps the
// original for callers that read it.
//  - "format" is dropped. Draft-07 makes format an annotation unless a validator opts in to
//    asserting it (Validation §7.2; the official test suite keeps format assertions under
//    optional/). valijson asserts a few formats and, for every format, first reads the value as a
//    string: it judges null, numbers and booleans by their text and throws on a non-empty array
//    or object.
//  - "propertyNames": S becomes an added "allOf" entry {"propertyNames": S}. valijson looks the
//    subschema S up under its parent's path, so when the parent is a $ref target (a definition,
//    or the root behind "#") it finds the parent itself and checks every property name against
//    the parent schema. An allOf entry has a path of its own. The two forms mean the same.
void adjust_for_valijson(nlohmann::json& schema);

// A keyword whose value is a map from names to schemas: the names are data, never keywords.
void adjust_schema_map(nlohmann::json& map) {
  if (!map.is_object()) return;
  for (auto& entry : map.items()) adjust_for_valijson(entry.value());
}

void adjust_for_valijson(nlohmann::json& schema) {
  if (schema.is_array()) {  // allOf, anyOf, oneOf, items as a list
    for (auto& element : schema) adjust_for_valijson(element);
    return;
  }
  if (!schema.is_object()) return;
  if (auto it = schema.find("format"); it != schema.end() && it->is_string()) schema.erase(it);
  for (auto& entry : schema.items()) {
    const std::string& key = entry.key();
    if (key == "enum" || key == "const" || key == "default" || key == "examples") continue;  // instance values
    if (key == "properties" || key == "patternProperties" || key == "definitions" || key == "dependencies")
      adjust_schema_map(entry.value());
    else
      adjust_for_valijson(entry.value());  // a schema, or an unknown keyword a $ref may point into
  }
  auto names = schema.find("propertyNames");
  auto all_of = schema.find("allOf");
  if (names == schema.end() || (all_of != schema.end() && !all_of->is_array())) return;
  nlohmann::json entry = {{"propertyNames", std::move(*names)}};
  schema.erase(names);
  schema["allOf"].push_back(std::move(entry));
}

}  // namespace

struct JsonSchema::Impl {
  nlohmann::json document;  // as given
  nlohmann::json parsed;  // the copy of document valijson parsed (see adjust_for_valijson)
  valijson::Schema schema;
};

JsonSchema::JsonSchema() : impl_(std::make_unique<Impl>()) {}
JsonSchema::~JsonSchema() = default;

const nlohmann::json& JsonSchema::document() const { return impl_->document; }

std::shared_ptr<const JsonSchema> JsonSchema::compile(const std::string& text) {
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::invalid_argument(std::string("schema is not valid JSON: ") + e.what());
  }
  return compile(document);
}

std::shared_ptr<const JsonSchema> JsonSchema::compile(const nlohmann::json& document) {
  if (!document.is_object() && !document.is_boolean())
    throw std::invalid_argument("a JSON Schema must be an object or a boolean");
  std::shared_ptr<JsonSchema> s(new JsonSchema());
  s->impl_->document = document;
  try {
    s->impl_->parsed = document;
    adjust_for_valijson(s->impl_->parsed);
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(s->impl_->parsed);
    parser.populateSchema(adapter, s->impl_->schema);
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("not a usable JSON Schema: ") + e.what());
  }
  return s;
}

std::vector<SchemaError> JsonSchema::validate(const nlohmann::json& document) const {
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(document);
  std::vector<SchemaError> out;
  if (validator.validate(impl_->schema, target, &results)) return out;
  valijson::ValidationResults::Error e;
  while (results.popError(e)) {
    std::string pointer;
    for (auto& c : e.context) {
      if (c == "<root>") continue;
      // valijson writes "[name]" for properties and "[0]" for items
      std::string part = c;
      if (part.size() >= 2 && part.front() == '[' && part.back() == ']') part = part.substr(1, part.size() - 2);
      if (part.size() >= 2 && part.front() == '"' && part.back() == '"') part = part.substr(1, part.size() - 2);
      pointer += "/" + part;
    }
    out.push_back({pointer, e.description});
  }
  // valijson fails a false schema (at the root, behind a $ref, under propertyNames) without
  // recording why; an invalid document must never come back with an empty error list.
  if (out.empty()) out.push_back({"", "the document is not allowed by the schema"});
  return out;
}

}  // namespace wangban
