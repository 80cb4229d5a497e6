// JsonSchema over valijson's nlohmann adapter.
#define VALIJSON_USE_EXCEPTIONS 1
#include "http/json_schema.hpp"

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

namespace wangban::kernel {

struct JsonSchema::Impl {
  valijson::Schema schema;
};

JsonSchema::JsonSchema() : impl_(std::make_unique<Impl>()) {}
JsonSchema::~JsonSchema() = default;

std::shared_ptr<const JsonSchema> JsonSchema::compile(const std::string& text) {
  std::shared_ptr<JsonSchema> s(new JsonSchema());
  try {
    s->document_ = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::invalid_argument(std::string("schema is not valid JSON: ") + e.what());
  }
  if (!s->document_.is_object() && !s->document_.is_boolean())
    throw std::invalid_argument("a JSON Schema must be an object or a boolean");
  try {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(s->document_);
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
  return out;
}

}  // namespace wangban::kernel
